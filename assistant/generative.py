"""The generative answerer: a chat model writes the answer from numbered clauses, and is checked.

Any OpenAI-compatible endpoint serves (Ollama's /v1, vLLM, `python -m
llama_cpp.server --model FILE.gguf`), through langchain's ChatOpenAI. Every
answer is checked before it is shown: citation markers that point to no clause
are removed, and a name, number or date that appears in none of the clauses an
answer sentence cites (nor in the question) fails the check. An answer that
fails, cites nothing, or does not arrive in time is replaced by the offline
answer, with a note saying so.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answers import Answer, Citation, cite
from assistant.compose import PROMPTS
from assistant.offline import OfflineAnswerer
from assistant.profile import Profile, Turn
from assistant.vocabulary import is_instruction
from index.retriever import Retrieval, Retrieved
from ingest.normalize import fold_diacritics

MAX_CLAUSES = 6
_MARKER = re.compile(r"\[(\d+)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
# A run of capitalised words with at least one Vietnamese letter: an agency, place or person name.
_VI_NAME = re.compile(r"(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[-–]\s+|\s+)){1,}[A-ZĐÀ-Ỹ][\wÀ-ỹ]*")
_VI_LETTER = re.compile(r"[ĐđÀ-ỹ]")
_FIGURE = re.compile(r"\d+(?:[/.,-]\d+)*(?:/[A-ZĐ][\w-]*)?")
_ABSTAIN = re.compile(r"không có thông tin|do not contain|does not contain|không nêu|not stated", re.I)
# Lines that would pose as the prompt's own structure: a clause number or the question heading.
_PROMPT_STRUCTURE = re.compile(r"^\s*\[\d+\]|c[aâ]u h[oỏ]i\s*/\s*question\s*:|<\|?/?(system|im_start|im_end)",
                               re.I | re.M)


@dataclass
class CheckedAnswer:
    text: str
    used: list[int]  # clause numbers the answer cites, in order
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_answer(text: str, clauses: list[str], question: str) -> CheckedAnswer:
    """Remove markers to no clause; flag names and figures that no cited clause (nor the question) contains."""
    problems: list[str] = []
    text = _MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= len(clauses) else "", text).strip()
    used = list(dict.fromkeys(int(n) for n in _MARKER.findall(text)))
    abstaining = bool(_ABSTAIN.search(text))
    if not used and not abstaining:
        problems.append("the answer cites no clause")
    folded_question = _fold(question)
    for sentence in _SENTENCE.split(text):
        cited = [int(n) for n in _MARKER.findall(sentence)] or used
        support = " ".join(_fold(clauses[n - 1]) for n in cited) + " " + folded_question
        claims = [m.group(0) for m in _VI_NAME.finditer(sentence) if _VI_LETTER.search(m.group(0))]
        claims += [m.group(0) for m in _FIGURE.finditer(_MARKER.sub("", sentence))]
        for claim in claims:
            if _fold(claim) and _fold(claim) not in support:
                problems.append(f"'{claim}' is in no cited clause")
    return CheckedAnswer(text, used, problems)


class ChatModelAnswerer:
    """Answers with a langchain chat model over the best clauses; falls back to the offline answerer."""

    def __init__(self, chat_model, offline: OfflineAnswerer, prompts: Path = PROMPTS,
                 max_clauses: int = MAX_CLAUSES):
        self.chat_model = chat_model
        self.offline = offline
        self.system = {lang: (prompts / f"answer.{lang}.txt").read_text(encoding="utf-8") for lang in ("vi", "en")}
        self.user = (prompts / "clauses.txt").read_text(encoding="utf-8")
        self.max_clauses = max_clauses

    def warm_up(self) -> None:
        self.offline.warm_up()

    def messages(self, question: str, retrieval: Retrieval) -> list[tuple[str, str]]:
        items = retrieval.items[:self.max_clauses]
        numbered = "\n\n".join(f"[{n}] {i.chunk.document} › {i.chunk.section} (tr. {i.chunk.page}):\n"
                                 f"{as_material(i.chunk.text)}" for n, i in enumerate(items, start=1))
        return [("system", self.system[retrieval.language]),
                ("human", self.user.format(clauses=numbered, question=question))]

    def stream(self, question: str, retrieval: Retrieval) -> Iterator[str]:
        """The model's text as it arrives (the app shows it, then replaces it with the checked answer)."""
        for chunk in self.chat_model.stream(self.messages(question, retrieval)):
            if chunk.content:
                yield chunk.content

    def run(self, question: str, retrieval: Retrieval, profile: Profile | None = None,
            previous: Turn | None = None, generated: str | None = None) -> Answer:
        fallback = self.offline.run(question, retrieval, profile=profile, previous=previous)
        if not retrieval.items:
            return fallback
        items = retrieval.items[:self.max_clauses]
        try:
            text = generated if generated is not None else self.chat_model.invoke(
                self.messages(question, retrieval)).content
        except Exception as exc:  # the model server is down or slow: the offline answer still serves
            fallback.notes.append(_note(retrieval.language, f"language model unavailable ({type(exc).__name__})"))
            return fallback
        checked = check_answer(text, [i.chunk.text for i in items], question)
        if not checked.ok:
            fallback.notes.append(_note(retrieval.language, "; ".join(checked.problems[:3])))
            return fallback
        citations = [_citation(n, items[n - 1], checked.text, self.offline.plans.get(items[n - 1].chunk.plan))
                     for n in checked.used]
        abstained = bool(_ABSTAIN.search(checked.text))
        return Answer(question, checked.text, abstained, citations, retrieval, notes=list(retrieval.notes),
                      turn=fallback.turn)


def as_material(text: str) -> str:
    """Clause text as the model should read it: material to quote, with sentences that give orders
    to the model left out and lines that mimic the prompt's structure defused."""
    kept = [s for s in re.split(r"(?<=[.!?;:])\s+|\n", text) if s.strip() and not is_instruction(s)]
    return _PROMPT_STRUCTURE.sub(lambda m: m.group(0).replace("[", "(").replace("]", ")").replace(":", " -")
                                 .replace("<", "‹"), "\n".join(kept))


def _citation(n: int, item: Retrieved, answer: str, plan) -> Citation:
    """The clause as cited, with the sentence of it that shares most words with the answer."""
    chunk = item.chunk
    answer_words = set(_fold(answer).split())
    sentences = [s for s in re.split(r"(?<=[.;])\s+|\n", chunk.text) if s.strip()]
    quote = max(sentences, key=lambda s: len(set(_fold(s).split()) & answer_words), default=chunk.text)
    return cite(n, chunk, quote.strip(), plan)


def _note(lang: str, reason: str) -> str:
    if lang == "vi":
        return f"Câu trả lời của mô hình ngôn ngữ không được dùng ({reason}); đây là câu trả lời trích từ kế hoạch."
    return f"The language model's answer was not used ({reason}); this answer is quoted from the plans."


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold_diacritics(text)))


def make_chat_model(url: str, model: str, api_key: str = "", timeout_s: float = 60.0):
    """A chat model at an OpenAI-compatible URL (Ollama: http://localhost:11434/v1)."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=url, model=model, api_key=api_key or "not-needed", temperature=0,
                      timeout=timeout_s, max_retries=0)
