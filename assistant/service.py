"""The assistant as one object: settings in, index and retriever built once, questions answered."""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from assistant.answers import Answer
from assistant.generative import ChatModelAnswerer, make_chat_model
from assistant.offline import OfflineAnswerer
from assistant.profile import Profile, Turn
from assistant.settings import Settings
from index.embedders import make_embedder
from index.plan_index import IndexChange, PlanIndex
from index.retriever import Filters, Retrieval, Retriever
from ingest import Plan, PlanReader

MAX_QUESTION_CHARS = 1000  # longer input is cut: a question is a sentence or two, and time must stay bounded


class Assistant:
    def __init__(self, settings: Settings):
        self.settings = settings

    @cached_property
    def index(self) -> PlanIndex:
        embedder = make_embedder(self.settings.embedding_model, cache=self.settings.model_cache,
                                 threads=self.settings.embedding_threads, runtime=self.settings.embedding_runtime)
        return PlanIndex(self.settings.store, embedder, chroma_url=self.settings.chroma_url)

    @cached_property
    def retriever(self) -> Retriever:
        self.index.check_model()
        self.index.recover()  # an ingest that was killed is finished or undone before the first question
        return Retriever(self.index)

    @cached_property
    def offline(self) -> OfflineAnswerer:
        return OfflineAnswerer(self.index.plans, self.index.lexical)

    @cached_property
    def answerer(self) -> OfflineAnswerer | ChatModelAnswerer:
        if self.settings.answerer == "llm":
            if not self.settings.llm_url:
                raise ValueError("answerer = llm needs llm_url (PLAN_ASSISTANT_LLM_URL), e.g. http://localhost:11434/v1")
            chat_model = make_chat_model(self.settings.llm_url, self.settings.llm_model, self.settings.llm_api_key,
                                         self.settings.llm_timeout_s)
            return ChatModelAnswerer(chat_model, self.offline)
        return self.offline

    def ingest(self, path: Path) -> tuple[Plan, IndexChange]:
        """Read one plan file and index it (raises IngestError naming the file and the reason).
        A file indexed before, byte for byte, is neither read nor written again."""
        stored = self.index.unchanged(path) if Path(path).is_file() else None
        if stored is not None:
            return stored, IndexChange(stored.key, len(self.index.plans.entry(stored.key).chunk_ids or ()), 0, 0,
                                       unchanged=True)
        plan = PlanReader(self.settings.load_limits).run(path)
        return plan, self.index.add(plan, source=path)

    def remove(self, key: str) -> None:
        self.index.remove(key)

    def reindex(self, key: str) -> IndexChange:
        """Parse the kept original again (after a parser fix) and index the result."""
        plan = self.index.plans.get(key)
        source = self.index.original(plan.document)
        if source is None:
            return self.index.add(plan)
        return self.ingest(source)[1]

    def warm_up(self) -> None:
        """Load the model and every index now, so the first question is as fast as the next."""
        self.retriever.warm_up()
        self.answerer.warm_up()

    def search(self, question: str, k: int = 10, filters: Filters = Filters()) -> Retrieval:
        return self.retriever.run(question, k=k, filters=filters)

    def ask(self, question: str, history: list[dict] | None = None, filters: Filters = Filters(),
            k: int = 10, previous: Turn | None = None) -> Answer:
        """Answer a question. `previous` is what the conversation's last answer was about (the app keeps
        it); without it, the last user question of `history` is read again to find it."""
        started = time.perf_counter()
        profile, retrieval, previous = self._prepare(question, history, filters, k, previous)
        answer = self.answerer.run(profile.question, retrieval, profile=profile, previous=previous)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer

    def ask_stream(self, question: str, history: list[dict] | None = None, filters: Filters = Filters(),
                   previous: Turn | None = None) -> Iterator[str | Answer]:
        """The answer as it is written: text pieces from a language model, then the checked Answer.
        The offline answerer has no pieces: its Answer comes at once."""
        if not isinstance(self.answerer, ChatModelAnswerer):
            yield self.ask(question, history, filters, previous=previous)
            return
        started = time.perf_counter()
        profile, retrieval, previous = self._prepare(question, history, filters, 10, previous)
        written = ""
        try:
            for piece in self.answerer.stream(profile.question, retrieval):
                written += piece
                yield piece
        except Exception:  # the server failed mid-answer: the check below falls back to the offline answer
            written = ""
        answer = self.answerer.run(profile.question, retrieval, profile=profile, previous=previous,
                                   generated=written or None)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    def _prepare(self, question: str, history: list[dict] | None, filters: Filters, k: int,
                 previous: Turn | None) -> tuple[Profile, Retrieval, Turn | None]:
        """The question read once (with the conversation), and the clauses retrieved for it."""
        question = question[:MAX_QUESTION_CHARS].strip()
        if previous is None:
            previous = self._previous_turn(history or [], filters)
        reading = self.retriever.language(question)
        profile = self.offline.profile(question, reading[0], previous)
        if profile.plans and not filters.plans:
            filters = replace(filters, plans=profile.plans, named=True)
        retrieval = self.retriever.run(profile.searched, k=k, filters=filters, reading=reading)
        retrieval.question = question
        return profile, retrieval, previous

    def _previous_turn(self, history: list[dict], filters: Filters) -> Turn | None:
        """What the last answer was about, when only the earlier question is known (the command line's
        batch passes the previous question alone): that question is answered again, offline."""
        asked = [m.get("content") for m in history[-6:] if m.get("role") == "user" and isinstance(m.get("content"), str)]
        if not asked:
            return None
        profile, retrieval, _ = self._prepare(asked[-1], [], filters, 10, None)
        return self.offline.run(profile.question, retrieval, profile=profile).turn
