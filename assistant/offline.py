"""The offline answerer: answers composed from the plans' own words, no language model.

Questions about who leads or cooperates, when and with what funding are
answered from the Task records; questions about an agency's duties from the
agency's responsibility clause; questions about the document from its
metadata; everything else by quoting the sentences of the best clauses that
match the question. A question no retrieved clause supports is answered with
an abstention, in the question's language.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.answers import Answer, Citation, cite
from index.chunks import Chunk, chunk_plan, metadata_chunk
from index.glossary import Glossary, glossary
from index.lexical import QUESTION_WORDS, LexicalIndex, syllables
from index.plans import PlanStore
from index.retriever import Retrieval
from ingest import Plan, Task
from ingest.normalize import HEADING_MARKER, fold_diacritics

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
MAX_ANSWER = 780  # the contract's limit for a short answer is 800 characters
MAX_LONG_ANSWER = 1400
MAX_PLANS = 3
WARM_PLANS = 200  # plans chunked at start; the rest when a question first reaches them
# Share of the question's (rarity-weighted) words the best clause must contain. On the dev set the
# unanswerable questions reach 0.26-0.40 and the answerable ones 0.53 and more.
MIN_COVERAGE = 0.46

# Intents, matched on the question folded to ASCII (so typing without diacritics works).
_DOCUMENT = re.compile(r"\bban hanh\b|\bky\b|nguoi ky|so hieu|\bissued\b|\bsigned?\b|\bsigner\b|reference number|"
                       r"\bnumber\b|\bso\b.*\bkh\b")
_HORIZON = re.compile(r"time horizon|horizons?\b|thoi han|den nam nao|giai doan nao")
_AMOUNT = re.compile(r"bao nhieu (ty|trieu|tien|dong|kinh phi)|kinh phi .*bao nhieu|how much|\bvnd\b|"
                     r"\bty dong\b|\bamounts?\b")
_LEAD = re.compile(r"chu tri|phu trach|co quan nao|don vi nao|phong nao|\bso nao\b|\bai\b|\bwho\b|"
                   r"which (agency|office|department|unit|body)|in charge|\bleads?\b|responsible for")
_TIME = re.compile(r"khi nao|thoi gian|thang (may|nao)|bao gio|\bwhen\b|what month|which month")
_FUNDING = re.compile(r"kinh phi|ngan sach|nguon nao|funding|budget|\bfunds?\b|\bcosts?\b|financ")
_DUTIES = re.compile(r"trach nhiem gi|nhiem vu gi|nhung nhiem vu|lam gi|\bduties\b|responsibilities|"
                     r"what (must|should|does|do) .* do\b|\brole\b")
_WHICH_PLANS = re.compile(r"nhung ke hoach nao|ke hoach nao|which plans|across the plans|in which plan|"
                          r"cac ke hoach")
_LONG = re.compile(r"overview|tong quan|liet ke|\blist\b|nhung .* nao|what are|compare|so sanh|"
                   r"cac muc|sections|muc dich|purpose|yeu cau|requirement|muc tieu|objective|goal|noi gi|say about|"
                   r"vai tro|nhung nhiem vu|nhiem vu gi|duties|con lam gi|nguon nao|nhung nguon|sources")
_AGENCY_HEAD = re.compile(r"(Sở|Báo|Đài|Phòng|Ban|Hội|Văn phòng|Ủy ban|UBND|Trung tâm|Liên hiệp|Công an|Bộ|Cục|Chi cục)\b",
                          re.I)
# Words of agency names that only say where ("Báo Gia Lai" is the province's "Báo"), besides the plans' places.
_ADMIN_WORDS = frozenset("tinh huyen thi xa thanh pho".split())
_DOCUMENT_NUMBER = re.compile(r"\b\d+/[A-ZĐ][\w-]*")
_NUMBER_ASKED = re.compile(r"reference number|what number|which number|so hieu|so may|so bao nhieu")
_MONEY = re.compile(r"\d[\d.,]*\s*(?:đồng|triệu|tỷ|VNĐ|VND|USD)", re.I)
_SENTENCE_END = re.compile(r"(?<=[^\W\d_][.;!?])\s+(?=[A-ZĐÀ-Ỹ\"“(])|(?<=[)”\"][.;!?])\s+(?=[A-ZĐÀ-Ỹ\"“(])")
_ENGLISH_STOP = frozenset(
    "the of and in to for which what who whom when where why how is are was were be been does do did has have "
    "had will would should can could must may a an that this these those their its it they them one any all "
    "each me according plan plans with on at by from about as there not no or but if than into its named "
    "there give tell show list".split())
# Words too common in these plans to tell one clause from another.
# Words that point back into the conversation ("Phòng đó còn làm gì nữa?") rather than at a clause.
_FOLLOW_UP = frozenset("đó này kia còn nữa vậy thế cái".split())
_GENERIC = frozenset("ke hoach tinh huyen ngoai giao van hoa thuc hien cac nhung theo trong cua cho".split())


@dataclass
class _Unit:
    """A sentence or line of a chunk, with its place in the chunk's text (for highlighting)."""

    chunk: Chunk
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.chunk.text[self.start:self.end]


class OfflineAnswerer:
    def __init__(self, plans: PlanStore, lexical: LexicalIndex, terms: Glossary | None = None,
                 prompts: Path = PROMPTS):
        self.plans = plans
        self.lexical = lexical
        self.glossary = terms or glossary()
        self.templates = _templates(prompts / "offline.toml")
        self._chunks: dict[str, tuple[Plan, list[Chunk]]] = {}
        self._idf: tuple[int, dict[str, float]] | None = None  # (store generation, weights)

    def run(self, question: str, retrieval: Retrieval, context: str = "", focus: str = "") -> Answer:
        """Answer `question`. For a follow-up, `context` is the earlier question (it weighs clauses) and
        `focus` the agency the earlier answer was about ("Phòng đó còn làm gì?")."""
        lang = retrieval.language
        words = _Terms(question, context, lang, self.glossary, self._weights(), retrieval.places, focus,
                       self.plans.derived(_place_words))
        folded = fold_diacritics(question)
        compose = _Composer(self.templates[lang], retrieval, self.glossary, self.plans)
        compose.focus_words = [fold_diacritics(n) for n in words.names_asked] + words.main
        items = [i.chunk for i in retrieval.items]
        if not items:
            return compose.abstain()
        unseen_years = [y for y in retrieval.missing_years if not any(str(y) in c.text for c in items[:5])]
        if unseen_years:
            return compose.abstain_year(unseen_years, self.plans.plans())
        if words.missing_names(items[:5]):
            return compose.abstain(nearby=self._best_unit(items[:3], words))
        if _HORIZON.search(folded):
            return self._horizons(compose, retrieval)
        if _DOCUMENT.search(folded) and (_NUMBER_ASKED.search(folded) or not self._other_document(question, retrieval)):
            answer = self._document(compose, retrieval, folded)
            if answer:
                return answer
        if _AMOUNT.search(folded) and not any(_MONEY.search(c.text) for c in items[:5]) \
                and not self._funding_stated(items[:2]):
            return compose.abstain_amount(self._best_unit(items[:3], words))
        best = self._best_unit(items[:5], words)
        agency = self._asks_about_agency(retrieval, words)
        about_agency = agency and _DUTIES.search(folded)  # "Phòng đó còn làm gì?": the agency is the subject
        if best is None or (words.coverage(best.chunk.text) < MIN_COVERAGE and not about_agency):
            return compose.abstain(nearby=best)
        if _WHICH_PLANS.search(folded) and not retrieval.narrowed:
            groups = self._plans_that_answer(items, words, best, agency)
            return compose.per_plan([self._quote_lines(compose, g, words, brief=True) for g in groups],
                                    intro="which_plans_intro")
        groups = [] if retrieval.narrowed else self._plans_that_answer(items, words, best, agency)
        if len(groups) > 1:
            budget = (MAX_ANSWER - 60) // len(groups)
            lines = [self._answer_lines(compose, g, words, folded, budget=budget) for g in groups]
            return compose.per_plan(lines, intro="per_plan_intro")
        chunks = groups[0] if groups else [c for c in items if c.plan == best.chunk.plan]
        long = words.wants_long
        lines = self._answer_lines(compose, chunks, words, folded, budget=(MAX_LONG_ANSWER if long else MAX_ANSWER))
        return compose.single(lines, long=long)

    # -- the plan's chunks and tasks ------------------------------------------------------------
    def _plan(self, key: str) -> tuple[Plan, list[Chunk]]:
        plan = self.plans.get(key)
        cached = self._chunks.get(key)
        if cached is None or cached[0] is not plan:
            cached = (plan, chunk_plan(plan))
            self._chunks[key] = cached
        return cached

    def warm_up(self) -> None:
        """Read the word weights and chunk the plans now, not during the first question."""
        self._weights()
        self.plans.derived(_responsibility_leads)
        plans = self.plans.plans()
        # A large store is chunked as questions reach its plans: all of it would take minutes.
        for plan in plans[:WARM_PLANS]:
            self._plan(plan.key)

    def _weights(self) -> dict[str, float]:
        """Inverse document frequency of each folded syllable: rare words decide what a question is about."""
        generation = self.plans.generation()
        if self._idf is None or self._idf[0] != generation:
            total = max(self.lexical.count(), 1)
            weights = {t: math.log(1 + total / df) for t, df in self.lexical.document_frequencies().items()}
            weights[""] = math.log(1 + total)  # a word the plans never use
            self._idf = (generation, weights)
        return self._idf[1]

    def _units(self, chunks: list[Chunk]) -> list[_Unit]:
        return [unit for chunk in chunks for unit in _units_of(chunk)]

    def _best_unit(self, chunks: list[Chunk], words: "_Terms") -> _Unit | None:
        scored = [(words.score(u.text) * (1 - 0.03 * rank), u) for rank, chunk in enumerate(chunks)
                  for i, u in enumerate(_units_of(chunk)) if i > 0 or "\n" not in chunk.text.strip()]
        scored = [s for s in scored if s[0] > 0]
        return max(scored, key=lambda s: s[0])[1] if scored else None

    def _funding_stated(self, chunks: list[Chunk]) -> bool:
        """True when a task of these chunks states its funding ("Không phát sinh" is an answer too)."""
        return any(task.funding for chunk in chunks for task in self._plan(chunk.plan)[0].tasks
                   if chunk.holds(task.section))

    def _asks_about_agency(self, retrieval: Retrieval, words: "_Terms") -> bool:
        """True when the question names an agency that some plan in scope gives a responsibility clause."""
        leads = self.plans.derived(_responsibility_leads)
        return any(words.names(lead) for lead in {lead for key in self._keys(retrieval) for lead in leads.get(key, ())})

    def _keys(self, retrieval: Retrieval) -> list[str]:
        return retrieval.plans if retrieval.plans is not None else [p.key for p in self.plans.plans()]

    def _plans_that_answer(self, items: list[Chunk], words: "_Terms", best: _Unit,
                           agency: bool) -> list[list[Chunk]]:
        """Retrieved chunks grouped by plan, for the plans whose best sentence comes close to the best one
        (or, for a question about an agency, the plans that give that agency duties)."""
        groups: dict[str, list[Chunk]] = {}
        for chunk in items:
            groups.setdefault(chunk.plan, []).append(chunk)
        if agency:
            return [chunks for key, chunks in groups.items() if self._agency_task(self._plan(key)[0], words)][:MAX_PLANS]
        top = words.score(best.text)
        kept = []
        for chunks in groups.values():
            unit = self._best_unit(chunks[:3], words)
            if unit is not None and words.score(unit.text) >= 0.7 * top and \
                    words.coverage(unit.chunk.text) >= MIN_COVERAGE:
                kept.append((words.score(unit.text), chunks))
        kept.sort(key=lambda sc: -sc[0])
        return [chunks for _, chunks in kept[:MAX_PLANS]]

    # -- answers --------------------------------------------------------------------------------
    def _answer_lines(self, compose: "_Composer", chunks: list[Chunk], words: "_Terms", folded: str,
                      budget: int) -> list[str]:
        plan, plan_chunks = self._plan(chunks[0].plan)
        duties = bool(_DUTIES.search(folded))
        if duties:
            task = self._agency_task(plan, words)
            if task is not None:
                return self._duties(compose, plan, plan_chunks, task, words, budget)
        if _LEAD.search(folded) or _TIME.search(folded) or _FUNDING.search(folded):
            task = self._task_for(plan, chunks[:3], words)
            if task is not None and (_LEAD.search(folded) or _task_answers(task, folded)):
                return self._task_line(compose, plan, plan_chunks, task, words, budget)
        return self._quote_lines(compose, chunks, words, budget=budget)

    def _agency_task(self, plan: Plan, words: "_Terms") -> Task | None:
        """The responsibility clause of the agency the question (or the conversation) names."""
        named = [t for t in plan.tasks if t.source == "responsibility" and words.names(t.lead)]
        return max(named, key=lambda t: len(t.lead)) if named else None

    def _task_for(self, plan: Plan, chunks: list[Chunk], words: "_Terms",
                  responsibility: bool = False) -> Task | None:
        """The task whose wording best matches the question; tasks in the retrieved chunks get a head start."""
        scored = []
        for task in plan.tasks:
            if responsibility and task.source != "responsibility":
                continue
            held = next((rank for rank, c in enumerate(chunks) if c.holds(task.section)), None)
            line = words.best_line_score(task.content)
            fields = words.score(" ".join((task.lead, task.cooperating)))
            bonus = 0.0 if held is None else 0.3 * (1 - 0.2 * held)
            scored.append((line * (1 + bonus) + 0.3 * fields, task))
        scored = [s for s in scored if s[0] > 0]
        return max(scored, key=lambda s: s[0])[1] if scored else None

    def _task_line(self, compose: "_Composer", plan: Plan, plan_chunks: list[Chunk], task: Task,
                   words: "_Terms", budget: int) -> list[str]:
        chunks = [c for c in plan_chunks if c.holds(task.section) and c.kind != "outline"]
        if not chunks:
            return []
        if task.source == "responsibility":
            units = [u for u in self._units(chunks) if _inside(u, task) and not _is_heading(u.text)]
            if not units:
                return []
            best = max(units, key=lambda u: words.score(u.text))
            return [compose.agency_duties(plan, task.lead, [best], budget=budget)]
        return [compose.task(plan, task, chunks[0], budget=budget)]

    def _duties(self, compose: "_Composer", plan: Plan, plan_chunks: list[Chunk], task: Task,
                words: "_Terms", budget: int) -> list[str]:
        chunks = [c for c in plan_chunks if c.holds(task.section) and c.kind != "outline"]
        units = [u for u in self._units(chunks) if _inside(u, task) and not _is_heading(u.text)]
        if not units:
            return []
        return [compose.agency_duties(plan, task.lead, units, budget=budget)]

    def _quote_lines(self, compose: "_Composer", chunks: list[Chunk], words: "_Terms", budget: int = MAX_ANSWER,
                     brief: bool = False) -> list[str]:
        plan, _ = self._plan(chunks[0].plan)
        candidates = chunks[:3]
        if words.wants_outline:
            outlines = [c for c in chunks[:5] if c.kind == "outline"]
            candidates = outlines[:1] or candidates
        best = self._best_unit(candidates, words)
        if candidates[0].kind == "outline" and words.wants_outline:
            units = _units_of(candidates[0])
            return [compose.quote(plan, candidates[0], units, brief=brief)]  # an overview is the whole outline
        if best is None:
            return []
        units = _units_of(best.chunk)
        index = next(i for i, u in enumerate(units) if u.start == best.start)
        chosen = [units[index]]
        if not brief:
            whole = words.wants_long or best.chunk.kind == "outline"
            limit = budget - 120
            # Neighbours that also match carry the rest of a list or a sentence split over lines.
            for step in (1, -1, 2, -2, 3, -3, 4, 5, 6, 7, 8):
                j = index + step
                if not 0 <= j < len(units) or units[j] in chosen:
                    continue
                if whole or words.score(units[j].text, main_only=True) > 0:
                    if sum(len(u.text) for u in chosen) + len(units[j].text) > limit:
                        break
                    chosen.append(units[j])
            chosen.sort(key=lambda u: u.start)
        head = units[0]
        if chosen[0].start > 0 and _is_heading(head.text) and head not in chosen:
            chosen.insert(0, head)  # the heading says whose duty or which activity this is
        return [compose.quote(plan, best.chunk, chosen, brief=brief)]

    def _document(self, compose: "_Composer", retrieval: Retrieval, folded: str) -> Answer | None:
        keys = retrieval.plans or list(dict.fromkeys(i.chunk.plan for i in retrieval.items))
        if len(keys) != 1:
            return None
        plan, _ = self._plan(keys[0])
        meta = plan.metadata
        wants = [f for f, pattern in (("number", r"number|so hieu|\bso\b"), ("date", r"when|ngay|issued|ban hanh"),
                                      ("signer", r"sign|\bky\b")) if re.search(pattern, folded)]
        absent = [f for f in wants if not getattr(meta, f)]
        if absent:
            return compose.abstain_field(plan, absent[0], metadata_chunk(plan))
        if not wants:
            return None
        return compose.document(plan, metadata_chunk(plan))

    def _other_document(self, question: str, retrieval: Retrieval) -> bool:
        """True when the question names a document other than the plan itself ("Kế hoạch 603/KH-UBND")."""
        own = {self._plan(k)[0].metadata.number for k in self._keys(retrieval)}
        return any(number not in own for number in _DOCUMENT_NUMBER.findall(question)) or \
            bool(re.search(r"Quyết định|Decision|Nghị quyết", question, re.I))

    def _horizons(self, compose: "_Composer", retrieval: Retrieval) -> Answer:
        return compose.horizons([self._plan(k)[0] for k in self._keys(retrieval)])


class _Terms:
    """What a question asks about, as folded syllables weighted by rarity, and how well a text covers it."""

    def __init__(self, question: str, context: str, lang: str, terms: Glossary, idf: dict[str, float],
                 places: tuple[str, ...] = (), focus: str = "", place_words: frozenset[str] = frozenset()):
        self.lang = lang
        self.places = {w for place in places for w in place.split()}
        self.place_words = self.places | _ADMIN_WORDS | set(place_words)
        self.glossary = terms
        self.idf = idf
        folded = fold_diacritics(question)
        self.wants_long = bool(_LONG.search(folded))
        self.wants_outline = bool(re.search(r"overview|tong quan|sections|cac muc|cac phan", folded))
        self.main = self._content(question, lang)
        self.context = [w for w in self._content(context, lang) if w not in self.main] if context else []
        self.names_asked = self._names(question, lang)
        spoken = f"{question} {focus}"
        if lang == "en":
            spoken += " " + " ".join(e.vietnamese for e in self.glossary.in_english(question))
        self.spoken = {fold_diacritics(w) for w in syllables(spoken)}

    def _content(self, text: str, lang: str) -> list[str]:
        if lang == "en":
            entries = self.glossary.in_english(text)
            vietnamese = " ".join(e.vietnamese for e in entries if e.kind != "role")
            english = [w for w in syllables(text) if w not in _ENGLISH_STOP and len(w) > 2]
            # English words the glossary did not translate can still be names ("Jeonju", "OCOP", "IFFE").
            words = [fold_diacritics(w) for w in syllables(vietnamese)] + [
                w for w in english if w in self.idf and not any(w in v.lower() for e in entries for v in e.english)]
        else:
            words = [fold_diacritics(w) for w in syllables(text) if w not in QUESTION_WORDS and w not in _FOLLOW_UP]
        return [w for w in dict.fromkeys(words)
                if w not in _GENERIC and w not in self.places and (len(w) > 1 or w.isdigit())]

    def _names(self, text: str, lang: str) -> list[str]:
        """Countries the question names: an answer must come from a clause that names them too."""
        if lang == "en":
            return [e.vietnamese for e in self.glossary.in_english(text) if e.kind == "country"
                    and e.vietnamese != "Việt Nam"]
        folded = f" {fold_diacritics(text)} "
        return [e.vietnamese for e in self.glossary.entries if e.kind == "country" and e.vietnamese != "Việt Nam"
                and f" {fold_diacritics(e.vietnamese)} " in folded]

    def missing_names(self, chunks: list[Chunk]) -> list[str]:
        texts = " ".join(fold_diacritics(c.text) for c in chunks)
        return [n for n in self.names_asked if fold_diacritics(n) not in texts]

    def names(self, agency: str) -> bool:
        """True when the question names this agency: every word of one of its parts, place names aside
        ("Báo và đài phát thanh - truyền hình tỉnh" names "Báo Gia Lai, Đài Phát thanh - Truyền hình Gia Lai")."""
        for part in re.split(r",|;|\bvà các\b", agency):
            words = [fold_diacritics(w) for w in syllables(part)]
            if not words or not _AGENCY_HEAD.match(part.strip()):
                continue
            core = [w for w in words if w not in self.place_words]
            # One word left ("Báo" of "Báo Gia Lai") is too common to name anything on its own.
            if len(core) >= 2 and all(w in self.spoken for w in core):
                return True
        return False

    def _weight(self, word: str) -> float:
        return self.idf.get(word, self.idf.get("", 1.0))

    def score(self, text: str, main_only: bool = False) -> float:
        present = set(fold_diacritics(w) for w in syllables(text))
        score = sum(self._weight(w) for w in self.main if w in present)
        if not main_only:
            score += sum(0.25 * self._weight(w) for w in self.context if w in present)
        folded = fold_diacritics(text)
        return score + sum(3.0 for n in self.names_asked if fold_diacritics(n) in folded)

    def best_line_score(self, text: str) -> float:
        return max((self.score(line) for line in re.split(r"\n|(?<=[.;])\s", text)), default=0.0)

    def coverage(self, text: str) -> float:
        """Share of the question's weight found in the text (the earlier question counts half)."""
        present = set(fold_diacritics(w) for w in syllables(text))
        total = sum(self._weight(w) for w in self.main) + 0.5 * sum(self._weight(w) for w in self.context)
        if total == 0:
            return 1.0
        found = sum(self._weight(w) for w in self.main if w in present) + \
            0.5 * sum(self._weight(w) for w in self.context if w in present)
        return found / total


class _Composer:
    """Sentences in the question's language, with citation numbers in order of first use."""

    def __init__(self, templates: dict, retrieval: Retrieval, terms: Glossary, plans: PlanStore):
        self.t = templates
        self.plans = plans
        self.retrieval = retrieval
        self.lang = retrieval.language
        self.glossary = terms
        self.citations: list[Citation] = []
        self.focus = ""
        self.focus_words: list[str] = []  # folded words a shortened quote should keep in view

    def _cite(self, chunk: Chunk, units: list[_Unit] | None = None) -> int:
        quote = chunk.text
        if units:
            quote = chunk.text[min(u.start for u in units):max(u.end for u in units)]
        for citation in self.citations:
            if citation.text == chunk.text:
                return citation.n
        n = len(self.citations) + 1
        self.citations.append(cite(n, chunk, quote.strip(), self.plans.get(chunk.plan)))
        return n

    def plan_name(self, plan: Plan) -> str:
        meta = plan.metadata
        where = ", ".join(str(x) for x in (meta.district or meta.province, meta.year) if x)
        if meta.number:
            return self.t["plan_with_number"].format(number=meta.number, where=where)
        name = self.t["plan_without_number"].format(issuer=meta.issuer or plan.key)
        return f"{name} ({meta.year})" if meta.year else name

    def name(self, vietnamese: str) -> str:
        """Agencies or places as written, each with an English gloss in English answers."""
        if self.lang != "en":
            return vietnamese
        parts = []
        for part in vietnamese.split(", "):
            gloss = self.glossary.gloss(part)
            parts.append(f"{part} ({gloss})" if gloss and gloss.lower() != part.lower() else part)
        return ", ".join(parts)

    def task(self, plan: Plan, task: Task, chunk: Chunk, budget: int = MAX_ANSWER) -> str:
        start = chunk.text.find(task.content[:40])
        # The task's own lines are the quote, not the section heading that leads the chunk.
        n = self._cite(chunk, [_Unit(chunk, start, len(chunk.text))] if start > 0 else None)
        self.focus = self.focus or task.lead
        fields = ""
        if task.cooperating:
            fields += self.t["cooperating"].format(cooperating=task.cooperating)
        if task.time:
            fields += self.t["time"].format(time=task.time)
        if task.funding:
            fields += self.t["funding"].format(funding=task.funding)
        head = self.t["lead"].format(plan=self.plan_name(plan), lead=self.name(task.lead) or "—", content="")
        room = max(60, budget - len(head) - len(fields) - 12)
        return self.t["lead"].format(plan=self.plan_name(plan), lead=self.name(task.lead) or "—",
                                     content=_clip(task.content, room)) + fields + self.t["end"].format(n=n)

    def agency_duties(self, plan: Plan, agency: str, units: list[_Unit], budget: int = MAX_ANSWER) -> str:
        """The agency's duties; when they do not all fit, each is shortened rather than any left out."""
        self.focus = self.focus or agency
        head = self.t["agency_duties"].format(plan=self.plan_name(plan), agency=self.name(agency), quote="", n=0)
        room = budget - len(head) - 8 * len({u.chunk.id for u in units})
        share = max(80, room // max(len(units), 1))
        parts, chunks = [], []
        for unit in units:
            text = unit.text.strip()
            parts.append(text if sum(len(u.text) for u in units) <= room else _clip(text, share))
            if unit.chunk not in chunks:
                chunks.append(unit.chunk)
        markers = " ".join(f"[{self._cite(c, [u for u in units if u.chunk is c])}]" for c in chunks)
        text = self.t["agency_duties"].format(plan=self.plan_name(plan), agency=self.name(agency),
                                              quote=" ".join(parts), n=0)
        return text.replace("[0]", markers)

    def quote(self, plan: Plan, chunk: Chunk, units: list[_Unit], brief: bool = False) -> str:
        n = self._cite(chunk, units)
        quote = "\n".join(u.text.strip() for u in units)
        if brief:
            quote = _window(" ".join(u.text.strip() for u in units), self.focus_words, 240)
        return self.t["quote"].format(plan=self.plan_name(plan), section=chunk.section, quote=quote, n=n)

    def document(self, plan: Plan, chunk: Chunk) -> Answer:
        """When and where the plan was issued and who signed it, as far as the plan says."""
        meta = plan.metadata
        parts = ""
        if meta.date:
            year, month, day = meta.date.split("-")
            date = f"ngày {day} tháng {month} năm {year}"
            if self.lang == "en":
                date = f"{int(day)} {_MONTHS[int(month) - 1]} {year} ({date})"
            parts += self.t["issued_on"].format(date=date)
            if meta.place:
                parts += self.t["issued_at"].format(place=meta.place)
        signer = " ".join(x for x in (meta.signer_title, meta.signer) if x)
        if meta.signer:
            parts += self.t["signed_by"].format(sep=", " if parts else ": ", signer=signer)
        name = self.plan_name(plan)
        return self._answer(self.t["document"].format(plan=name[:1].upper() + name[1:], parts=parts,
                                                      n=self._cite(chunk)))

    def horizons(self, plans: list[Plan]) -> Answer:
        lines = []
        for plan in plans:
            meta = plan.metadata
            if meta.year:
                span = self.t["horizon_yearly"].format(year=meta.year, horizon=meta.horizon or "?")
            elif meta.horizon:
                span = self.t["horizon_long"].format(horizon=meta.horizon)
            else:
                continue
            lines.append(self.t["horizon_line"].format(plan=self.plan_name(plan), span=span,
                                                       n=self._cite(metadata_chunk(plan))))
        return self._answer("\n".join(lines)) if lines else self.abstain()

    def single(self, lines: list[str], long: bool) -> Answer:
        lines = [line for line in lines if line]
        if not lines:
            return self.abstain()
        return self._answer(_clip("\n".join(lines), MAX_LONG_ANSWER if long else MAX_ANSWER))

    def per_plan(self, lines: list[list[str]], intro: str) -> Answer:
        flat = [line for group in lines for line in group if line]
        if not flat:
            return self.abstain()
        if len(flat) == 1:
            return self._answer(_clip(flat[0], MAX_ANSWER))
        body = "\n".join(f"- {line}" for line in flat)
        return self._answer(_clip(f"{self.t[intro]}\n{body}", MAX_LONG_ANSWER))

    def abstain(self, nearby: _Unit | None = None) -> Answer:
        text = self.t["abstain"]
        if nearby is not None:
            text += self.t["nearby"].format(quote=_clip(nearby.text.strip(), 300), n=self._cite(nearby.chunk,
                                                                                               [nearby]))
        return self._answer(text, abstained=True)

    def abstain_year(self, years: list[int], plans: list[Plan]) -> Answer:
        found = sorted({f"{p.metadata.province or p.metadata.district} {p.metadata.year}" for p in plans
                        if p.metadata.year})
        have = self.t["abstain_year_have"].format(found=", ".join(found)) if found else ""
        return self._answer(self.t["abstain_year"].format(years=", ".join(map(str, years)), have=have),
                            abstained=True)

    def abstain_field(self, plan: Plan, field: str, chunk: Chunk) -> Answer:
        name = self.plan_name(plan)
        text = self.t["abstain_field"].format(plan=name[:1].upper() + name[1:], field=self.t[f"field_{field}"])
        text += self.t["nearby"].format(quote=_clip(chunk.text.replace("\n", "; "), 300), n=self._cite(chunk))
        return self._answer(text, abstained=True)

    def abstain_amount(self, nearby: _Unit | None) -> Answer:
        text = self.t["abstain_amount"]
        if nearby is not None:
            text += self.t["nearby"].format(quote=_clip(nearby.text.strip(), 300),
                                            n=self._cite(nearby.chunk, [nearby]))
        return self._answer(text, abstained=True)

    def _answer(self, text: str, abstained: bool = False) -> Answer:
        used = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
        citations = [c for c in self.citations if c.n in used]  # a citation cut off with its text goes too
        return Answer(self.retrieval.question, text, abstained, citations, self.retrieval,
                      notes=list(self.retrieval.notes), focus=self.focus)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _units_of(chunk: Chunk) -> list[_Unit]:
    """Lines, and sentences within long lines; a heading's own number ("1.", "I.") never ends a sentence."""
    units, offset = [], 0
    for line in chunk.text.split("\n"):
        marker = HEADING_MARKER.match(line)
        start = marker.end() if marker else 0
        cuts = [m.end() for m in _SENTENCE_END.finditer(line, start)]
        bounds = [0] + cuts + [len(line)]
        for a, b in zip(bounds, bounds[1:]):
            if line[a:b].strip():
                units.append(_Unit(chunk, offset + a, offset + b))
        offset += len(line) + 1
    return units


def _window(text: str, words: list[str], size: int) -> str:
    """About `size` characters of the text around the first of the words it contains."""
    if len(text) <= size:
        return text
    folded = fold_diacritics(text)  # same length as the text: folding maps one character to one
    hits = []
    for word in words:  # the first word found decides: callers list the names asked before other words
        if word and folded.find(word) >= 0:
            hits = [folded.find(word)]
            break
    if not hits:
        return _clip(text, size)
    start = max(0, min(hits) - size // 3)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + size)
    end = text.find(" ", end) if text.find(" ", end) > 0 else len(text)
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")


def _inside(unit: _Unit, task: Task) -> bool:
    """True when the unit's words are the task's own (a chunk may hold a neighbouring agency's clause too)."""
    return unit.text.strip() in task.content


def _task_answers(task: Task, folded_question: str) -> bool:
    """A time or funding question is answered by a task only when the task states that field."""
    return bool((_TIME.search(folded_question) and task.time) or (_FUNDING.search(folded_question) and task.funding))


def _is_heading(text: str) -> bool:
    text = text.strip()
    return bool(HEADING_MARKER.match(text)) and text[:1] not in "-–+•*" and len(text) < 160


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    markers = list(re.finditer(r"\[\d+\]", cut))
    # Keep whole lines when possible, so no citation marker is cut in half.
    if "\n" in cut and cut.rfind("\n") > limit // 2:
        return cut[:cut.rfind("\n")]
    tail = cut.rsplit(" ", 1)[0] + " …"
    if markers and not tail.rstrip(" …").endswith("]"):
        last = re.findall(r"\[\d+\]", text)
        if last and last[-1] not in tail:
            tail += f" {last[-1]}"
    return tail


def _place_words(plans: tuple[Plan, ...]) -> frozenset[str]:
    """Folded syllables of every plan's province and district ("dak", "lak")."""
    names = {n for p in plans for n in (p.metadata.province, p.metadata.district) if n}
    return frozenset(fold_diacritics(w) for name in names for w in syllables(name))


def _responsibility_leads(plans: tuple[Plan, ...]) -> dict[str, frozenset[str]]:
    """Plan key -> the agencies its responsibility clauses name."""
    return {p.key: frozenset(t.lead for t in p.tasks if t.source == "responsibility") for p in plans}


@lru_cache(maxsize=4)
def _templates(path: Path) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)
