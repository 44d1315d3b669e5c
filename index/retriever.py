"""Retriever: a question -> the chunks that answer it, best first.

Dense search (the embedder) and lexical search (BM25) are fused with
reciprocal-rank fusion for Vietnamese questions. For English questions the
Vietnamese lexical index only sees the glossary's Vietnamese names of what
the question mentions ("Korean" -> "Hàn Quốc"), at a lower weight, so words
that never occur in the plans cannot drag good dense results down.
A question that names a province, district or year of an indexed plan is
narrowed to those plans, and the retrieval says so.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from index.chunks import METADATA_SECTION, Chunk
from index.glossary import Glossary, glossary
from index.lexical import syllables
from index.plan_index import PlanIndex
from ingest import Plan
from ingest.structure import CLOSING
from ingest.normalize import fold_diacritics

RRF_K = 60
DOCUMENT_CHUNK_WEIGHT = 0.5
CANDIDATES = 40
_VI_MARKS = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
_WORD = re.compile(r"\w+(?:'s)?|[^\w\s]")
# A year named, not that of a cited number (2013/QĐ-TTg) or of a date (30/11/2021).
YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?!\d)(?!\s*/)")
# The document-information chunk and the recipients list answer only questions about the document itself.
DOCUMENT_CUES = re.compile(
    r"ban hành|ban hanh|\bký\b|\bky\b|người ký|nguoi ky|số hiệu|so hieu|\bsố\b|ngày nào|ngay nao|nơi nhận|noi nhan|"
    r"thời hạn|thoi han|đến năm|den nam|issued|signed|signer|number|date|horizon|recipient|sent to|deadline|"
    r"when was|which year|what year", re.I)
# Common English words: a question mostly made of these is English even when it names "Đắk Lắk".
ENGLISH_WORDS = frozenset(
    "the of and in to for which what who whom whose when where why how is are was were be been does do did has "
    "have had will would should can could must may plan plans agency agencies office lead leads leading with on "
    "at by from about as a an that this these those their its it they them one any all each list give show tell "
    "me according responsible province provinces provincial appendix year years overview compare between "
    "there not no or but if than into across named name mention mentions work activities activity section "
    "sections".split())


@dataclass(frozen=True)
class Filters:
    """Explicit limits from the caller (plan filter in the UI, --plan on the command line)."""

    plans: tuple[str, ...] = ()
    province: str = ""
    year: int = 0
    # The plans are those the question itself names, as the caller read them (by number, issuer and place):
    # the place names in it do not narrow them again ("kh 603 Kon Tum và Kon Rẫy" is both plans, though a
    # province named beside one of its districts alone would stand for the district).
    named: bool = False


@dataclass(frozen=True)
class Retrieved:
    chunk: Chunk
    score: float  # fused score, higher is better
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass
class Retrieval:
    question: str
    language: str  # vi or en
    folded: bool  # typed without diacritics
    items: list[Retrieved]
    plans: list[str] | None  # the plans searched (None: all)
    notes: list[str] = field(default_factory=list)  # what narrowing happened, in the question's language
    missing_years: list[int] = field(default_factory=list)  # years asked about that no plan covers
    narrowed: bool = False  # the question itself named the place or year it is about
    places: tuple[str, ...] = ()  # the place names (folded) the question was narrowed by


class Retriever:
    def __init__(self, index: PlanIndex, terms: Glossary | None = None, candidates: int = CANDIDATES,
                 english_lexical_weight: float = 0.25):
        self.index = index
        self.english_lexical_weight = english_lexical_weight
        self.glossary = terms or glossary()
        self.candidates = candidates
        self._vocabulary: tuple[int, set[str]] | None = None  # (store generation, syllables)
        # The lexical search runs beside the query embedding: SQLite and ONNX Runtime both release the GIL,
        # so on two cores the FTS5 query costs no wall time up to the embedding's (50-70 ms here).
        self._lexical_side = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lexical")

    def warm_up(self) -> None:
        """Load the embedding model and the vocabulary now rather than on the first question."""
        self.index.embedder.embed_query("khởi động")
        self.index.vectors.count()  # opens Chroma once, before concurrent questions arrive
        self._vietnamese_vocabulary()

    def run(self, question: str, k: int = 10, filters: Filters = Filters(),
            reading: tuple[str, bool] | None = None) -> Retrieval:
        """`reading`: the question's language and whether it was typed without diacritics, when the
        caller read them from the words the user typed (before spelling out shorthand)."""
        question = question.strip()
        language, folded = reading or self.language(question)
        plans, notes, places, missing_years = self._scope(question, language, filters)
        narrowed = bool(places) or (plans is not None and not (filters.plans or filters.province or filters.year))
        if not question:
            return Retrieval(question, language, folded, [], plans, notes, missing_years, narrowed,
                             tuple(sorted(places)))
        # Within the narrowed plans every chunk is about that place: its name would only pull
        # chunks that repeat it (the heading, the preamble) above the ones that answer.
        dense_query = _without(question, places, keep_case=True)
        lexical_query, lexical_weight = _without(question, places), 1.0
        if language == "en":
            entries = [e for e in self.glossary.in_english(question)
                       if e.kind != "role" and _folded(e.vietnamese) not in places]
            # English words for things the plans name in Vietnamese become those names: the
            # embedder matches "Hàn Quốc" in a Vietnamese clause better than "Korea".
            dense_query = self.glossary.to_vietnamese(dense_query, entries)
            lexical_query = " ".join(e.vietnamese for e in entries)
            lexical_weight = self.english_lexical_weight
        # An ingest in progress (or killed) may have written chunks it has not committed: they are
        # skipped, and the pools are fetched larger so the live candidates are the same as without them.
        if self.index.pending():
            self.index.recover()
        fetch = self.candidates * 2 if self.index.pending() else self.candidates
        lexical = self._lexical_side.submit(self._lexical, lexical_query, fetch, folded, plans)
        dense = [(chunk, score) for chunk, score in
                 self.index.nearest(self.index.embedder.embed_query(dense_query), fetch, plans)
                 if self.index.is_live(chunk.plan, chunk.id)][:self.candidates]
        lexical = lexical.result()
        about_document = bool(DOCUMENT_CUES.search(question))
        items = self._fuse(dense, lexical, lexical_weight, k, about_document)
        return Retrieval(question, language, folded, items, plans, notes, missing_years, narrowed,
                         tuple(sorted(places)))

    def _lexical(self, query: str, fetch: int, folded: bool, plans: list[str] | None) -> list:
        if not query.strip():
            return []
        return [hit for hit in self.index.lexical.search(query, fetch, folded=folded, plans=plans)
                if self.index.is_live(hit.plan, hit.chunk_id)][:self.candidates]

    def _fuse(self, dense, lexical, lexical_weight: float, k: int, about_document: bool) -> list[Retrieved]:
        scores: dict[str, float] = {}
        dense_rank = {chunk.id: rank for rank, (chunk, _) in enumerate(dense, start=1)}
        lexical_rank = {hit.chunk_id: rank for rank, hit in enumerate(lexical, start=1)}
        for chunk_id, rank in dense_rank.items():
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
        for chunk_id, rank in lexical_rank.items():
            scores[chunk_id] = scores.get(chunk_id, 0.0) + lexical_weight / (RRF_K + rank)
        order = sorted(scores, key=lambda i: (-scores[i], dense_rank.get(i, 1 << 30)))[:k + 10]
        chunks = {chunk.id: chunk for chunk, _ in dense}
        chunks.update({c.id: c for c in self.index.vectors.get([i for i in order if i not in chunks])})
        order = [i for i in order if i in chunks]
        if not about_document:
            for chunk_id in order:
                if chunks[chunk_id].section in (METADATA_SECTION, CLOSING):
                    scores[chunk_id] *= DOCUMENT_CHUNK_WEIGHT
        best = sorted(order, key=lambda i: (-scores[i], dense_rank.get(i, 1 << 30)))[:k]
        # Scaled so the best possible fused score (rank 1 on both sides) is 1.0.
        top = (1.0 + lexical_weight) / (RRF_K + 1)
        return [Retrieved(chunks[i], round(scores[i] / top, 4), dense_rank.get(i), lexical_rank.get(i))
                for i in best]

    # -- what the question is --------------------------------------------------------------------
    def language(self, question: str) -> tuple[str, bool]:
        """('vi' | 'en', typed without diacritics)."""
        places = self.index.plans.derived(PlanPlaces).syllables
        # Place names ("Dak Lak") say nothing about the language the question is asked in.
        words = [w for w in syllables(question) if not w.isdigit() and fold_diacritics(w) not in places]
        if not words:
            return "vi", bool(syllables(question)) and not _VI_MARKS.search(question)
        english = sum(w in ENGLISH_WORDS for w in words)
        marked = sum(bool(_VI_MARKS.search(w)) for w in words)
        if marked:
            return ("en", False) if english >= 2 and english > marked else ("vi", False)
        vocabulary = self._vietnamese_vocabulary()
        vietnamese = sum(w in vocabulary and w not in ENGLISH_WORDS for w in words)
        if vietnamese > english and vietnamese >= 0.5 * len(words):
            return "vi", True
        return "en", False

    def _vietnamese_vocabulary(self) -> set[str]:
        generation = self.index.generation()
        if self._vocabulary is None or self._vocabulary[0] != generation:
            self._vocabulary = (generation, self.index.lexical.vocabulary(folded=True))
        return self._vocabulary[1]

    def _scope(self, question: str, language: str,
               filters: Filters) -> tuple[list[str] | None, list[str], set[str], list[int]]:
        """The plans to search, notes saying how they were narrowed, the (folded) place names used,
        and the years asked about that no plan covers."""
        catalog = self.index.plans.derived(PlanPlaces)
        chosen = [p for p in catalog.plans if not filters.plans or p.key in filters.plans]
        if filters.province:
            chosen = [p for p in chosen if _folded(filters.province) in
                      (_folded(p.metadata.province or ""), _folded(p.metadata.district or ""))]
        if filters.year:
            chosen = [p for p in chosen if p.metadata.year == filters.year]
        explicit = bool(filters.plans or filters.province or filters.year)
        notes: list[str] = []
        named = catalog.named(question, chosen)
        if named and filters.named:
            named = chosen
        if named:
            chosen = named
            places = sorted({_place(p) for p in named})
            notes.append(("Chỉ tìm trong kế hoạch của " if language == "vi" else "Searched only the plans of ")
                         + ", ".join(places))
        years = {int(y) for y in YEAR.findall(question)}
        plan_years = {p.metadata.year for p in chosen if p.metadata.year}
        horizons = {p.metadata.horizon for p in chosen if p.metadata.horizon}
        asked = years - horizons
        if asked & plan_years and filters.plans:
            pass  # plans chosen by name are not narrowed again by a year
        elif asked & plan_years:
            chosen = [p for p in chosen if p.metadata.year in asked]
            notes.append(("Chỉ tìm trong kế hoạch năm " if language == "vi" else "Searched only the plans for ")
                         + ", ".join(map(str, sorted(asked & plan_years))))
        elif asked:
            missing = ", ".join(map(str, sorted(asked)))
            notes.append(f"Không có kế hoạch nào cho năm {missing}" if language == "vi"
                         else f"No indexed plan covers {missing}")
        places = {_folded(name) for p in named for name in (p.metadata.province, p.metadata.district) if name}
        missing = sorted(asked - plan_years)
        if not named and not (asked & plan_years) and not explicit:
            return None, notes, places, missing
        return [p.key for p in chosen], notes, places, missing


def _folded(text: str) -> str:
    return " ".join(syllables(fold_diacritics(text)))


def _without(question: str, places: set[str], keep_case: bool = False) -> str:
    """The question minus the place names it was narrowed by: in those plans every chunk names them."""
    if not places:
        return question
    words = _WORD.findall(question) if keep_case else syllables(question)
    folded = [fold_diacritics(w.lower().removesuffix("'s")) for w in words]
    drop: set[int] = set()
    for place in places:
        parts = place.split()
        for i in range(len(folded) - len(parts) + 1):
            if folded[i:i + len(parts)] == parts:
                drop.update(range(i, i + len(parts)))
    return " ".join(w for i, w in enumerate(words) if i not in drop)


def _place(plan: Plan) -> str:
    return plan.metadata.district or plan.metadata.province or plan.key


class PlanPlaces:
    """The province and district names of the indexed plans, folded once per version of the plan list
    (PlanStore.derived): with thousands of plans, folding them for every question cost more than the search."""

    def __init__(self, plans: tuple[Plan, ...]):
        self.plans = plans
        self.province = {p.key: _folded(p.metadata.province) for p in plans if p.metadata.province}
        self.district = {p.key: _folded(p.metadata.district) for p in plans if p.metadata.district}
        self.names = frozenset(self.province.values()) | frozenset(self.district.values())
        self.syllables = frozenset(w for name in self.names for w in name.split())
        # "qn 2018", "kh hd": a place's initials, read as the place only beside a year or a word for a plan
        # ("dl" alone is "du lịch", "kt" "kinh tế"), and only when no two places share them.
        initials: dict[str, set[str]] = {}
        for name in self.names:
            if len(name.split()) > 1:
                initials.setdefault("".join(w[0] for w in name.split()), set()).add(name)
        self.initials = {short: names.pop() for short, names in initials.items() if len(names) == 1}
        short = "|".join(self.initials)
        self._initial = re.compile(rf"\b(kh |ke hoach |tinh |plan |huyen )({short})\b|\b({short})(?= (?:19|20)\d\d\b)") \
            if self.initials else None

    def place_of(self, key: str) -> str | None:
        return self.district.get(key) or self.province.get(key)

    def without(self, text: str) -> str:
        """The text minus every place name of the plans."""
        return _without(text, set(self.names), keep_case=True)

    def named(self, question: str, plans: list[Plan]) -> list[Plan]:
        """Plans whose district or province the question names (with or without diacritics).

        A district named stands for its plans, not its province's; a province named (other than only as the
        province of a district named) stands for its own plans, its districts' when it has none.
        """
        text = f" {_folded(question)} "
        if self._initial is not None:
            text = self._initial.sub(lambda m: (m.group(1) or "") + self.initials[m.group(2) or m.group(3)], text)
        found = {name for name in self.names if f" {name} " in text}
        if not found:
            return []
        by_district = [p for p in plans if self.district.get(p.key) in found]
        above = {self.province.get(p.key) for p in by_district}
        chosen = []
        for province in sorted(found - set(self.district.values()) - above):
            in_province = [p for p in plans if self.province.get(p.key) == province]
            chosen += [p for p in in_province if p.key not in self.district] or in_province
        return by_district + [p for p in chosen if p not in by_district]
