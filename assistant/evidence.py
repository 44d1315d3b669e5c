"""Evidence: the sentences, bullet lines and task rows of the retrieved chunks, scored against the question.

A unit's score joins two signals: how much of the question's rarity-weighted words it (with its
clause's heading) holds, and how high retrieval put its chunk: dense similarity is what carries an
English or unaccented question to a Vietnamese clause, and it is only seen through the chunk's rank.
Whether a unit holds a value of the slot asked (a date, an amount, a place) is read here too.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.profile import Profile
from assistant.vocabulary import COUNT_NOUNS, fold, is_heading, is_instruction, sentences, wordset
from index.chunks import METADATA_SECTION, Chunk
from index.retriever import Retrieval

EVIDENCE_CHUNKS = 8  # retrieved chunks whose units are weighed
RANK_DECAY = 0.12  # how much each rank down costs a unit, against its share of the question's words
MIN_READABLE = 0.25  # the rank decay grows up to fourfold as fewer of the question's words can be read
SLOT_WEIGHT = 0.3  # what holding a value of the slot asked adds to a unit's score
CONTEXT_WEIGHT = 0.4  # a follow-up's carried words count this much of the question's own

_MONEY = re.compile(r"\d[\d.,]*\s*(?:đồng|triệu|tỷ|nghìn|VNĐ|VND|USD|\$)", re.I)
# A number of what the plans count: "50 người", "55 năm" (not "tháng 11 năm 2021").
_COUNT = re.compile(rf"\b\d+\s+(?:{'|'.join(COUNT_NOUNS)})\b(?!\s*\d)", re.I)
_COUNTED = re.compile(r"\b\d+\s+(\w+(?:\s\w+)?)")  # a number and the words after it
_PLACE = re.compile(r"\btại\s+[A-ZĐÀ-Ỹ]|\bở\s+[A-ZĐÀ-Ỹ]|\btrên địa bàn\b")
_CONTACT = re.compile(r"(?:\+84|\b0)\d[\d .]{7,}\d|@\w+\.\w+|https?://|www\.")
_PERSON = re.compile(r"\b(?:ông|bà|đồng chí)\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]+\s+[A-ZĐÀ-Ỹ]", re.U)
_DATE = re.compile(r"\b(?:tháng|quý|năm)\s+[\dIVX]+|\b\d{1,2}/\d{4}\b|\bhằng năm|\bhàng năm|\bthường xuyên|"
                   r"\btrong năm\b|\bđịnh kỳ", re.I)
_SANCTION = re.compile(r"xử lý|kỷ luật|chế tài|xử phạt|khen thưởng", re.I)
_NAME_RUN = re.compile(r"\w+(?:\s+[A-ZĐÀ-Ỹ]\w*)*")  # a capitalised name from its first letter on
# A day, not only a month or quarter: "ngày 15", "15/4/2024", "15-17/4".
_DAY = re.compile(r"\bngày\s+\d{1,2}\b|\b\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}\b|\b\d{1,2}\s*(?:-|–|đến)\s*\d{1,2}\s*/\s*\d{1,2}\b",
                  re.I)
_OUTCOME = re.compile(r"giải nhất|giải nhì|giải ba|đạt giải|đoạt giải|kết quả đạt được|đã tổ chức thành công|đã thu hút", re.I)
VALUE_OF = {"outcome": _OUTCOME, "amount": _MONEY, "count": _COUNT, "venue": _PLACE, "contact": _CONTACT, "person": _PERSON,
            "time": _DATE, "sanction": _SANCTION}


@dataclass(frozen=True)
class Unit:
    """A sentence or line of a chunk, with its place in the chunk's text (for the quote and highlight)."""

    chunk: Chunk
    start: int
    end: int
    rank: int  # the chunk's rank in retrieval, 0 first

    @property
    def text(self) -> str:
        return self.chunk.text[self.start:self.end]


def units_of(chunk: Chunk, rank: int = 0) -> list[Unit]:
    return [Unit(chunk, a, b, rank) for a, b in sentences(chunk.text)]


def heading_above(unit: Unit) -> Unit | None:
    """The nearest heading above the unit in its chunk ("4. Sở Kế hoạch và Đầu tư"): whose duty or which
    activity the unit is."""
    above = [u for u in units_of(unit.chunk, unit.rank) if u.start < unit.start and is_heading(u.text)]
    return above[-1] if above else None


class Weights:
    """Rarity of each folded syllable in the store (idf): rare words decide what a question is about."""

    def __init__(self, document_frequencies: dict[str, int], total: int):
        total = max(total, 1)
        self.idf = {t: math.log(1 + total / df) for t, df in document_frequencies.items()}
        self.unseen = math.log(1 + total)

    def of(self, word: str) -> float:
        return self.idf.get(word, self.unseen)


class Evidence:
    """The question's words against the retrieved text."""

    def __init__(self, profile: Profile, weights: Weights, valued: Callable[[Unit], bool] | None = None):
        """`valued`: whether a unit holds a value of the slot asked (an agency in charge, for "who?")."""
        self.profile = profile
        self.weights = weights
        # "How often?", "by when?": a unit stating a time holds the value asked.
        self.valued = valued or (self._states_time if profile.slot == "time" else None)
        self._valued: dict[Unit, bool] = {}
        known = [w for w in profile.terms if profile.language != "en" or w in weights.idf]
        self.main = {w: weights.of(w) for w in known}
        self.context = {w: CONTEXT_WEIGHT * weights.of(w) for w in profile.context_terms if w in weights.idf}
        self.total = sum(self.main.values()) + sum(self.context.values())
        # An English question's words are mostly not in the plans: what its words can tell is little, and
        # retrieval (dense similarity reads English against Vietnamese) is trusted more.
        self.readable = len(known) / len(profile.terms) if profile.terms else 1.0
        self.rank_decay = RANK_DECAY / max(self.readable, MIN_READABLE)

    @property
    def blind(self) -> bool:
        """None of the question's words can be read in the plans (an English question the glossary has no
        word of): every text covers it, so only retrieval can tell which answers."""
        return self.total <= 0

    def coverage(self, text: str, ignore: frozenset[str] = frozenset()) -> float:
        """Share of the question's weight found in the text (1.0 when the question has no words to weigh);
        `ignore`: words already matched another way (a country a filter found)."""
        total = self.total - sum(v for w, v in {**self.main, **self.context}.items() if w in ignore)
        if total <= 0:
            return 1.0
        present = wordset(text) - ignore
        found = sum(v for w, v in self.main.items() if w in present) + \
            sum(v for w, v in self.context.items() if w in present)
        return found / total

    def unit_score(self, unit: Unit, ranked: bool = True) -> float:
        """The unit's share of the question (with its heading's), less what its chunk's rank costs."""
        heading = unit.chunk.text.split("\n", 1)[0]
        own = self.coverage(unit.text)
        around = self.coverage(f"{unit.text} {heading} {unit.chunk.section}")
        return 0.7 * own + 0.3 * around + self.value_bonus(unit) - (self.rank_decay * unit.rank if ranked else 0.0)

    def value_bonus(self, unit: Unit) -> float:
        if self.valued is None:
            return 0.0
        if unit not in self._valued:
            self._valued[unit] = self.valued(unit)
        return SLOT_WEIGHT if self._valued[unit] else 0.0

    def units(self, retrieval: Retrieval, chunks: int = EVIDENCE_CHUNKS) -> list[Unit]:
        """Every unit of the top chunks (the document-information chunk only for document questions)."""
        found = []
        for position, item in enumerate(retrieval.items):
            # A Vietnamese question's words are read against the plans' own: the clause that holds them best
            # is near the top however the embedding ranked it (an English one is read through the embedding).
            rank = min(position, item.lexical_rank - 1) if item.lexical_rank and self.profile.language == "vi" \
                else position
            if rank >= chunks or (item.chunk.section == METADATA_SECTION and not self.profile.asks_document):
                continue
            found.extend(u for u in units_of(item.chunk, rank) if not _bare_heading(u) and not is_instruction(u.text))
        return found

    def best(self, units: list[Unit]) -> Unit | None:
        return max(units, key=self.unit_score, default=None)

    def _states_time(self, unit: Unit) -> bool:
        return self.holds_value(unit.text, "time")

    def holds_value(self, unit_text: str, slot: str | None) -> bool:
        """The text states a value of the slot: for a day asked ("ngày nào"), a day, not a month."""
        pattern = _DAY if slot == "time" and self.profile.day else VALUE_OF.get(slot or "")
        if pattern is None:
            return False
        if slot == "count" and self.profile.counted:
            # A number of what was counted: "03 năm" answers no "bao nhiêu người".
            return any(re.match(rf"{re.escape(self.profile.counted)}\b", fold(m.group(1)))
                       for m in _COUNTED.finditer(unit_text))
        if slot != "venue":
            return bool(pattern.search(unit_text))
        # A place the question itself names ("tại Lào" asked "which province of Laos") is not the venue asked.
        return any(fold(_NAME_RUN.match(unit_text, m.end() - 1).group(0)) not in self.profile.folded
                   for m in pattern.finditer(unit_text))


def _bare_heading(unit: Unit) -> bool:
    """A heading with no body below it in the chunk ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích:" then "2. Yêu
    cầu:") labels text that is elsewhere; the chunk's own first line is its label too, unless it is the
    whole chunk. Neither is evidence."""
    text = unit.text.strip()
    if not is_heading(text):
        return False
    if unit.start == 0 and "\n" in unit.chunk.text.strip() and len(text) < 60:
        return True
    rest = unit.chunk.text[unit.end:].lstrip()
    label = text.endswith(":") or text.upper() == text
    return label and (not rest or is_heading(rest.split("\n", 1)[0]))
