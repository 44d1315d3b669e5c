"""Assignments of work written in the body of a plan, as Task records.

Two shapes besides the appendix table:
- `- Cơ quan chủ trì: ...` / `- Cơ quan phối hợp: ...` lines after an item, or
  after a group of items (`Từ mục a đến mục đ:`), as in the Quảng Ngãi plan;
- the responsibility section (`TỔ CHỨC THỰC HIỆN`), where each numbered
  heading names an agency and lists its duties.
"""
from __future__ import annotations

import re

from ingest.normalize import fold_diacritics, normalize_text
from ingest.records import Clause, Task
from ingest.structure import VIETNAMESE_LETTERS
from ingest.tables import split_agencies

_LEAD = re.compile(r"^(?:Cơ quan|Đơn vị)\s+(?:chủ trì|thực hiện)\s*:\s*(?P<who>.+)$", re.I)
_COOPERATING = re.compile(r"^(?:Cơ quan|Đơn vị)\s+phối hợp\s*:\s*(?P<who>.+)$", re.I)
AGENCY_START = re.compile(
    r"^(?:Sở|Ủy ban|UBND|Văn phòng|Phòng|Ban|Báo|Đài|Hội|Liên hiệp|Công an|Bộ Chỉ huy|Trung tâm"
    r"|Các sở|Các ban|Các cơ quan|Thanh tra|Cục|Chi cục|Viện|Trường|Huyện đoàn|Tỉnh đoàn|Đoàn)"
)
_DUTY_VERB = re.compile(
    r"\s+(?:căn cứ|tổng hợp|chủ trì|chủ động|có trách nhiệm|phối hợp|tham mưu|theo dõi|xây dựng"
    r"|thực hiện|làm việc|triển khai|báo cáo|hướng dẫn)\b"
)


def assignment_tasks(clauses: list[Clause]) -> list[Task]:
    tasks = []
    for i, clause in enumerate(clauses):
        lead = _LEAD.match(_bullet_text(clause))
        if clause.kind != "bullet" or lead is None:
            continue
        parent_path = clause.path[:-1]
        cooperating = ""
        for sibling in clauses[i + 1:i + 3]:
            if sibling.path[:-1] == parent_path and (m := _COOPERATING.match(_bullet_text(sibling))):
                cooperating = m.group("who").strip().rstrip(".")
                break
        who = lead.group("who").strip().rstrip(".")
        for target in _targets(clauses, parent_path):
            tasks.append(Task(
                content=_content_of(target),
                lead=who,
                cooperating=cooperating,
                time="",
                funding="",
                section=target.label,
                row=target.path[-1],
                page=target.page,
                source="assignment",
                lead_agencies=split_agencies(who),
                cooperating_agencies=split_agencies(cooperating),
            ))
    return tasks


def responsibility_tasks(clauses: list[Clause]) -> list[Task]:
    tasks = []
    sections = [c for c in clauses if c.kind == "section" and "to chuc thuc hien" in fold_diacritics(c.heading)]
    for section in sections:
        depth = len(section.path)
        for position, clause in enumerate(clauses):
            if clause.kind != "item" or clause.path[:depth] != section.path or len(clause.path) != depth + 1:
                continue
            # The heading line only: the next line of the item begins its duties ("6. Sở Tài chính\nHàng năm, ...").
            agency = agency_in_heading(_content_of(clause, keep_lines=True).split("\n", 1)[0].split(":")[0])
            if agency is None:
                continue
            # What follows the heading, up to the next item: a plan may number two items alike ("9." twice).
            duties = [clause]
            for later in clauses[position + 1:]:
                if later.path[:len(clause.path)] != clause.path or later.path == clause.path:
                    break
                duties.append(later)
            tasks.append(Task(
                content="\n".join(c.text for c in duties),
                lead=agency,
                cooperating="",
                time="",
                funding="",
                section=clause.label,
                row=clause.path[-1],
                page=clause.page,
                source="responsibility",
                lead_agencies=split_agencies(agency),
            ))
    return tasks


def agency_in_heading(heading: str) -> str | None:
    """The agency a responsibility heading names.

    "Sở Tài chính căn cứ dự toán..." -> "Sở Tài chính"; "Kinh phí" -> None.
    """
    text = re.sub(r"^Đề nghị\s+", "", normalize_text(heading)).rstrip(":.…")
    if m := _DUTY_VERB.search(text):
        text = text[:m.start()]
    text = text.strip(" ,;")
    return text if AGENCY_START.match(text) else None


def _bullet_text(clause: Clause) -> str:
    return re.sub(r"^[-–•*+]\s*", "", clause.text.split("\n", 1)[0])


def _targets(clauses: list[Clause], parent_path: tuple[str, ...]) -> list[Clause]:
    parent = next((c for c in clauses if c.path == parent_path), None)
    if parent is None:
        return []
    if parent.kind != "group":
        return [parent]
    first, last = parent.path[-1].split("–")
    span = VIETNAMESE_LETTERS[VIETNAMESE_LETTERS.index(first):VIETNAMESE_LETTERS.index(last) + 1]
    return [c for c in clauses
            if c.kind == "letter" and c.path[:-1] == parent_path[:-1] and c.path[-1] in span]


def _content_of(target: Clause, keep_lines: bool = False) -> str:
    text = target.text if keep_lines else target.text.replace("\n", " ")
    return re.sub(r"^(?:[a-zđ]\)|\d{1,2}(?:\.\d{1,2})*\.)\s*", "", text)
