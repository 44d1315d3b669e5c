"""Answers written from the plans' own words: sentences of prompts/offline.toml frame quotes, task fields
and metadata as the plans write them, with citation numbers in order of first use."""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from assistant.answers import Answer, Citation, cite
from assistant.evidence import Unit, heading_above
from assistant.profile import Turn
from assistant.registry import TaskMatch
from assistant.vocabulary import CITED_NUMBER, fold, funding_sources, is_heading, is_instruction, sentences, wordset
from index.chunks import Chunk, smallest_holding
from index.glossary import Glossary
from index.plans import PlanStore
from index.retriever import Retrieval
from ingest import Clause, Plan, Task
from ingest.records import PATH_SEPARATOR

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
MAX_ANSWER = 780  # the contract's limit for a short answer is 800 characters
MAX_LONG_ANSWER = 1150  # and 1,200 for a purpose, 1,500 for a list or summary
MAX_TABLE = 1400  # a list of tasks asked for, a row each (the contract allows 1,500 for a list)
MAX_SUMMARY = MAX_TABLE  # a summary (the contract allows 1,500 for a summary)
MAX_SIDE_BY_SIDE = MAX_TABLE  # plans compared, each in full, as long as a list (1,500 for a comparison)
MAX_ROWS = 12  # tasks listed in one answer; the Tasks tab has the rest
MAX_ROW = 200  # of what a task is, in a row of a list; the Tasks tab has the whole row
MIN_CUT = 80  # room for the start of one more line in a quote, below which none is begun
SPARE_ROOM = 0.5  # of an outline's room, below which its bare labels are given what follows them
BARE_LABEL = 3  # words, at most, of a line that only labels what follows it ("1. Mục đích")
MIN_TASK = 60  # a task's title cut shorter than this no longer says what is done
MAX_SHORT_ROWS = 4  # in an answer to a question that asked for one thing
TAIL_SHARE = 0.4  # of a task's title cut in its middle, kept from its end
MIN_ROW = 90  # of what a task is, below which a row's fields give way to it
ROW_FIELDS = ("both", "one", "none")  # a row's fields, from all to none
NAMES_ROOM = 160  # of an outline, kept for the names its cut lines leave out
DOCUMENT_LINE = 130  # about what a plan's number, date and horizon take in a line
MIN_REFERENCE = 60  # room for the document a plan implements, below which the line goes without it
_ABOUT = re.compile(r"\s(?:về|phê duyệt|ban hành|triển khai|hướng dẫn|quy định)\s")
_PHRASE_END = re.compile(r"[;:,]\s+")
_ISSUER_ABBREVIATIONS = {"uy ban nhan dan": "UBND", "hoi dong nhan dan": "HĐND"}
_ISSUER_SHORT = re.compile(r"^(?:Ủy ban nhân dân|Uỷ ban nhân dân|Hội đồng nhân dân)", re.I)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


class Composer:
    def __init__(self, templates: dict, retrieval: Retrieval, terms: Glossary, plans: PlanStore, question: str,
                 names: frozenset[str] = frozenset()):
        """`names`: the places, partners and heritage the plans name ("Suwon"), which a cut line keeps."""
        self.t = templates
        self.names = names
        self.plans = plans
        self.retrieval = retrieval
        self.lang = retrieval.language
        self.glossary = terms
        self.question = question
        self.citations: list[Citation] = []
        self.turn = Turn(question)

    # -- pieces ------------------------------------------------------------------------------------
    def cite(self, chunk: Chunk, units: list[Unit] | None = None) -> int:
        quote = chunk.text
        if units:
            quote = chunk.text[min(u.start for u in units):max(u.end for u in units)]
        for citation in self.citations:
            if citation.text == chunk.text:
                return citation.n
        n = len(self.citations) + 1
        self.citations.append(cite(n, chunk, quote.strip(), self.plans.get(chunk.plan)))
        self.turn.plans = tuple(dict.fromkeys((*self.turn.plans, chunk.plan)))
        self.turn.sections = (*self.turn.sections, f"{chunk.plan}|{chunk.section}")
        if units:
            self.turn.said = (*self.turn.said, *(fold(u.text) for u in units))
        return n

    def plan_name_opening(self, plan: Plan) -> str:
        """The plan's name at the start of a sentence."""
        name = self.plan_name(plan)
        return name[:1].upper() + name[1:]

    def not_stated(self, plan: Plan, field: str) -> str:
        """The line saying a plan does not state one of its own fields (its date, its recipients ...)."""
        return self.t["abstain_field"].format(plan=self.plan_name_opening(plan), field=self.t[f"field_{field}"])

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

    def issuer(self, issuer: str) -> str:
        """The issuer as the plan writes it, with the short form officials write ("UBND tỉnh Lào Cai")."""
        short = _ISSUER_SHORT.sub(lambda m: _ISSUER_ABBREVIATIONS[fold(m.group(0))], issuer, count=1)
        if short == issuer:
            return self.name(issuer)
        gloss = self.glossary.gloss(issuer) if self.lang == "en" else None
        return f"{issuer} ({short}; {gloss})" if gloss else f"{issuer} ({short})"

    # -- lines -------------------------------------------------------------------------------------
    def short_name(self, plan: Plan) -> str:
        """The plan in a line of a list of plans: its place, and its number when it has one."""
        place = place_of(plan) if plan.metadata.district or plan.metadata.province else self.plan_name(plan)
        return f"{place} {plan.metadata.number}" if plan.metadata.number else place

    def quote(self, plan: Plan, best: Unit, budget: int, brief: bool = False, line: bool = False,
              weigh: Callable[[str], float] | None = None, agency: str = "") -> str:
        """The best unit with its neighbours in the clause, as much as the budget holds; `line`: as one line of
        a list of plans, named short; `weigh`: how much of the question a text holds, so that a unit longer
        than the room is shown where it answers, not only from its start; `agency`: whose duty the unit is,
        said first (the answer to "who?" when the quote has no room for its heading)."""
        template = self.t[("quote_agency" if agency else "quote") + ("_line" if line else "")]
        name = self.short_name(plan) if line else self.plan_name(plan)
        said = self.name(agency) if agency else ""  # with its English gloss in an English answer
        self.turn.agency = self.turn.agency or agency
        head = template.format(plan=name, section=best.chunk.section, quote="", n=99, agency=said)
        room = budget - len(head) - 4 if not brief else min(budget - len(head), 260)
        if weigh is not None and len(best.text) > room:
            best = focused(best, room - 4, weigh)
        chosen = window(best, room)
        n = self.cite(best.chunk, chosen)
        spans = sentences(best.chunk.text)
        starts = {a for a, _ in spans}
        pieces = [("" if u.start in starts else "… ") + u.text.strip() for u in chosen]
        joined = ("\n" if not brief else " ").join(pieces)
        if chosen and not any(b == chosen[-1].end for _, b in spans):
            joined += " …"
        joined = clip(joined, room)  # the best unit alone may be longer than the room
        if agency and fold(agency) in fold(joined):  # its heading is quoted: the agency is not said twice
            template = self.t["quote_line" if line else "quote"]
        return template.format(plan=name, section=best.chunk.section, quote=joined, n=n, agency=said)

    def task(self, match: TaskMatch, budget: int, slot: str | None) -> str:
        """One task: who leads, with the field asked first when one is."""
        task = match.task
        start = match.chunk.text.find(task.content[:40])
        n = self.cite(match.chunk, [Unit(match.chunk, start, len(match.chunk.text), 0)] if start > 0 else None)
        self.turn.agency = self.turn.agency or task.lead
        fields = []
        order = {"time": ("time", "cooperating", "funding"), "funding": ("funding", "cooperating", "time")}
        for name in order.get(slot or "", ("cooperating", "time", "funding")):
            value = getattr(task, name)
            if value:
                fields.append(self.t[name].format(**{name: self.name(value) if name == "cooperating" else value}))
        head = self.t["lead"].format(plan=self.plan_name(match.plan), lead=self.name(task.lead) or "—",
                                     content="")
        room = max(60, budget - len(head) - sum(map(len, fields)) - 8)
        return self.t["lead"].format(plan=self.plan_name(match.plan), lead=self.name(task.lead) or "—",
                                     content=clip(task.content.strip().rstrip(".;"), room)) \
            + "".join(fields) + self.t["end"].format(n=n)

    def tasks(self, matches: list[TaskMatch], slot: str | None, counted: bool = False, long: bool = False,
              lead: str = "") -> Answer:
        """One task in a sentence; several (or a count asked) as a list under how many there are. The
        length is what the question asks for (`long`: a list), not how many tasks there happen to be.
        `lead`: the agency every task was chosen for leading, said once above rows that say when."""
        if len(matches) == 1 and not counted:
            return self.single([self.task(matches[0], MAX_ANSWER, slot)], MAX_ANSWER)
        budget = MAX_TABLE if long else MAX_ANSWER
        shown = matches[:MAX_ROWS if long else MAX_SHORT_ROWS]
        if long:  # a list reads as the plan's table: the best matches, in the plan's order
            plans = list(dict.fromkeys(m.plan.key for m in matches))
            shown.sort(key=lambda m: (plans.index(m.plan.key), m.plan.tasks.index(m.task)))
        several = len({m.plan.key for m in matches}) > 1
        # What a task is tells the rows apart: when many share the room, their fields give way to it (the
        # field asked last), and rows that still do not fit are counted in the line after them.
        # "mỗi mục mấy việc?": how many in each group of the plan's table, when there are several
        by_funding = counted and self.turn.profile is not None and self.turn.profile.by_funding
        groups = (_by_funding(matches, self.t["tasks_by_funding"]) if by_funding
                  else _by_group(matches, self.t["tasks_by_group"]) if counted else "")
        room = budget - 90 - len(groups) - (len(self.t["tasks_more"]) if len(matches) > len(shown) else 0)
        # Who leads stays in every row when the question's own words are about the leads ("do các hội hữu nghị").
        about_leads = self.turn.profile is not None and any(
            set(self.turn.profile.terms) & wordset(m.task.lead) for m in shown)
        for fields in ROW_FIELDS[:-1] if about_leads else ROW_FIELDS:
            fixed = [len(self.task_row(m, 0, slot, several, fields, bool(lead))) for m in shown]
            if (room - sum(fixed)) // len(shown) >= MIN_ROW:
                break
        while len(shown) > 1 and (room - sum(fixed)) // len(shown) < MIN_ROW // 2:
            shown, fixed = shown[:-1], fixed[:-1]
            room = budget - 90 - len(groups) - len(self.t["tasks_more"])
        # Each row's content gets a fair share of the room its fields leave: short ones give theirs to long ones.
        wanted = [min(MAX_ROW, len(m.task.content)) for m in shown]
        shares = fair_shares(wanted, room - sum(fixed), least=MIN_ROW // 2)
        lines = [self.task_row(m, share, slot, several, fields, bool(lead)) for m, share in zip(shown, shares)]
        if len(matches) > len(shown):
            lines.append(self.t["tasks_more"].format(more=len(matches) - len(shown)))
        where = self.plan_name(matches[0].plan) if len({m.plan.key for m in matches}) == 1 else self.t["several_plans"]
        intro = self.t["tasks_led_intro" if lead else "tasks_intro"].format(count=len(matches), plan=where,
                                                                            lead=self.name(lead))
        return self.listing(intro + groups, lines, budget)

    def task_row(self, match: TaskMatch, room: int, slot: str | None = None, several: bool = False,
                 fields: str = "both", lead_said: bool = False) -> str:
        """A task as one line of a list: what (cut to `room`), who leads, and when (or the field asked; for
        "who", the cooperating agencies too); from several plans, each line says which. `fields`: "both",
        "one" (the field asked, else who leads) or "none", when many rows share the room; `lead_said`: who
        leads is said above the rows, which say when."""
        task = match.task
        start = match.chunk.text.find(task.content[:40])
        n = self.cite(match.chunk, [Unit(match.chunk, start, len(match.chunk.text), 0)] if start > 0 else None)
        wanted = {"lead": "cooperating", "amount": "funding"}.get(slot or "", slot)
        field = wanted if wanted in ("cooperating", "funding") and getattr(task, wanted) else "time"
        if not getattr(task, field) and task.cooperating:  # a row with no time says who cooperates instead
            field = "cooperating"
        value = getattr(task, field) or "—"
        if lead_said and slot not in ("funding", "amount", "cooperating"):
            field, value = "time", task.time or "—"
        if slot in ("time", "funding", "amount") or (lead_said and fields != "none"):
            tail = self.t["row_field"].format(n=n, field=self.t[f"label_{field}"], value=self.name(value))
        elif fields == "none" and (lead_said or slot not in ("lead", "cooperating")):  # who leads stays when asked
            tail = self.t["row_end"].format(n=n)
        elif fields != "both" and slot == "cooperating" and field == "cooperating":
            tail = self.t["row_field"].format(n=n, field=self.t[f"label_{field}"], value=self.name(value))
        elif fields != "both":
            tail = self.t["row_lead"].format(lead=self.name(task.lead) or "—", n=n)
        else:
            tail = self.t["row_tail"].format(lead=self.name(task.lead) or "—", n=n,
                                             field=self.t[f"label_{field}"], value=self.name(value))
        where = f"({place_of(match.plan)}) " if several else ""
        return f"- {where}{clip_middle(task.content, room, self.names) if room else ''}{tail}"

    def agency_duties(self, plan: Plan, agency: str, units: list[Unit], budget: int, line: bool = False,
                      none_other: bool = False) -> str:
        """The agency's duties; when they do not all fit, each is shortened rather than any left out. `line`:
        one line of a list of plans, the plan named short; `none_other`: these were all said already."""
        template = self.t["no_other_duties" if none_other else "agency_duties_line" if line else "agency_duties"]
        name = self.short_name(plan) if line else self.plan_name(plan)
        self.turn.agency = self.turn.agency or agency
        head = template.format(plan=name, agency=self.name(agency), quote="", n=0)
        room = budget - len(head) - 8 * len({u.chunk.id for u in units})
        # Duties cut short name, after them, the places and partners their cut parts held.
        named = [(n, u.chunk) for u in units for n in sorted((n for n in self.names if n in u.text), key=u.text.index)]
        whole = sum(len(u.text.strip()) + 1 for u in units)
        reserved = min(NAMES_ROOM, sum(len(n) + 6 for n, _ in named)) if whole > room and named else 0
        shares = fair_shares([len(u.text.strip()) for u in units], room - reserved, least=80)
        parts = [clip(u.text.strip(), share) for u, share in zip(units, shares)]
        chunks = list(dict.fromkeys(u.chunk for u in units))
        markers = " ".join(f"[{self.cite(c, [u for u in units if u.chunk is c])}]" for c in chunks)
        text = template.format(plan=name, agency=self.name(agency), quote=" ".join(parts), n=0).replace("[0]", markers)
        left = self.names_left(named, text, budget - len(text) - 2) if reserved else ""
        return f"{text} {left}" if left else text

    def outline(self, plan: Plan, part: Clause, items: list[Clause], chunks: list[Chunk], budget: int,
                opening: list[Unit] | None = None, headings: bool = False) -> str:
        """A part of the plan (or the whole plan: its title, what it implements (`opening`), its parts) as
        its items, a line each, the room that short lines leave going to the long ones; a part with no
        items, its text. `headings`: each item by its heading alone (the agencies a part assigns duties to).
        The names the part writes (`self.names`) that its cut lines leave out are listed after them (a
        summary says with whom and where)."""
        def chunk_of(clause: Clause) -> Chunk | None:
            return smallest_holding(chunks, clause.label)
        name = self.plan_name(plan)
        head = self.t["outline" if part.path else "outline_plan"].format(
            plan=name if part.path else self.plan_name_opening(plan), section=part.label,
            heading=part.heading.strip(" :"), count=len(items), title=full_title(plan.metadata.title or ""))
        if opening:
            refs = clip("; ".join(_reference(u.text) for u in opening), min(160, budget // 4))
            head += "\n- " + self.t["outline_basis"].format(quote=refs, n=self.cite(opening[0].chunk, opening))
        if not items:
            chunk = chunk_of(part)
            if chunk is None:
                return ""
            head = self.t["outline_text"].format(plan=name, section=part.label)
            body = "\n".join(part.text.split("\n")[1:]) or part.text  # its heading is said in the head
            return f"{head} {clip(body, budget - len(head) - 6)} [{self.cite(chunk)}]"
        cited = [(item, chunk) for item in items if (chunk := chunk_of(item)) is not None]
        # A part that says something itself before its items (QN II.4: a paragraph, then who leads) says it first.
        body = " ".join(part.text.split("\n")[1:]).strip() if part.path else ""
        if body and (chunk := chunk_of(part)) is not None:
            cited.insert(0, (Clause((*part.path, "¶"), "body", "", body, body, part.pages), chunk))
        if headings:  # "2. Sở Ngoại vụ" of "2. Sở Ngoại vụ: Chủ trì, ..."
            names = [(item.text.split("\n", 1)[0].split(":", 1)[0].strip(), chunk) for item, chunk in cited
                     if item.kind != "body"]
            return "\n".join([head, *(f"- {name} [{self.cite(chunk)}]" for name, chunk in names)])
        named = _names_in(plan, cited, self.names)
        reserved = min(NAMES_ROOM, sum(len(n) + 6 for n, _ in named)) if named else 0
        budget -= reserved
        whole = [len(_item_line(plan, item, MAX_LONG_ANSWER * 4)) for item, _ in cited]
        # An outline far shorter than its room says what its bare labels ("1. Mục đích") label.
        expand = sum(whole) + len(head) < SPARE_ROOM * budget
        if expand:
            whole = [len(_item_line(plan, item, MAX_LONG_ANSWER * 4, expand)) for item, _ in cited]
        shares = fair_shares(whole, budget - len(head) - 10 * len(cited), least=60)
        # An item whose share holds all of it is written whole (its own cut would trim a few characters).
        rooms = [MAX_LONG_ANSWER * 4 if share >= size else share for share, size in zip(shares, whole)]
        lines = [f"- {_item_line(plan, item, room, expand)} [{self.cite(chunk)}]"
                 for (item, chunk), room in zip(cited, rooms)]
        left = self.names_left(named, "\n".join(lines), budget + reserved - sum(len(x) + 1 for x in [head, *lines]) - 20)
        return "\n".join([head, *lines] + ([f"- {left}"] if left else []))

    def names_left(self, named: list[tuple[str, Chunk]], written: str, room: int) -> str:
        """"Nêu tên: Suwon, Kagoshima [3]": the names (each with the chunk naming it) that what is written
        leaves out, as many as the room holds."""
        written = fold(written)
        shown: dict[int, list[str]] = {}
        used = 0  # the names and their markers written so far
        for name, chunk in ((n, c) for n, c in named if fold(n) not in written):
            # Cited only once it fits: a name left out must not leave a citation with no marker in the text.
            n = next((c.n for c in self.citations if c.text == chunk.text), None)
            used += len(name) + 2 + (6 if n is None or n not in shown else 0)
            if used > room:
                break
            shown.setdefault(self.cite(chunk), []).append(name)
        if not shown:
            return ""
        return self.t["outline_names"].format(names="; ".join(f"{', '.join(ns)} [{n}]" for n, ns in shown.items()))

    def agency_tasks(self, plan: Plan, led: list[tuple[Task, Chunk]], budget: int, line: bool = False) -> str:
        """The tasks an agency leads in a plan that gives it no duties clause."""
        template = self.t["agency_leads_line" if line else "agency_leads"]
        name = self.short_name(plan) if line else self.plan_name(plan)
        if not led:
            return ""
        agency = led[0][0].lead
        self.turn.agency = self.turn.agency or agency
        head = template.format(plan=name, agency=self.name(agency), tasks="")
        # As many tasks as the room holds at a readable length each, and how many more there are.
        shown = max(1, min(len(led), (budget - len(head)) // (MIN_TASK + 8)))
        more = "; " + self.t["tasks_more_inline"].format(more=len(led) - shown) if shown < len(led) else ""
        share = max(MIN_TASK, (budget - len(head) - len(more)) // shown - 8)
        tasks = "; ".join(f"{clip(' '.join(task.content.split()), share)} [{self.cite(chunk)}]"
                          for task, chunk in led[:shown])
        return template.format(plan=name, agency=self.name(agency), tasks=tasks + more)

    def document(self, plan: Plan, chunk: Chunk, fields: list[str], opening: list[Unit] | None = None,
                 room: int = MAX_ANSWER) -> str:
        """The number, date, issuer and signer, as the plan writes them; with the horizon, the document of
        the strategy it implements, when the opening (`opening`: its sentences citing documents) names it
        and the line's `room` holds it beside the rest."""
        meta = plan.metadata
        parts = []
        if "number" in fields and meta.number:
            parts.append(self.t["numbered"].format(number=meta.number))
        if "date" in fields and meta.date:
            written = date_as_written(plan) or _date_words(meta.date)
            if self.lang == "en":
                year, month, day = meta.date.split("-")
                written = f"{int(day)} {_MONTHS[int(month) - 1]} {year} ({written})"
            parts.append(self.t["issued_on"].format(date=written)
                         + (self.t["issued_at"].format(place=meta.place) if meta.place else ""))
        if "issuer" in fields and meta.issuer:
            parts.append(self.t["issued_by"].format(issuer=self.issuer(meta.issuer)))
        if "signer" in fields and meta.signer:
            signer = " ".join(x for x in (meta.signer_title, meta.signer) if x)
            parts.append(self.t["signed_by"].format(signer=signer))
        if "horizon" in fields:
            span = self.horizon_span(plan)
            strategy = [u for u in opening or [] if "chien luoc" in fold(u.text)] or (opening or [])[:1]
            if strategy and "basis" not in fields and room - DOCUMENT_LINE >= MIN_REFERENCE:
                reference = clip(_reference(strategy[0].text), min(200, room - DOCUMENT_LINE))
                span += f": {reference} [{self.cite(strategy[0].chunk, strategy[:1])}]"
            parts.append(self.t["horizon"].format(span=span))
        if "title" in fields and meta.title:
            parts.insert(0, self.t["titled"].format(title=full_title(meta.title)))
        return self.t["document"].format(plan=self.plan_name_opening(plan), parts=", ".join(parts), n=self.cite(chunk))

    def recipients(self, plan: Plan, closing: Chunk | None, budget: int) -> str:
        """Whom the plan is sent to, its "Nơi nhận" list as written (its own filing line aside)."""
        if closing is None:
            return self.not_stated(plan, "recipients")
        listed = [line.strip(" -–;.") for line in closing.text.split("\n")[1:] if line.strip().startswith(("-", "–"))]
        listed = [x for x in listed if x and not fold(x).startswith("luu")]
        name = self.plan_name_opening(plan)
        head = self.t["sent_to"].format(plan=name, recipients="", n=99)
        return self.t["sent_to"].format(plan=name, n=self.cite(closing),
                                        recipients=clip("; ".join(listed), budget - len(head)))

    def basis(self, plan: Plan, opening: list[Unit], budget: int) -> str:
        """The documents a plan says it implements, in the opening's own sentences."""
        name = self.plan_name_opening(plan)
        head = self.t["based_on"].format(plan=name, quote="", n=99)
        quote = clip("; ".join(_reference(u.text) for u in opening), budget - len(head))
        return self.t["based_on"].format(plan=name, quote=quote, n=self.cite(opening[0].chunk, opening))

    def horizon_span(self, plan: Plan) -> str:
        meta = plan.metadata
        if meta.year:
            return self.t["horizon_yearly"].format(year=meta.year, horizon=meta.horizon or "?")
        if meta.horizon:
            return self.t["horizon_long"].format(horizon=meta.horizon)
        return "—"

    # -- answers -----------------------------------------------------------------------------------
    def shared(self, lines: list[Callable[[int], str]], room: int) -> list[str]:
        """Lines of one answer that share its room (a plan each): each is first written as if alone, so that
        the room a short one leaves goes to the long ones, not to an equal cut of every one."""
        citations, turn = list(self.citations), dict(vars(self.turn))
        whole = [len(line(room)) for line in lines]
        self.citations = citations
        vars(self.turn).update(turn)
        # A line whose share holds all of it is written as it was (its own cut would trim a few characters).
        return [line(room if share >= size else share) for line, size, share in zip(lines, whole, fair_shares(whole, room))]

    def single(self, lines: list[str], budget: int) -> Answer:
        lines = [line for line in lines if line]
        if not lines:
            return self.abstain()
        return self.answer(clip("\n".join(lines), budget))

    def listing(self, intro: str, lines: list[str], budget: int) -> Answer:
        lines = [line for line in lines if line]
        if not lines:
            return self.abstain()
        if len(lines) == 1 and not intro:
            return self.answer(clip(lines[0], budget))
        # A plan's line holding a list of its own (an outline) keeps that list indented under it.
        body = "\n".join((line if line.startswith("- ") else f"- {line}").replace("\n", "\n  ") for line in lines)
        return self.answer(clip(f"{intro}\n{body}" if intro else body, budget))

    def abstain(self, nearby: Unit | None = None, reason: str = "abstain", **values) -> Answer:
        text = self.t[reason].format(**values)
        if nearby is not None:
            text += self.t["nearby"].format(quote=clip(nearby.text.strip(), 300), n=self.cite(nearby.chunk, [nearby]))
        return self.answer(text, abstained=True)

    def answer(self, text: str, abstained: bool = False) -> Answer:
        used = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
        citations = [c for c in self.citations if c.n in used]  # a citation cut off with its text goes too
        return Answer(self.retrieval.question, text, abstained, citations, self.retrieval,
                      notes=list(self.retrieval.notes), turn=self.turn)


def window(best: Unit, budget: int) -> list[Unit]:
    """The best unit, then its neighbours in the clause (after it first: a list goes on below its
    lead-in), while they fit; the clause's heading line leads when it says whose or which this is."""
    chunk = best.chunk
    spans = sentences(chunk.text)
    units = [Unit(chunk, a, b, best.rank) for a, b in spans if not is_instruction(chunk.text[a:b])]
    # The sentence the best unit is in; a part of one (focused) stands for it.
    index = next((i for i, u in enumerate(units) if u.start <= best.start < u.end), 0)
    if units and units[index].start <= best.start and best.end <= units[index].end:
        units[index] = best
    chosen = [units[index]]
    size = len(units[index].text)
    cut: Unit | None = None
    for step in (1, -1, 2, -2, 3, -3, 4, -4, 5, 6, 7, 8, 9, 10, 11, 12):
        j = index + step
        if not 0 <= j < len(units):
            continue
        if size + len(units[j].text) > budget:
            if step > 0:
                cut = units[j]
                break
            continue
        chosen.append(units[j])
        size += len(units[j].text)
    chosen.sort(key=lambda u: u.start)
    # What follows a heading is what it is about: the start of the next line (cut at a word) comes before
    # the headings above, when the best unit is a heading itself.
    if is_heading(chosen[-1].text):
        size += _cut_into(chosen, cut, chunk, budget - size - 2)
        cut = None
    # The nearest heading above says whose duty or which activity this is; the chunk's first line too.
    above = heading_above(chosen[0])
    for head in ([above] if above else []) + [units[0]]:
        if head not in chosen and is_heading(head.text) and size + len(head.text) <= budget:
            chosen.insert(0, head)
            size += len(head.text)
    chosen.sort(key=lambda u: u.start)
    # The list goes on below: what room is left holds the start of the next line, cut at a word.
    _cut_into(chosen, cut, chunk, budget - size - 2)
    return chosen


def focused(unit: Unit, room: int, weigh: Callable[[str], float]) -> Unit:
    """The run of the unit's phrases (cut after ";", ":" or ",") of at most `room` characters that holds
    most of the question; the earliest such run when several hold as much."""
    text = unit.text
    cuts = [0] + [m.end() for m in _PHRASE_END.finditer(text)] + [len(text)]
    best, best_weight = (0, 0), -1.0
    for i in range(len(cuts) - 1):
        for j in range(i + 1, len(cuts)):
            if cuts[j] - cuts[i] > room:
                break
            weight = weigh(text[cuts[i]:cuts[j]])
            if weight > best_weight:
                best, best_weight = (cuts[i], cuts[j]), weight
    if best == (0, 0):
        return unit
    # The run goes on while the room holds it: the unit's own next phrases before any other line.
    later = [c for c in cuts if best[1] < c <= best[0] + room]
    best = (best[0], later[-1] if later else best[1])
    return Unit(unit.chunk, unit.start + best[0], unit.start + best[1], unit.rank)


def _cut_into(chosen: list[Unit], cut: Unit | None, chunk: Chunk, room: int) -> int:
    """Append the start of the next line to what is chosen, cut at a word to the room; its length."""
    if cut is None or room < MIN_CUT or cut.start <= chosen[-1].start:
        return 0
    end = chunk.text.rfind(" ", cut.start, cut.start + room)
    if end <= cut.start:
        return 0
    chosen.append(Unit(chunk, cut.start, end, cut.rank))
    return end - cut.start


def _by_group(matches: list[TaskMatch], template: str) -> str:
    """The count of tasks under each group of one plan's table ("Phụ lục › II"), in the plan's order."""
    if len({m.plan.key for m in matches}) > 1:
        return ""
    plan = matches[0].plan
    groups: dict[str, int] = {}
    for m in sorted(matches, key=lambda m: plan.tasks.index(m.task)):
        label = PATH_SEPARATOR.join(m.task.section.split(PATH_SEPARATOR)[:-1])
        groups[label] = groups.get(label, 0) + 1
    headings = {c.label: c.heading for c in plan.clauses if c.label in groups}
    if len(groups) < 2 or len(headings) < len(groups):
        return ""
    return " " + template.format(groups="; ".join(f"{label.split(PATH_SEPARATOR)[-1]}. {clip(headings[label], 60)}: {n}"
                                                  for label, n in groups.items()))


def _by_funding(matches: list[TaskMatch], template: str) -> str:
    """The count of tasks of each kind of funding (FUNDING_SOURCES), each kind named as its first row writes
    it; a cell of no known kind counts as written."""
    kinds: dict[str, list[str]] = {}
    for m in matches:
        cell = " ".join(m.task.funding.split()) or "—"
        kind = next(iter(funding_sources(fold(cell))), fold(cell))
        kinds.setdefault(kind, []).append(cell)
    return " " + template.format(groups="; ".join(f"{clip(cells[0], 60)}: {len(cells)}"
                                                  for cells in sorted(kinds.values(), key=len, reverse=True)))


def place_of(plan: Plan) -> str:
    """The district or province a plan is for, as it writes it."""
    return plan.metadata.district or plan.metadata.province or plan.key


def _names_in(plan: Plan, cited: list[tuple[Clause, Chunk]], names: frozenset[str]) -> list[tuple[str, Chunk]]:
    """The names (`names`) each item or what is under it writes, in the plan's order, each with the item's
    chunk; the plan's own province and district aside."""
    own = {fold(n) for n in (plan.metadata.province, plan.metadata.district) if n}
    texts = {item.path: [item.text] for item, _ in cited}
    depth = len(cited[0][0].path) if cited else 0
    for clause in plan.clauses:  # what is under each item, at any depth, in one pass
        if len(clause.path) > depth and clause.path[:depth] in texts:
            texts[clause.path[:depth]].append(clause.text)
    found: dict[str, Chunk] = {}
    for item, chunk in cited:
        text = " ".join(texts[item.path]) if item.kind != "body" else item.text
        for name in sorted((n for n in names if n in text), key=text.index):
            if fold(name) not in own:
                found.setdefault(name, chunk)
    return list(found.items())


def _item_line(plan: Plan, item: Clause, room: int, expand: bool = False) -> str:
    """An item of a part in one line of at most `room`: its text, or for a heading alone ("1. Các giải
    pháp đột phá") the first line of each clause under it, each cut to its share; `expand`: a bare label
    among them ("1. Mục đích") with what follows it."""
    under = plan.under(item.path)
    text = item.text.strip()
    if "\n" in text or not under:
        parts = [" ".join(line.split()).removeprefix("- ").removeprefix("+ ") for line in text.split("\n")]
        return clip_middle("; ".join(p.rstrip(".") for p in parts if p), room)  # its end often says what
    lines = [_first_line(plan, c, expand) for c in under]
    shares = fair_shares([len(line) for line in lines], room - len(text) - 2 * len(lines) - 2, least=40)
    return clip(f"{text.rstrip(' .:;')}: " + "; ".join(clip_middle(line.rstrip("."), share)
                                                      for line, share in zip(lines, shares)), room)


def _first_line(plan: Plan, clause: Clause, expand: bool) -> str:
    """What a clause under an item says in one line: its first line, or for a bare label ("1. Mục đích"),
    the label and what follows it (its own lines, or the first line of each clause under it)."""
    first, _, rest = clause.text.strip().partition("\n")
    line = " ".join(first.split()).removeprefix("- ").removeprefix("+ ")
    if not expand or len(re.sub(r"^[\w.]{1,5}[.)]\s*", "", line).split()) > BARE_LABEL:
        return line
    following = rest.split("\n") if rest.strip() else [c.text.strip().split("\n", 1)[0] for c in plan.under(clause.path)]
    body = "; ".join(" ".join(x.split()).removeprefix("- ").removeprefix("+ ").rstrip(".") for x in following if x.strip())
    return f"{line.rstrip(' :')}: {body}" if body else line


def full_title(title: str) -> str:
    """The title as the plan's heading reads it: the line "KẾ HOẠCH" above the rest is part of it."""
    if fold(title).startswith("ke hoach"):
        return title
    return f"{'KẾ HOẠCH' if title.isupper() else 'Kế hoạch'} {title}"


def fair_shares(lengths: list[int], room: int, least: int = 0) -> list[int]:
    """Room for each of several texts: an equal share, and what the shorter ones leave to the longer."""
    shares = [0] * len(lengths)
    left = list(range(len(lengths)))
    while left:
        each = max(least, room // len(left))
        short = [i for i in left if lengths[i] <= each]
        if not short:
            for i in left:
                shares[i] = each
            break
        for i in short:
            shares[i] = lengths[i]
            room -= lengths[i]
        left = [i for i in left if i not in short]
    return shares


def _reference(sentence: str) -> str:
    """A sentence citing a document, up to the document's number, date and author ("… ngày 07/9/2015
    của Chính phủ"), without what the document is about."""
    sentence = sentence.strip().rstrip(";,.")
    numbers = list(CITED_NUMBER.finditer(sentence))
    if len(numbers) != 1:  # several documents in one sentence: what each is about is what tells them apart
        return sentence
    about = _ABOUT.search(sentence, numbers[0].end())
    return sentence[:about.start()].rstrip(" ,") if about else sentence


def date_as_written(plan: Plan) -> str | None:
    """"ngày 04 tháng 3 năm 2022" as the plan's letterhead writes it."""
    year, month, day = (plan.metadata.date or "--").split("-")
    pattern = re.compile(rf"ngày\s+0?{int(day)}\s+tháng\s+0?{int(month)}\s+năm\s+{year}", re.I) if year else None
    for clause in plan.clauses[:3]:
        if pattern and (m := pattern.search(clause.original or clause.text)):
            return " ".join(m.group(0).split())
    return None


def _date_words(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"ngày {day} tháng {month} năm {year}"


def clip_middle(text: str, limit: int, names: frozenset[str] = frozenset()) -> str:
    """A task's title cut in its middle: its start says what is done, its end often where or with whom
    ("… tại một số tỉnh Tây Nguyên và tại Myanmar"); a name (`names`) the middle holds is kept in place of
    as much of the end ("… huyện Ko Nhéc, tỉnh Mondulkiri …")."""
    text = " ".join(text.split())
    if len(text) <= limit or limit < MIN_CUT:
        return clip(text, limit)
    tail_room = int(limit * TAIL_SHARE)
    tail = text[len(text) - tail_room:]
    tail = tail[tail.find(" ") + 1:] if " " in tail else tail
    head_room = limit - len(tail) - 2
    middle = text[head_room:len(text) - len(tail)]
    at = min((middle.find(n) for n in names if n in middle), default=-1)
    if at >= 0:
        start = text.rfind(" ", 0, head_room + at) + 1  # from the word before the name ("huyện Ko Nhéc")
        start = text.rfind(" ", 0, start - 1) + 1 if start > head_room else start
        if start > head_room // 2:
            kept = clip(text[start:], tail_room).removesuffix(" …")
            return f"{clip(text, limit - len(kept) - 4).removesuffix(' …')} … {kept} …"
    return f"{clip(text, head_room).removesuffix(' …')} … {tail}"


def clip(text: str, limit: int) -> str:
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


@lru_cache(maxsize=4)
def templates(path: Path = PROMPTS / "offline.toml") -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)
