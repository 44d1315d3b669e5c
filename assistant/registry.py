"""The task registry queried as data: the plans' tasks filtered by agency (as lead or cooperating agency),
by month or quarter, by partner country and by plan, ranked by how well they match the question's words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.evidence import Evidence
from assistant.profile import Profile
from assistant.vocabulary import REGULARLY, country_named, fold, folded_words, months_of, plays, without_provinces
from ingest.normalize import normalize_text
from ingest.records import PATH_SEPARATOR
from index.chunks import Chunk, smallest_holding
from ingest import Plan, Task

TASK_SOURCES = ("appendix", "assignment")  # rows of work; responsibility clauses are an agency's duties
CLOSE_TO_BEST = 0.85  # tasks matching the question nearly as well as the best one are listed with it
MAX_TASKS = 12


@dataclass(frozen=True)
class TaskMatch:
    plan: Plan
    task: Task
    chunk: Chunk  # the chunk that holds the task: what its line cites
    score: float


def role_asked(profile: Profile) -> str:
    """lead, cooperating, or any: the part an agency named in the question plays in the tasks wanted."""
    if profile.slot == "cooperating" or re.search(r"phoi hop|cooperat|support|help|assist", profile.folded):
        return "cooperating"
    if profile.slot == "lead" or re.search(r"chu tri|\blead|in charge", profile.folded):
        return "lead"
    return "any"


def country_in(country: str, text: str, as_written: bool = False) -> bool:
    """The country is named in the text as a question would name it (country_named), or as half of a
    pair in an activity's title ("Việt - Hàn" for Hàn Quốc). `as_written`: the text is a plan's, written
    with diacritics, so "Lao" of "Phòng Lao động" is not Lào."""
    if as_written:
        if re.search(rf"(?<!\w){re.escape(normalize_text(country))}(?!\w)", without_provinces(normalize_text(text))):
            return True
    elif country_named(country, text):
        return True
    first = re.escape(country.split()[0])
    return bool(re.search(rf"\bViệt\s*-\s*{first}\b|\b{first}\s*-\s*Việt\b", text))


# Where a task is held ("tại tỉnh Mondulkiri, Vương quốc Campuchia") or where a delegation goes ("Tổ chức đoàn
# đi sơ kết ... Hội hữu nghị Lào - Việt Nam tỉnh Sê Kông").
_VENUE = re.compile(r"\btại\s+([^;.()]{1,60})|\bđoàn\s+(?:công tác\s+)?đi\b([^;.()]{1,150})", re.I)


def held_abroad(text: str, countries: tuple[str, ...]) -> bool:
    """The task takes place in another country: where it is held, or where its delegation goes, names a
    partner country (`countries`, in Vietnamese) or says "nước ngoài"."""
    for m in _VENUE.finditer(text):
        place = m.group(1) or m.group(2)
        if re.match(r"\s*nước ngoài", place, re.I) or any(country_in(c, place, as_written=True) for c in countries):
            return True
    return False


class Registry:
    def __init__(self, chunks_of, places: frozenset[str], countries: tuple[str, ...] = ()):
        """`countries`: the partner countries the glossary knows, in Vietnamese (a task abroad names one)."""
        self.chunks_of = chunks_of  # plan key -> its chunks
        self.places = places
        self.countries = countries

    def filtered(self, profile: Profile, plans: list[Plan], evidence: Evidence) -> list[TaskMatch]:
        """Every task of these plans that passes the question's filters, best match first."""
        role = role_asked(profile)
        countries = frozenset(w for c in profile.countries for w in folded_words(c))
        found = []
        for plan in plans:
            for task in plan.tasks:
                if task.source not in TASK_SOURCES:
                    continue
                if profile.agencies and not self._agency_plays(task, profile, role):
                    continue
                if profile.time and not _in_time(task, profile):
                    continue
                if profile.funding and profile.funding not in fold(task.funding):
                    continue
                if profile.section and not _in_part(task.section, profile.section):
                    continue
                if profile.countries and not any(country_in(c, f"{task.content} {task.lead} {task.cooperating}")
                                                 for c in profile.countries):
                    continue
                if profile.abroad and not held_abroad(task.content, profile.countries or self.countries):
                    continue
                chunk = self.chunk_of(plan, task)
                if chunk is not None:
                    found.append(TaskMatch(plan, task, chunk, evidence.coverage(_task_text(task), ignore=countries)))
        found.sort(key=lambda m: (-m.score, m.plan.key, m.task.page))
        return found

    def best(self, profile: Profile, plans: list[Plan], evidence: Evidence, held: list[Chunk]) -> list[TaskMatch]:
        """The tasks a who / when / funding question is about: those matching its words nearly as well as
        the best one; tasks in the retrieved chunks get a head start."""
        ranked = self._ranked(profile, plans, evidence, held)
        if not ranked or ranked[0][0] <= 0:
            return []
        return [m for s, m in ranked if s >= CLOSE_TO_BEST * ranked[0][0]][:MAX_TASKS]

    def best_per_plan(self, profile: Profile, plans: list[Plan], evidence: Evidence, held: list[Chunk],
                      close: float) -> list[TaskMatch]:
        """`best` within each plan whose best task is at least `close` of the best of all: a question
        naming no plan is answered by every plan that has the task."""
        ranked = self._ranked(profile, plans, evidence, held)
        if not ranked or ranked[0][0] <= 0:
            return []
        by_plan: dict[str, list[tuple[float, TaskMatch]]] = {}
        for score, match in ranked:
            by_plan.setdefault(match.plan.key, []).append((score, match))
        return [m for found in by_plan.values() if found[0][0] >= close * ranked[0][0]
                for s, m in found if s >= CLOSE_TO_BEST * found[0][0]][:MAX_TASKS]

    def _ranked(self, profile: Profile, plans: list[Plan], evidence: Evidence,
                held: list[Chunk]) -> list[tuple[float, TaskMatch]]:
        """Matches by score, those in the retrieved chunks with a head start, best first; when the question's
        words cannot be read, by that head start alone."""
        ranked = []
        for m in self.filtered(profile, plans, evidence):
            rank = next((i for i, c in enumerate(held) if c.holds(m.task.section)), None)
            bonus = 0.0 if rank is None else 0.25 * (1 - 0.15 * min(rank, 5))
            ranked.append((bonus if evidence.blind else m.score + bonus, m))
        ranked.sort(key=lambda sm: -sm[0])
        return ranked

    def _agency_plays(self, task: Task, profile: Profile, role: str) -> bool:
        fields = {"lead": [task.lead, *task.lead_agencies],
                  "cooperating": [task.cooperating, *task.cooperating_agencies]}
        wanted = [fields[role]] if role != "any" else list(fields.values())
        return any(plays(agency, value, self.places)
                   for agency in profile.agencies for values in wanted for value in values if value)

    def chunk_of(self, plan: Plan, task: Task) -> Chunk | None:
        """The smallest chunk that holds the task: what its line cites."""
        return smallest_holding(self.chunks_of(plan.key), task.section)


def close_to_best(matches: list[TaskMatch]) -> list[TaskMatch]:
    """The matches (best first) that the question's words fit nearly as well as the best one: of the tasks
    with a partner country, all of them, unless other words single some out ("Tết Bun Pi May" of Laos)."""
    top = matches[0].score if matches else 0.0
    return [m for m in matches if top <= 0 or m.score >= CLOSE_TO_BEST * top][:MAX_TASKS]


def _task_text(task: Task) -> str:
    return f"{task.content} {task.lead} {task.cooperating}"


def _in_time(task: Task, profile: Profile) -> bool:
    if not profile.time.months:  # "thường xuyên": the tasks done all year round
        return fold(REGULARLY) in fold(task.time)
    months = months_of(task.time)
    if not months or not months & profile.time.months:
        return False
    years = {int(y) for y in re.findall(r"20\d\d", task.time)}
    return not (profile.time.year and years and profile.time.year not in years)


def _in_part(section: str, part: tuple[str, ...]) -> bool:
    label = PATH_SEPARATOR.join(part)
    return section == label or section.startswith(label + PATH_SEPARATOR)
