"""The offline answerer: answers composed from the plans' own words, no language model.

It reads the question's Profile and the retrieved chunks, and answers from the strongest evidence
there is for what was asked: the plan's metadata for a document question, the task registry for a
question about tasks as data or about who / when / with what funding, an agency's responsibility
clause for its duties, and otherwise the best-matching units of the retrieved clauses, one line per
plan when the question names none and several answer. It declines only on positive evidence of
absence: a year, country or plan asked about that no plan has, a detail (an amount, a count, a place,
a contact, a person) that no good unit states, or evidence that is weak on every count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import partial

from assistant.answers import Answer
from assistant.compose import (MAX_ANSWER, MAX_LONG_ANSWER, MAX_SHORT_ROWS, MAX_SIDE_BY_SIDE, MAX_SUMMARY, MAX_TABLE,
                               Composer, templates)
from assistant.evidence import EVIDENCE_CHUNKS, Evidence, Unit, Weights, heading_above, units_of
from assistant.profile import DETAIL_SLOTS, DOCUMENT_SLOTS, SLOT_PATTERNS, Profile, Profiler, Turn
from assistant.registry import Registry, TaskMatch, close_to_best, country_in, role_asked
from assistant.vocabulary import (CITED_NUMBER, DOCUMENT_KINDS, LAYOUT_WORDS, AgencyNames, content_words, fold, folded_words,
                                  foreign_names, proper_names,
                                  is_heading, is_instruction, mentions, plays, provinces_named, wordset)
from index.chunks import Chunk, chunk_plan, holding, metadata_chunk
from index.glossary import Glossary, glossary
from index.lexical import LexicalIndex
from index.plans import PlanStore
from index.retriever import Retrieval
from ingest import Clause, Plan, Task
from ingest.records import PATH_SEPARATOR
from ingest.normalize import HEADING_MARKER
from ingest.structure import CLOSING, PREAMBLE
from ingest.tasks import AGENCY_START

_MORE = re.compile(r"\bnua\b|\bkhac\b|\bother\b|\belse\b|\bmore\b|\bcon gi\b|\bbesides\b")
MAX_PLANS = 3  # plans given a line each when the question names none
MAX_WHICH_PLANS = 8
MAX_UNNAMED_PLANS = 5  # plans given a line when every plan is read for a question naming none
SCAN_PLANS = 50  # up to this many plans, a question naming none reads every clause of each
WARM_PLANS = 200  # plans chunked at start; the rest when a question first reaches them
# Calibrated on data/eval/tuning.jsonl only (bench/split.py): below this share of the question's
# rarity-weighted words, and with retrieval unsure too, the best unit is not evidence.
MIN_COVERAGE = 0.34
SURE_RETRIEVAL = 0.75  # fused score (1.0 = first on both sides) from which retrieval alone is trusted
DETAIL_COVERAGE = 0.5  # a unit this good that holds no value of a detail asked shows it is not given
WHOLE_PART = 0.6  # a part's heading holding this share of the question's words is what the question asks for
SCAN_COVERAGE = 0.6  # a plan retrieval did not rank answers a question naming none from a unit this good
CLOSE_PLAN = 0.75  # another plan's best unit this close to the best gets a line of its own
AGENCY_UNITS = 12  # the best units whose chunks must give some agency a part for a "who" question to be answered
CLOSE_RETRIEVAL = 0.95  # and so does one this good, in a chunk this close to the first retrieved
ASKED_VALUES = DETAIL_SLOTS | {"time"}
TASK_FIELDS = ("lead", "cooperating", "time", "funding")  # what a task row states beside what is done
TITLE_WORDS = 3  # words of a question in a row that name a kind of plan when they are in some plans' titles
DUTY_ITEMS = 0.6  # of a part's items headed by an agency, from which the part assigns duties
# Share of a question's words the plans' words can be read against, at or below which rows need retrieval.
HALF_READABLE = 0.5


@dataclass(frozen=True)
class _Vocabulary:
    """What questions are read with, built once per version of the plan list."""

    agencies: AgencyNames
    profiler: Profiler
    places: frozenset[str]  # folded province and district names of the plans
    foreign_names: dict[str, str]  # folded -> as written: the foreign names the plans write ("Attapeu")
    names: frozenset[str]  # places, partners and heritage the plans name ("Suwon", "Yên Tử")
    countries: tuple[str, ...]  # the partner countries the glossary knows, in Vietnamese


class OfflineAnswerer:
    def __init__(self, plans: PlanStore, lexical: LexicalIndex, terms: Glossary | None = None,
                 prompts=None):
        self.plans = plans
        self.lexical = lexical
        self.glossary = terms or glossary()
        self.templates = templates() if prompts is None else templates(prompts / "offline.toml")
        self._chunks: dict[str, tuple[Plan, list[Chunk]]] = {}
        self._units: dict[str, tuple[list[Chunk], list[Unit]]] = {}
        self._weights: tuple[int, Weights] | None = None

    # -- reading the question ----------------------------------------------------------------------
    def vocabulary(self) -> _Vocabulary:
        # A bound method is the same cache key at every call; a function defined here would be a new one.
        return self.plans.derived(self._build_vocabulary)

    def _build_vocabulary(self, plans: tuple[Plan, ...]) -> _Vocabulary:
        agencies = AgencyNames(plans)
        places = frozenset(fold(n) for p in plans for n in (p.metadata.province, p.metadata.district) if n)
        countries = tuple(e.vietnamese for e in self.glossary.entries
                          if e.kind == "country" and fold(e.vietnamese) != "viet nam")
        return _Vocabulary(agencies, Profiler(plans, agencies, self.glossary), places, foreign_names(plans),
                           proper_names(plans), countries)

    def profile(self, question: str, language: str, previous: Turn | None = None) -> Profile:
        return self.vocabulary().profiler.run(question, language, previous)

    def warm_up(self) -> None:
        """Read the word weights and chunk the plans now, not during the first question."""
        self.weights()
        self.vocabulary()
        for plan in self.plans.plans()[:WARM_PLANS]:  # a large store is chunked as questions reach it
            self.chunks(plan.key)

    def weights(self) -> Weights:
        generation = self.plans.generation()
        if self._weights is None or self._weights[0] != generation:
            self._weights = (generation, Weights(self.lexical.document_frequencies(), self.lexical.count()))
        return self._weights[1]

    def units(self, key: str) -> list[Unit]:
        """Every unit of a plan's clauses, weighed as if retrieval had not ranked them."""
        cached = self._units.get(key)
        chunks = self.chunks(key)
        if cached is None or cached[0] is not chunks:
            cached = (chunks, [u for c in chunks for u in units_of(c, EVIDENCE_CHUNKS)
                               if c.kind not in ("outline", "metadata") and not is_instruction(u.text)])
            self._units[key] = cached
        return cached[1]

    def chunks(self, key: str) -> list[Chunk]:
        plan = self.plans.get(key)
        cached = self._chunks.get(key)
        if cached is None or cached[0] is not plan:
            cached = (plan, chunk_plan(plan))
            self._chunks[key] = cached
        return cached[1]

    # -- answering ---------------------------------------------------------------------------------
    def run(self, question: str, retrieval: Retrieval, profile: Profile | None = None,
            previous: Turn | None = None) -> Answer:
        profile = profile or self.profile(question, retrieval.language, previous)
        compose = Composer(self.templates[retrieval.language], retrieval, self.glossary, self.plans, question,
                           self.vocabulary().names)
        compose.turn.profile = profile
        # For "who?", a unit among an agency's duties, or in a task row, holds the value asked.
        evidence = Evidence(profile, self.weights(), valued=self._in_charge if profile.asks_who else None)
        items = [i.chunk for i in retrieval.items]
        if not items or not (profile.terms or profile.slot or profile.agencies or profile.countries
                             or profile.time or profile.context_terms or profile.outline):
            return compose.abstain()  # no clause retrieved, or no word of the question to look for
        scope = self._scope(profile, retrieval)
        units = evidence.units(retrieval)
        best = evidence.best(units)
        absent = self._absent(profile, retrieval, scope, compose, evidence, units, best)
        if absent is not None:
            return absent
        if profile.years and not profile.plans and (profile.which_plans or profile.asks_document) \
                and (profile.slot is None or profile.slot in DOCUMENT_SLOTS) \
                and not (profile.agencies or profile.countries or profile.time or profile.funding or profile.section):
            answer = self._plans_of_year(profile, compose)
            if answer is not None:
                return answer
        if profile.which_plans and not profile.plans and len(self.plans.plans()) <= SCAN_PLANS and not (
                profile.agencies or profile.countries or profile.time or profile.funding or profile.section
                or profile.other_documents):
            titled = self._plans_titled(profile)  # "kế hoạch nào là kế hoạch thông tin đối ngoại?"
            if titled:
                return self._document(titled[:MAX_WHICH_PLANS], ["title", "date"], compose)
        cited = [n for n in profile.other_documents if n != "?"]
        # "What is Quyết định 979/QĐ-UBND?": what a cited document is, as the plan citing it says (not what
        # the document itself sets out, which is not indexed).
        named = _naming_words(cited, profile)
        citing = _citing(cited, units) if cited and not profile.numbered and not profile.which_plans and (
            profile.slot in DOCUMENT_SLOTS or len(set(profile.terms) - named) <= 1) else []
        if citing:
            lines = compose.shared([partial(compose.quote, self.plans.get(u.chunk.plan), u, line=len(citing) > 1)
                                    for u in citing], MAX_ANSWER - 40)
            return compose.listing("", lines, MAX_ANSWER) if len(lines) > 1 else compose.single(lines, MAX_ANSWER)
        if profile.asks_document:
            fields = [f for f in profile.asks if f in DOCUMENT_SLOTS] or [profile.slot]
            return self._document(self._answering_plans(profile, scope, retrieval), fields, compose)
        registry = Registry(self.chunks, self.vocabulary().agencies.places, self.vocabulary().countries)
        if profile.agencies and profile.which_plans and not (profile.time or profile.countries or profile.funding):
            # "Which plans give X work?": each plan's duties for X, or the tasks it leads there.
            answer = self._duties(profile, scope, retrieval, compose, registry, previous)
            if answer is not None:
                return answer
        # Rows give no venue, amount or day: a question asking one of them is not answered by listing rows.
        if profile.registry and not (set(profile.asks) & (DETAIL_SLOTS - {"count"})) and not profile.day:
            answer = self._registry(profile, scope, retrieval, evidence, registry, compose)
            if answer is not None:
                return answer
        # "Sở X có mấy nhiệm vụ?" of an agency with a duties clause and no task rows: its duties.
        # Of an agency, only a count of what the plan gives it ("mấy nhiệm vụ"), not of events it holds a year.
        counts_duties = profile.counts_tasks and re.search(_DUTIES_COUNTED, profile.folded)
        # "Phòng đó còn làm gì?" asks the agency's duties; "who cooperates on that?" asks a field of the task.
        if profile.agencies and (profile.slot == "duties" or counts_duties or (
                profile.refers_back and profile.follow_up and profile.slot not in TASK_FIELDS)):
            answer = self._duties(profile, scope, retrieval, compose, registry, previous)
            if answer is not None:
                return answer
        if profile.slot == "amount":
            answer = self._no_cost(profile, scope, retrieval, evidence, registry, compose, items)
            if answer is not None:
                return answer
        if profile.runs_plan and profile.slot in ("lead", None) and not profile.time and not profile.countries:
            answer = self._in_charge_of_plan(profile, scope, retrieval, compose)
            if answer is not None:
                return answer
        if profile.slot in TASK_FIELDS:
            followed = self._followed_tasks(profile, previous, evidence, registry)
            if followed:
                return compose.tasks(followed, profile.slot)
            answer = self._task_fields(profile, scope, retrieval, evidence, registry, compose, items)
            if answer is not None:
                return answer
        if profile.terms or profile.section or profile.outline:
            answer = self._section(profile, scope, retrieval, evidence, compose, best)
            if answer is not None:
                return answer
        if best is None:
            return compose.abstain()
        if self._weak(evidence, best, retrieval):
            return compose.abstain(nearby=best)
        strongest = sorted(units, key=evidence.unit_score, reverse=True)[:AGENCY_UNITS]
        if profile.asks_who and not self._agency_given(strongest, profile):
            return compose.abstain(nearby=best, reason="abstain_detail_agency")
        if profile.slot in ASKED_VALUES and not self._detail_given(evidence, units, profile):
            reason = f"abstain_detail_{profile.slot}"
            return compose.abstain(nearby=best, reason=reason if reason in compose.t else "abstain_detail")
        if profile.slot is None and best.chunk.kind == "row" and len(scope) == 1:
            # The best evidence is a task row: every row the question's words fit as well is listed, as
            # for a who or when question ("kh 34 có những cuộc thi nào?").
            rows = registry.best(profile, scope, evidence, items[:5])
            if len(rows) > 1 and rows[0].score >= MIN_COVERAGE:
                return compose.tasks(rows, None, long=_long(profile))
        return self._quote(profile, retrieval, scope, evidence, units, best, compose)

    def _scope(self, profile: Profile, retrieval: Retrieval) -> list[Plan]:
        keys = retrieval.plans if retrieval.plans is not None else [p.key for p in self.plans.plans()]
        return [self.plans.get(k) for k in keys]

    def _named_scope(self, profile: Profile, retrieval: Retrieval) -> bool:
        """True when the question (or the conversation) said which plans it is about."""
        return bool(profile.plans) or retrieval.narrowed

    # -- declining ---------------------------------------------------------------------------------
    def _absent(self, profile: Profile, retrieval: Retrieval, scope: list[Plan], compose: Composer,
                evidence: Evidence, units: list[Unit], best: Unit | None) -> Answer | None:
        """An answer that declines, when something the question names is in no plan searched."""
        items = [i.chunk for i in retrieval.items]
        # A year no plan is for: declined when no retrieved clause names it, or when the plan of that year is
        # what is asked ("kế hoạch năm 2025 của Đắk Lắk" is not answered by the 2024 plan that names 2025).
        unseen_years = [y for y in retrieval.missing_years if not any(str(y) in c.text for c in items[:5])
                        or re.search(_PLAN_OF_YEAR.format(year=y), profile.folded)]
        if unseen_years:
            found = sorted({f"{p.metadata.province or p.metadata.district} {p.metadata.year}"
                            for p in self.plans.plans() if p.metadata.year})
            have = compose.t["abstain_year_have"].format(found=", ".join(found)) if found else ""
            return compose.abstain(reason="abstain_year", years=", ".join(map(str, unseen_years)), have=have)
        have = self.vocabulary().places
        for province in provinces_named(profile.question):
            if fold(province).removeprefix("thanh pho ") not in have:
                return compose.abstain(reason="abstain_named", name=province)
        cited = [n for n in profile.other_documents if n != "?"]
        if cited and not profile.numbered and not profile.which_plans:  # "which plans implement X?" is about plans
            # A document (or plan) that is not indexed, only cited: what it is or when it was issued may be
            # in the citing sentence; anything else about it is not here.
            citing = next(iter(_citing(cited, units)), None)
            named = _naming_words(cited, profile)
            beyond = profile.slot not in DOCUMENT_SLOTS and (
                profile.wants_long or profile.registry or citing is None
                or evidence.coverage(citing.text, ignore=named) < DETAIL_COVERAGE)
            if citing is None or beyond:
                return compose.abstain(nearby=citing or best, reason="abstain_named", name=", ".join(cited))
        # Every clause of a few plans is read; over many, the retrieved ones (retrieval favours the name).
        clauses = [c for plan in scope for c in self.chunks(plan.key)] if len(scope) <= SCAN_PLANS else items
        for country in profile.countries:
            if not any(country_in(country, c.text) for c in clauses):
                return compose.abstain(nearby=best, reason="abstain_named", name=country)
        # A foreign name one plan writes ("Attapeu") asked of plans that never write it: they do not say.
        foreign = self.vocabulary().foreign_names
        for word in dict.fromkeys(w for w in folded_words(profile.folded) if w in foreign):
            if not any(word in wordset(c.text) for c in clauses):
                others = [p for p in self.plans.plans() if p not in scope
                          and any(word in wordset(c.text) for c in self.chunks(p.key))]
                if not others:
                    return compose.abstain(nearby=best, reason="abstain_named", name=foreign[word])
                return compose.abstain(nearby=best, reason="abstain_name_elsewhere", name=foreign[word],
                                       plans=", ".join(compose.plan_name(p) for p in scope),
                                       others=", ".join(compose.short_name(p) for p in others[:MAX_PLANS]))
        # An agency asked about that the plans asked never write: they give it nothing to do. One the plans name
        # is checked in the plans the question names; one only the glossary knows ("Sở Công Thương",
        # "Department of Industry and Trade") in every plan searched.
        agencies = self.vocabulary().agencies
        asked = list(profile.agencies) if profile.plans else []
        if not profile.agencies:
            asked = [agencies.of(name) for name in self._glossary_agencies(profile)]
        if asked and len(scope) <= SCAN_PLANS and \
                not any(mentions(c.text, a, agencies.places) for a in asked for c in clauses):
            plans = ", ".join(compose.plan_name(p) for p in scope)
            reason = "abstain_agency" if self._named_scope(profile, retrieval) else "abstain_agency_any"
            return compose.abstain(nearby=best, reason=reason, agency=" / ".join(compose.name(a.name) for a in asked),
                                   plans=plans[:1].upper() + plans[1:])
        return None

    def _glossary_agencies(self, profile: Profile) -> list[str]:
        """Agencies the question names that the glossary knows, by the name of a body and its field ("Sở Công
        Thương"), not by a word such as "Báo" ("bao nhiêu")."""
        if profile.language == "en":
            named = [e.vietnamese for e in self.glossary.in_english(profile.question) if e.kind == "agency"]
        else:
            named = [e.vietnamese for e in self.glossary.entries if e.kind == "agency"
                     and re.search(rf"\b{re.escape(fold(e.vietnamese))}\b", profile.folded)]
        return [name for name in named if AGENCY_START.match(name) and len(name.split()) >= 3]

    def _weak(self, evidence: Evidence, best: Unit, retrieval: Retrieval) -> bool:
        """Every signal is weak: the best unit holds little of the question, and retrieval is unsure."""
        top = retrieval.items[0].score if retrieval.items else 0.0
        return evidence.coverage(f"{best.text} {best.chunk.text.split(chr(10), 1)[0]}") < MIN_COVERAGE \
            and top < SURE_RETRIEVAL

    def _detail_given(self, evidence: Evidence, units: list[Unit], profile: Profile) -> bool:
        """True when a good unit states a value of the detail asked (an amount, a place ...). A detail is
        stated in the lines that match the question best, not in another activity's; a time may be in
        the row's own "Thời gian" line, which holds few of the question's words."""
        least = DETAIL_COVERAGE * 0.6
        if profile.slot in DETAIL_SLOTS and units:
            least = max(least, CLOSE_PLAN * max(evidence.coverage(u.text) for u in units))
        good = [u for u in units if u.rank < 4 and evidence.coverage(u.text) >= least]
        return any(evidence.holds_value(f"{head.text if (head := heading_above(u)) else ''} {u.text}", profile.slot)
                   for u in good or units[:6])

    def _agency_given(self, units: list[Unit], profile: Profile) -> bool:
        """True when a chunk of these units gives some agency a part: a line that names one beside a role
        ("chủ trì", "phối hợp", "Cơ quan thực hiện:"; issuing, when who issued something is asked), or an
        agency's heading over its duties. A plan's opening alone does not say who does anything."""
        agencies = self.vocabulary().agencies
        issued = bool(re.search(r"ban hanh|issu", profile.folded))
        for chunk in dict.fromkeys(u.chunk for u in units):
            for line in chunk.text.split("\n"):
                role = _ROLE.search(line) or (issued and "ban hành" in line.lower())
                if (role or is_heading(line)) and agencies.named_in_text(line):
                    return True
        return False

    # -- what the plan says about itself -----------------------------------------------------------
    def _plans_of_year(self, profile: Profile, compose: Composer) -> Answer | None:
        """"Which plans run to 2030?", "kế hoạch nào ban hành năm 2022?": every plan's metadata as data (its
        year, horizon or date of issue), not the plans the year narrowed retrieval to."""
        years = set(profile.years)
        plans = [p for p in self.plans.plans()
                 if years & {p.metadata.year, p.metadata.horizon, int((p.metadata.date or "0")[:4])}]
        if not plans:
            return None
        fields = [f for f in profile.asks if f in DOCUMENT_SLOTS] or ["date", "horizon"]
        return self._document(plans[:MAX_WHICH_PLANS], fields, compose)

    def _plans_titled(self, profile: Profile) -> list[Plan]:
        """The plans whose title holds words of the question, two or more in a row, that tell some plans'
        titles from the others ("thông tin đối ngoại", not "ngoại giao văn hóa" that most titles hold): a
        question about what kind of plan each is, answered from the titles."""
        plans = [p for p in self.plans.plans() if p.metadata.title]
        titles = {p.key: " ".join(folded_words(p.metadata.title)) for p in plans}
        asked = [w for w in content_words(profile.folded) if w.isalpha()]  # a number cited is not a kind of plan
        found: set[str] = set()
        for size in range(TITLE_WORDS, len(asked) + 1):
            for i in range(len(asked) - size + 1):
                phrase = " ".join(asked[i:i + size])
                holding = {k for k, t in titles.items() if re.search(rf"\b{phrase}\b", t)}
                if holding and len(holding) <= len(titles) // 2:
                    found |= holding
        return [p for p in plans if p.key in found]

    def _document(self, plans: list[Plan], fields: list[str], compose: Composer) -> Answer:
        budget = MAX_LONG_ANSWER if len(plans) > 2 else MAX_ANSWER
        lines = []
        for plan in plans:
            meta = plan.metadata
            if "recipients" in fields:
                closing = next((c for c in self.chunks(plan.key) if c.section == CLOSING), None)
                lines.append(compose.recipients(plan, closing, (budget - 20) // len(plans)))
                continue
            if "basis" in fields:
                opening = self._opening_citations(plan)
                if opening:
                    room = (budget - 20) // len(plans)
                    # "ban hành ngày nào, căn cứ văn bản gì": the other facts asked first, then what it implements.
                    rest = [f for f in fields if f != "basis" and getattr(meta, f, None)]
                    if rest:
                        lines.append(compose.document(plan, metadata_chunk(plan), rest, None, room // 2))
                        room -= len(lines[-1])
                    lines.append(compose.basis(plan, opening, room))
                    continue
            if not any(getattr(meta, f, None) or (f == "horizon" and meta.year) for f in fields if f != "basis"):
                lines.append(compose.not_stated(plan, fields[0]))
                continue
            opening = self._opening_citations(plan) if "horizon" in fields else None
            lines.append(compose.document(plan, metadata_chunk(plan), fields, opening, budget // len(plans)))
        if len(plans) == 1 and lines and "[" not in lines[0]:
            chunk = metadata_chunk(plans[0])
            return compose.abstain(nearby=Unit(chunk, 0, len(chunk.text), 0), reason="abstain_plain", text=lines[0])
        return compose.listing("", lines, budget)

    def _opening_citations(self, plan: Plan) -> list[Unit]:
        """The opening's sentences that cite a document by number: what the plan says it implements."""
        opening = [c for c in self.chunks(plan.key) if c.section == PREAMBLE]
        return [u for c in opening for u in units_of(c) if CITED_NUMBER.search(u.text)
                and not re.match(r"số\s*:", u.text.strip(), re.I)]  # the plan's own number

    def _answering_plans(self, profile: Profile, scope: list[Plan], retrieval: Retrieval) -> list[Plan]:
        if self._named_scope(profile, retrieval) or len(scope) == 1:
            return scope[:MAX_WHICH_PLANS]
        ranked = list(dict.fromkeys(i.chunk.plan for i in retrieval.items))
        keys = ranked[:1] if not profile.which_plans else ranked[:MAX_WHICH_PLANS]
        return [self.plans.get(k) for k in keys]

    # -- tasks as data -----------------------------------------------------------------------------
    def _registry(self, profile: Profile, scope: list[Plan], retrieval: Retrieval, evidence: Evidence,
                  registry: Registry, compose: Composer) -> Answer | None:
        matches = registry.filtered(profile, scope, evidence)
        # A partner country asked of every plan: those with no task row for it answer from a clause naming it.
        others = self._naming_country(profile, scope, retrieval, evidence, matches)
        if others:
            return self._beside(profile, matches, others, evidence, compose, MAX_ANSWER if profile.follow_up else MAX_TABLE)
        if not matches:
            return None
        # "What is due in Q3?": the month or quarter is the filter; each row says what, who leads and when.
        slot = None if profile.slot == "time" and profile.time else profile.slot
        if profile.time and len(profile.time.months) > 3:  # months far apart ("tháng cụ thể"): each row says when
            slot = "time"
        if slot == "count":  # "kinh phí mấy việc đó?": counted, each row with the field asked beside the count
            slot = next((a for a in profile.asks if a in TASK_FIELDS), None)
        # "What does X lead?": X is said once, and each row says what and when.
        lead = profile.agencies[0].name if len(profile.agencies) == 1 and role_asked(profile) == "lead" else ""
        return compose.tasks(matches, slot, counted=profile.slot == "count", long=not profile.follow_up, lead=lead)

    def _task_fields(self, profile: Profile, scope: list[Plan], retrieval: Retrieval, evidence: Evidence,
                     registry: Registry, compose: Composer, items: list[Chunk]) -> Answer | None:
        named = self._named_scope(profile, retrieval)
        # A partner country is a filter: every task with it is listed, not only those worded like the question.
        others: list[Unit] = []
        if profile.countries:
            rows = registry.filtered(profile, scope, evidence)
            matches = close_to_best(rows)
            others = self._naming_country(profile, scope, retrieval, evidence, rows)
        elif named or len(scope) > SCAN_PLANS:
            matches = registry.best(profile, self._answering_plans(profile, scope, retrieval), evidence, items[:5])
        else:  # no plan named: each plan that has the task answers
            matches = registry.best_per_plan(profile, scope, evidence, items[:5], CLOSE_PLAN)
        matches = [m for m in matches if getattr(m.task, profile.slot, None) or profile.slot == "lead"]
        if evidence.readable <= HALF_READABLE and not profile.countries:
            # Half the question's words or fewer can be read against the plans (English the glossary has few
            # words of): a row's words matching is no evidence, and only the rows retrieval found answer.
            matches = [m for m in matches if any(c.holds(m.task.section) and c.plan == m.plan.key
                                                 for c in items[:EVIDENCE_CHUNKS])]
        if others:
            return self._beside(profile, matches, others, evidence, compose, MAX_ANSWER)
        if not matches or (matches[0].score < MIN_COVERAGE and not profile.countries):
            return None
        if profile.day and not any(evidence.holds_value(m.task.time, "time") for m in matches):
            row = matches[0].chunk  # "ngày nào?" of a task done in a month or a quarter: not given, and when it is
            return compose.abstain(nearby=Unit(row, 0, len(row.text), 0), reason="abstain_detail_day",
                                   time=matches[0].task.time)
        top_unit = evidence.best(evidence.units(retrieval, 3))
        if top_unit is not None and top_unit.chunk.kind != "row" and not profile.countries:
            # A clause that holds the question's words far better than any row answers it, not the rows.
            matches = [m for m in matches if m.score >= CLOSE_PLAN * evidence.coverage(top_unit.text)]
            if not matches:
                return None
        have = {m.plan.key for m in matches}
        if named or profile.countries or top_unit is None:
            return compose.tasks(matches, profile.slot, long=_long(profile))
        # No plan named: a plan whose clause answers (the best evidence, or as good) gets a line beside the rows
        # of those whose tasks answer as well.
        if top_unit.chunk.plan not in have:
            matches = [m for m in matches if m.score >= CLOSE_PLAN * evidence.coverage(top_unit.text)]
            if not matches:
                return None  # the best evidence is a clause of another plan, not a task row
            have = {m.plan.key for m in matches}
        others = [self._said_whose(top_unit, evidence)] if top_unit.chunk.plan not in have else []
        others += self._also_answering(scope, evidence, top_unit, have | {u.chunk.plan for u in others},
                                       MAX_PLANS - len(have) - len(others))
        if not others:
            return compose.tasks(matches, profile.slot, long=_long(profile))
        return self._beside(profile, matches, others, evidence, compose, MAX_ANSWER)

    def _beside(self, profile: Profile, matches: list[TaskMatch], others: list[Unit], evidence: Evidence,
                compose: Composer, budget: int) -> Answer:
        """Task rows of the plans that have them, and a clause of each plan that answers without one."""
        shown = matches[:MAX_SHORT_ROWS]
        each = (budget - 60) // (len(shown) + len(others))
        lines = [compose.task_row(m, max(60, each - 90), profile.slot, several=True) for m in shown]
        def weigh(text: str) -> float:  # a clause quoted for the country it names is quoted where it names it
            return evidence.coverage(text) + any(country_in(c, text, as_written=True) for c in profile.countries)
        lines += [compose.quote(self.plans.get(u.chunk.plan), u, each, line=True, weigh=weigh,
                                agency=self._duty_of(u) if profile.asks_who else "") for u in others]
        intro = compose.t["which_plans_intro" if profile.which_plans else "per_plan_intro"]
        return compose.listing(intro, lines, budget)

    def _naming_country(self, profile: Profile, scope: list[Plan], retrieval: Retrieval, evidence: Evidence,
                        rows: list[TaskMatch]) -> list[Unit]:
        """For a partner country asked of every plan: the best unit naming it of each plan with none of its
        task `rows`. Not when the question's other words single out some of them ("Tết Bun Pi May Lào")."""
        if not profile.countries or self._named_scope(profile, retrieval) or len(scope) > SCAN_PLANS:
            return []
        if len(close_to_best(rows)) < len(rows):
            return []
        have = {m.plan.key for m in rows}
        found = []
        for plan in scope:
            if plan.key in have:
                continue
            naming = [u for u in self.units(plan.key)
                      if any(country_in(c, u.text, as_written=True) for c in profile.countries)]
            if naming:
                found.append(evidence.best(naming))
        return found[:MAX_WHICH_PLANS if profile.which_plans else MAX_PLANS]

    def _followed_tasks(self, profile: Profile, previous: Turn | None, evidence: Evidence,
                        registry: Registry) -> list[TaskMatch]:
        """"Ai lo khoản đó?": the tasks in the clauses the last answer quoted, the one its words fit best
        first; the conversation, not the words of this question, says which."""
        if not (previous and profile.follow_up and profile.refers_back and previous.sections):
            return []
        live = {plan.key: plan for plan in self.plans.plans()}  # a plan removed since is not followed
        plans = [live[key] for key in previous.plans if key in live]
        cited = [c for plan in plans for c in self.chunks(plan.key) if f"{plan.key}|{c.section}" in previous.sections]
        rows = [m for m in registry.filtered(replace(profile, agencies=(), countries=(), time=None, funding=None,
                                                     section=()), plans, evidence)
                if f"{m.plan.key}|{m.task.section}" in previous.sections]
        if len(rows) > 1:  # the last answer listed task rows: "and who helps them?" asks it of every one
            matches = sorted(rows, key=lambda m: previous.sections.index(f"{m.plan.key}|{m.task.section}"))
        else:
            matches = [m for m in registry.best(profile, plans, evidence, cited) if any(c.holds(m.task.section) for c in cited)]
        return [m for m in matches if getattr(m.task, profile.slot, None) or profile.slot == "lead"]

    def _in_charge_of_plan(self, profile: Profile, scope: list[Plan], retrieval: Retrieval,
                           compose: Composer) -> Answer | None:
        """"Who runs the plan?": in each plan, the agency whose duties are to lead, follow up and report on the
        plan as a whole ("Chủ trì ... triển khai thực hiện Kế hoạch; theo dõi, đôn đốc, tổng hợp ... báo cáo")."""
        if len(scope) > SCAN_PLANS:
            return None
        # Asked of no plan: the plans retrieval ranked first answer first.
        ranked = list(dict.fromkeys(i.chunk.plan for i in retrieval.items))
        plans = sorted(scope, key=lambda p: ranked.index(p.key) if p.key in ranked else len(ranked))
        chosen = []
        for plan in plans:
            if len(chosen) == MAX_UNNAMED_PLANS:
                break
            duties: dict[str, list[tuple[Unit, frozenset[str]]]] = {}  # agency -> its units, each with its marks
            for unit in self.units(plan.key):
                if (agency := self._duty_of(unit)) and not _AGENCY_FIELD.match(unit.text):
                    duties.setdefault(agency, []).append((unit, frozenset(m.lower() for m in _OVERSEES.findall(unit.text))))
            marks = {agency: len(frozenset().union(*(m for _, m in units))) for agency, units in duties.items()}
            best = max(marks, key=marks.get, default=None)
            if best is None or marks[best] < MIN_OVERSIGHT or sum(v == marks[best] for v in marks.values()) > 1:
                continue  # no agency, or two alike, is in charge of the plan as a whole
            chosen.append(max(duties[best], key=lambda unit_marks: len(unit_marks[1]))[0])
        if not chosen:
            return None
        if len(chosen) == 1:
            unit = chosen[0]
            return compose.single([compose.quote(self.plans.get(unit.chunk.plan), unit, MAX_ANSWER,
                                                 agency=self._duty_of(unit))], MAX_ANSWER)
        return self._per_plan(profile, chosen, compose, lambda t: len(_OVERSEES.findall(t)), brief=False, who=True)

    def _no_cost(self, profile: Profile, scope: list[Plan], retrieval: Retrieval, evidence: Evidence,
                 registry: Registry, compose: Composer, items: list[Chunk]) -> Answer | None:
        """"How much does it cost?" is answered by tasks whose funding says they cost nothing."""
        plans = self._answering_plans(profile, scope, retrieval)
        matches = [m for m in registry.best(profile, plans, evidence, items[:5])
                   if re.search(r"khong phat sinh", fold(m.task.funding))]
        if not matches or re.search(r"\btong\b|\btotal\b|toan bo|ca ke hoach|whole plan", profile.folded):
            return None
        return compose.listing("", [compose.task(m, MAX_ANSWER // len(matches[:3]), "funding")
                                    for m in matches[:3]], MAX_ANSWER)

    # -- an agency's duties ------------------------------------------------------------------------
    def _duties(self, profile: Profile, scope: list[Plan], retrieval: Retrieval, compose: Composer,
                registry: Registry, previous: Turn | None) -> Answer | None:
        places = self.vocabulary().agencies.places
        wanted = profile.agencies
        if self._named_scope(profile, retrieval) or len(scope) > SCAN_PLANS:
            plans = scope
        else:  # every plan that gives the agency work, those retrieval ranked first first
            ranked = list(dict.fromkeys(i.chunk.plan for i in retrieval.items))
            plans = sorted(scope, key=lambda p: ranked.index(p.key) if p.key in ranked else len(ranked))
        # "Phòng đó còn làm gì nữa?": the duties not given in the last answer, or that there are none.
        said = set(previous.said) if previous and profile.follow_up and _MORE.search(profile.folded) else set()
        found: list[tuple[Plan, str, list[Unit]]] = []
        leads: list[tuple[Plan, list[Task]]] = []
        lines: list[str] = []
        for plan in plans:
            tasks = [t for t in plan.tasks if t.source == "responsibility"
                     and any(plays(a, t.lead, places) for a in wanted)]
            if not tasks:
                led = [t for t in plan.tasks if t.source != "responsibility"
                       and any(plays(a, t.lead, places) for a in wanted)]
                if led and not said:  # no duties clause: the tasks it leads are its work in this plan
                    leads.append((plan, led))
                continue
            task = max(tasks, key=lambda t: len(t.lead))
            chunks = holding(self.chunks(plan.key), task.section)
            units = [u for c in chunks for u in units_of(c) if u.text.strip() in task.content
                     and not (is_heading(u.text) and len(u.text) < 100
                              and any(plays(a, u.text, places) for a in wanted))]
            units = list({(u.chunk.id, u.start): u for u in units}.values())
            if role_asked(profile) == "cooperating":
                units = [u for u in units if "phối hợp" in u.text.lower()] or units
            fresh = [u for u in units if fold(u.text) not in said]
            if said and not fresh:
                lines.append(compose.agency_duties(plan, task.lead, units, MAX_ANSWER, none_other=True))
            elif fresh:
                found.append((plan, task.lead, fresh))
            if len(found) + len(lines) >= MAX_PLANS:
                break
        leads = leads[:max(0, MAX_PLANS - len(found) - len(lines))]
        count = len(found) + len(lines) + len(leads)
        # "tóm tắt", or plans side by side: all of them, each in full
        budget = _room(profile, count, long=profile.outline)
        room = budget - 40 - len(compose.t["duties_intro"]) - sum(len(line) for line in lines)
        lines += compose.shared(
            [partial(compose.agency_duties, plan, lead, fresh, line=count > 1) for plan, lead, fresh in found]
            + [partial(compose.agency_tasks, plan, [(t, c) for t in led if (c := registry.chunk_of(plan, t))],
                       line=count > 1) for plan, led in leads], room)
        if not lines:
            return None
        if len(lines) == 1:
            return compose.single(lines, budget)
        return compose.listing(compose.t["duties_intro"], lines, budget)

    # -- a part of the plan ------------------------------------------------------------------------
    def _section(self, profile: Profile, scope: list[Plan], retrieval: Retrieval, evidence: Evidence,
                 compose: Composer, best: Unit | None) -> Answer | None:
        """A part of a plan named by its number ("mục IV phụ lục"), or by its heading's words in a summary
        question ("tóm tắt phần tổ chức thực hiện") or in one that asks for nothing else ("mục đích của
        kế hoạch Hải Dương?"): its items, a line each."""
        who = profile.asks_who and not profile.outline
        if len(scope) > SCAN_PLANS or (profile.slot == "time" and not profile.outline):
            return None  # "mục 1 làm khi nào?": when of what a part says, not the part
        asked = wordset(profile.folded)
        found = [(plan, clause) for plan in scope
                 if (clause := _part_asked(plan, profile.section, asked)) is not None
                 and (profile.section or profile.outline or _heading_asks(clause, profile)
                      or (profile.slot is None and evidence.coverage(clause.heading) >= WHOLE_PART)
                      or (who and _part_heading_named(clause, profile)))]
        if who:  # "mục 1 giao cho ai?" is who of what a part says; of a part that assigns duties, its agencies
            agencies = self.vocabulary().agencies
            found = [(plan, clause) for plan, clause in found if _assigns_duties(plan, clause, agencies)]
        if not found and profile.outline and best is not None and (
                self._named_scope(profile, retrieval) or len(scope) == 1):
            plan = self.plans.get(best.chunk.plan)
            part = _part_summarised(plan, best, profile)
            found = [(plan, part)] if part is not None else []
        if not found or len(found) > MAX_PLANS or (len(found) > 1 and not self._named_scope(profile, retrieval)
                                                   and not profile.section):
            return None
        budget = _room(profile, len(found), long=profile.outline or profile.wants_long or bool(profile.section),
                       whole=any(not clause.path for _, clause in found))
        lines = compose.shared([partial(compose.outline, plan, clause, _items(plan, clause), self.chunks(plan.key),
                                        opening=self._opening_citations(plan) if not clause.path else None,
                                        headings=who)
                                for plan, clause in found], budget - 10 * len(found))
        return compose.listing("", lines, budget) if len(lines) > 1 else compose.single(lines, budget)

    # -- quoting the clauses -----------------------------------------------------------------------
    def _quote(self, profile: Profile, retrieval: Retrieval, scope: list[Plan], evidence: Evidence,
               units: list[Unit], best: Unit, compose: Composer) -> Answer:
        budget = MAX_LONG_ANSWER if _long(profile) else MAX_ANSWER
        who = profile.asks_who  # each quote says whose duty it is
        several = profile.sides > 1 or (profile.compare and self._named_scope(profile, retrieval))
        if several and not profile.which_plans and 1 < len(scope) <= MAX_PLANS:
            # Plans named side by side ("so sánh KH 275 và KH 171"): each answers from its own best unit.
            chosen = [u for u in (self._best_in(plan, units, evidence) for plan in scope) if u is not None]
            if len(chosen) > 1:
                budget = _room(profile, len(chosen), long=True)
                lines = compose.shared([partial(compose.quote, self.plans.get(u.chunk.plan), u, weigh=evidence.coverage)
                                        for u in chosen], budget - 20 - len(compose.t["per_plan_intro"]))
                return compose.listing(compose.t["per_plan_intro"], lines, budget)
        if self._named_scope(profile, retrieval) and not profile.which_plans and not profile.compare:
            plan = self.plans.get(best.chunk.plan)
            duty_of = self._duty_of(best)
            compose.turn.agency = duty_of
            return compose.single([compose.quote(plan, best, budget, weigh=evidence.coverage,
                                                 agency=duty_of if who else "")], budget)
        by_plan: dict[str, Unit] = {}
        if profile.which_plans and len(self.plans.plans()) <= SCAN_PLANS:
            # "Which plans mention X?" is asked of every plan, not only of those retrieval ranked first.
            units = units + [u for plan in scope for c in self.chunks(plan.key)
                             if c.plan not in {x.chunk.plan for x in units} for u in units_of(c, EVIDENCE_CHUNKS)]
        # A country asked about is a filter, as on the task rows: each plan answers from a unit naming it, and
        # asked of no plan, every plan naming it answers.
        def names_country(text: str) -> bool:  # not "Đơn vị chủ trì: Hội hữu nghị Việt Nam - Lào"
            return any(country_in(c, text, as_written=True) for c in profile.countries) and not _AGENCY_FIELD.match(text)

        def naming(found: list[Unit]) -> list[Unit]:
            return [u for u in found if names_country(u.text)]
        if profile.countries and naming(units):
            units = naming(units)
            best = max(units, key=evidence.unit_score)
            if not self._named_scope(profile, retrieval) and len(self.plans.plans()) <= SCAN_PLANS:
                have = {u.chunk.plan for u in units}
                units += [u for plan in scope if plan.key not in have for u in naming(self.units(plan.key))]
                chosen = sorted({u.chunk.plan: u for u in sorted(units, key=evidence.unit_score)}.values(),
                                key=evidence.unit_score, reverse=True)[:MAX_UNNAMED_PLANS]
                if len(chosen) > 1:  # each line's quote keeps where the country is named
                    return self._per_plan(profile, chosen, compose, lambda t: evidence.coverage(t) + names_country(t),
                                          brief=False)
        for unit in sorted(units, key=evidence.unit_score, reverse=True):
            by_plan.setdefault(unit.chunk.plan, unit)
        top = evidence.unit_score(best)
        limit = MAX_WHICH_PLANS if profile.which_plans else MAX_PLANS
        close = CLOSE_PLAN * top if not profile.which_plans else top - evidence.rank_decay * EVIDENCE_CHUNKS - 0.15
        # Another plan answers too when its unit is as good as the best apart from rank, and retrieval put its
        # chunk about as high: rank alone weighs heavily when few of the question's words can be read.
        fused = {i.chunk.id: i.score for i in retrieval.items}
        first = retrieval.items[0].score if retrieval.items else 0.0
        chosen = [u for u in by_plan.values()
                  if (evidence.unit_score(u) >= close or (
                      evidence.unit_score(u, ranked=False) >= CLOSE_PLAN * evidence.unit_score(best, ranked=False)
                      and fused.get(u.chunk.id, 0.0) >= CLOSE_RETRIEVAL * first))
                  and evidence.coverage(u.text) >= MIN_COVERAGE][:limit]
        if not profile.which_plans:
            chosen += self._also_answering(scope, evidence, best, {u.chunk.plan for u in chosen},
                                           MAX_UNNAMED_PLANS - len(chosen))
            chosen = [self._said_whose(u, evidence) for u in chosen]
        if len(chosen) <= 1:
            plan = self.plans.get(best.chunk.plan)
            return compose.single([compose.quote(plan, best, budget, weigh=evidence.coverage,
                                                 agency=self._duty_of(best) if who else "")], budget)
        return self._per_plan(profile, chosen, compose, evidence.coverage, brief=profile.which_plans, who=who)

    def _per_plan(self, profile: Profile, chosen: list[Unit], compose: Composer, weigh, brief: bool,
                  who: bool = False) -> Answer:
        """A line for each plan that answers, quoting its unit. For a question naming no plan this is still a
        short answer; a list of plans, a comparison or a summary is a long one."""
        budget = _room(profile, len(chosen), long=profile.which_plans or profile.outline)
        intro = compose.t["which_plans_intro" if profile.which_plans else "per_plan_intro"]
        lines = compose.shared([partial(compose.quote, self.plans.get(u.chunk.plan), u, brief=brief,
                                        line=True, weigh=weigh, agency=self._duty_of(u) if who else "")
                                for u in chosen], budget - len(intro) - 4 * len(chosen))
        return compose.listing(intro, lines, budget)

    def _also_answering(self, scope: list[Plan], evidence: Evidence, best: Unit, have: set[str],
                        room: int) -> list[Unit]:
        """A question naming no plan is asked of every plan: one retrieval ranked low (or not at all) answers
        too when a clause of it holds the question's words as fully as the best unit does (words, so only
        when most of the question's can be read against the plans). Each such plan's best unit."""
        who = evidence.profile.asks_who
        if len(self.plans.plans()) > SCAN_PLANS or room <= 0 or (evidence.readable < 0.5 and not who):
            return []
        wanted = max(SCAN_COVERAGE, 0.9 * evidence.coverage(best.text)) if evidence.readable >= 0.5 else 2.0
        # "Who?": an agency's duties answer that hold the question's words nearly as well.
        duty = max(MIN_COVERAGE, CLOSE_PLAN * evidence.coverage(best.text)) if who else 2.0
        found = []
        for plan in scope:
            if plan.key in have:
                continue
            own = [u for u in self.units(plan.key)
                   if (weight := evidence.coverage(u.text)) >= wanted or (weight >= duty and self._duty_of(u))]
            if own:
                found.append(evidence.best(own))
        return found[:room]

    def _said_whose(self, unit: Unit, evidence: Evidence) -> Unit:
        """For "who?": a unit that names no agency gives way to the plan's best unit among an agency's duties
        that holds the question's words nearly as well (a task clause says what; the duties say who)."""
        if not evidence.profile.asks_who or self._in_charge(unit):
            return unit
        least = CLOSE_PLAN * evidence.coverage(unit.text)
        duties = [u for u in self.units(unit.chunk.plan) if self._duty_of(u) and evidence.coverage(u.text) >= least]
        return max(duties, key=lambda u: evidence.coverage(u.text), default=unit)

    def _in_charge(self, unit: Unit) -> bool:
        """The unit says who does it: it is among an agency's duties, or in a task row (with its lead)."""
        return unit.chunk.kind == "row" or bool(self._duty_of(unit))

    def _duty_of(self, unit: Unit) -> str:
        """The agency whose duties the unit is among ("5. Phòng Tài chính - Kế hoạch: Chủ trì ..."), if any."""
        # The heading names the agency before its duties: "N. <agency>: <duties>", which may be the unit itself.
        own = unit if HEADING_MARKER.match(unit.text.strip()) and ":" in unit.text else None
        for head in (own, heading_above(unit) or (unit if is_heading(unit.text) else None)):
            named = self.vocabulary().agencies.named_in_text(head.text.split(":", 1)[0]) if head else []
            if named:
                return named[0].name
        return ""

    def _best_in(self, plan: Plan, units: list[Unit], evidence: Evidence) -> Unit | None:
        """The plan's best unit among those retrieved, or else among all its clauses."""
        # A list of a part's headings (an outline chunk) says what the part holds, not what the plan says.
        own = [u for u in units if u.chunk.plan == plan.key and u.chunk.kind != "outline"] or self.units(plan.key)
        best = evidence.best(own)
        return best if best is not None and evidence.coverage(best.text) > 0 else None


_DUTIES_COUNTED = r"(?:bao nhieu|\bmay|how many|so luong) (?:nhiem vu|viec|cong viec|tasks?|duties|items?|noi dung)"
# What an agency in charge of the whole plan is given: to follow it up, urge, sum up and report on it.
_OVERSEES = re.compile(r"theo dõi|đôn đốc|tổng hợp|kiểm tra|giám sát|đầu mối|thường trực|báo cáo|hướng dẫn", re.I)
MIN_OVERSIGHT = 3  # of those, that an agency's duties hold for it to be the one in charge of the plan
_AGENCY_FIELD = re.compile(r"\W*(?:đơn vị|cơ quan)\s+(?:chủ trì|phối hợp|thực hiện)\b", re.I)
_ROLE = re.compile(r"chủ trì|phối hợp|đầu mối|trách nhiệm|thực hiện:|được giao|giao cho|tham mưu|theo dõi", re.I)
# "kế hoạch ... năm 2025", "the 2025 plan": a plan of that year asked for ("kh 1908" is a plan's number).
_PLAN_OF_YEAR = r"(?:ke hoach|\bkh|\bplan)\s+(?:\S+\s+){{0,5}}?nam\s+{year}\b|\b{year}\s+plan|plan (?:for|of) {year}\b"
PARTS = ("section", "item", "appendix", "subitem")  # clause kinds a question can name as a part of the plan


def _part_asked(plan: Plan, number: tuple[str, ...], asked: frozenset[str]) -> Clause | None:
    """The part of the plan with this number, or the most specific part whose heading's every word of
    substance the question (`asked`: its words) holds."""
    if number:  # "mục 2.2" is the path ("2", "2"), or the item the plan numbers 2.2 (III › 2 › 2.2)
        dotted = ".".join(number) if len(number) > 1 else None
        exact = next((c for c in plan.clauses if c.path == number and c.kind in PARTS), None) or next(
            (c for c in plan.clauses if dotted and c.path[-1:] == (dotted,) and c.kind in PARTS), None)
        if exact is not None or dotted:
            return exact
        # "mục 2" of a plan whose 2. is under a part (II › 2): the one whose heading holds the question's words.
        under = [c for c in plan.clauses if c.path[-1:] == number and c.kind in PARTS]
        fits = [(len(set(content_words(c.heading)) & asked), c) for c in under]
        fits = [(n, c) for n, c in fits if n]
        return max(fits, key=lambda nc: nc[0])[1] if fits else None
    best, size = None, 0
    for clause in plan.clauses:
        if clause.kind not in PARTS or len(clause.path) > 2:
            continue
        words = set(content_words(clause.heading))
        if words and words <= asked and len(words) > size:
            best, size = clause, len(words)
    return best


def _naming_words(cited: list[str], profile: Profile) -> frozenset[str]:
    """The question's words that only name the documents cited: their numbers, kinds, "số" and years."""
    return frozenset(folded_words(" ".join(cited))) | DOCUMENT_KINDS | {"so"} | \
        frozenset(w for w in profile.terms if w.isdigit())


def _citing(cited: list[str], units: list[Unit]) -> list[Unit]:
    """Of each plan whose retrieved clauses cite every document asked about, the sentence that does (or
    the first unit of the chunk that does), up to MAX_PLANS plans."""
    found: dict[str, Unit] = {}
    for unit in units:
        if unit.chunk.plan not in found and all(fold(n) in fold(unit.text) for n in cited):
            found[unit.chunk.plan] = unit
    for unit in units:
        if unit.chunk.plan not in found and all(fold(n) in fold(unit.chunk.text) for n in cited):
            found[unit.chunk.plan] = unit
    return list(found.values())[:MAX_PLANS]


def _part_heading_named(part: Clause, profile: Profile) -> bool:
    """The question names the part by its whole heading ("phần tổ chức thực hiện"), not by a word of it."""
    heading = " ".join(folded_words(part.heading))
    return bool(heading) and re.search(rf"\b{re.escape(heading)}\b", " ".join(folded_words(profile.folded))) is not None


def _assigns_duties(plan: Plan, part: Clause, agencies: AgencyNames) -> bool:
    """Most of the part's items are headed by an agency ("2. Sở Ngoại vụ"): a part that assigns duties."""
    items = _items(plan, part)
    named = sum(item.kind in PARTS and bool(agencies.named_in_text(item.text.split("\n", 1)[0].split(":", 1)[0]))
                for item in items)
    return len(items) >= 2 and named >= DUTY_ITEMS * len(items)


def _heading_asks(part: Clause, profile: Profile) -> bool:
    """The part's heading is itself the one thing the question asks for ("KINH PHÍ THỰC HIỆN" for a
    funding question that asks nothing else, and carries nothing from an earlier one)."""
    pattern = SLOT_PATTERNS.get(profile.slot or "")
    return pattern is not None and len(profile.asks) == 1 and not (profile.context_terms or profile.agencies) \
        and re.search(pattern, fold(part.heading)) is not None


def _part_summarised(plan: Plan, best: Unit, profile: Profile) -> Clause | None:
    """The part a summary asks for when its words name none: the whole plan when they say nothing but how
    a plan is laid out and its title, or the best unit is its opening (where the title is); or the part
    whose list of items the best unit is in (an outline chunk)."""
    title = wordset(plan.metadata.title or "")
    stray = [t for t in profile.terms if t not in LAYOUT_WORDS and t not in title]
    if best.chunk.section == PREAMBLE or (len(stray) <= 1 and len(stray) * 2 < max(len(profile.terms), 1)):
        return Clause((), "plan", plan.metadata.title or plan.key, "", "", [1])
    if best.chunk.kind == "outline":
        return next((c for c in plan.clauses if c.label == best.chunk.section and c.kind in PARTS), None)
    # "overview of the main solutions": the part above the best unit whose heading holds the question's words.
    section = best.chunk.section + PATH_SEPARATOR
    above = [c for c in plan.clauses if c.kind in PARTS and section.startswith(c.label + PATH_SEPARATOR)
             and stray and set(stray) <= wordset(c.heading)]
    return max(above, key=lambda c: len(c.path), default=None)


def _room(profile: Profile, plans: int, long: bool, whole: bool = False) -> int:
    """How long an answer of `plans` plans may be: plans compared or named apart each answer in full, and a
    whole plan is laid out, as long as a list; a summary, list or purpose is a long answer; the rest, and
    any answer to a short follow-up in the conversation, is short."""
    if profile.follow_up:
        return MAX_ANSWER
    if (plans > 1 and profile.side_by_side) or whole:
        return MAX_SIDE_BY_SIDE
    if long and profile.outline and not profile.purpose:
        return MAX_SUMMARY  # a summary may run as long as a list; a purpose not quite
    return MAX_LONG_ANSWER if long else MAX_ANSWER


def _long(profile: Profile) -> bool:
    """A list, purpose, summary or duties is a long answer, except to a short follow-up in the conversation."""
    return profile.wants_long and not profile.follow_up


def _items(plan: Plan, part: Clause) -> list[Clause]:
    """The clauses one level under a part, in the plan's order."""
    return [c for c in plan.under(part.path)
            if part.path or c.kind in PARTS]  # the whole plan's items are its parts, not its opening

