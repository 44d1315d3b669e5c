"""The heading ladder of a plan (I. / 1. / 1.1. / a) / - / +, appendix rows) as a tree of clauses."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.normalize import Paragraph, normalize_text, normalize_text_lines
from ingest.records import Clause, Table, Task
from ingest.tables import APPENDIX, is_task_header, read_task_table

PREAMBLE = "Phần mở đầu"
CLOSING = "Nơi nhận"

_ROMAN = re.compile(r"^(?P<n>[IVXL]{1,5}|H{1,2}I{0,3}|Il|lI)\.\s*(?P<rest>.*)$")
_DECIMAL = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2}){1,2})\.?\s*(?P<rest>[^\d\s].*)$")
_NUMBER = re.compile(r"^(?P<n>\d{1,2})\.\s*(?P<rest>\S.*)$")
_LETTER = re.compile(r"^(?P<n>[a-zđ])\)\s*(?P<rest>\S.*)$")
_BULLET = re.compile(r"^(?P<n>[-–•*+])\s*(?P<rest>\S.*)$")
_GROUP = re.compile(r"^Từ mục\s+(?P<a>\w)\s+đến mục\s+(?P<b>\w)\b", re.I)
VIETNAMESE_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_RANK = {"section": 1, "item": 2, "subitem": 3, "letter": 5, "group": 5, "bullet": 6, "plus": 7}


@dataclass
class _Open:
    rank: int
    clause: Clause
    last_child: dict[str, str] = field(default_factory=dict)  # marker kind -> last number seen
    bullets: dict[str, int] = field(default_factory=dict)


def build_clauses(items: list[Paragraph | Table]) -> tuple[list[Clause], list[Task]]:
    """Clauses in document order (each holds its own paragraphs, not its children's),
    and the task rows of appendix tables."""
    builder = _TreeBuilder()
    for item in items:
        if isinstance(item, Table):
            builder.add_table(item)
        else:
            builder.add(item)
    return builder.clauses, builder.tasks


class _TreeBuilder:
    def __init__(self):
        self.clauses: list[Clause] = []
        self.stack: list[_Open] = []
        self.root = _Open(0, self._new((PREAMBLE,), "preamble", PREAMBLE, None))
        self.mode = "body"  # body, closing, appendix
        self.tasks: list[Task] = []

    def _new(self, path, kind, heading, paragraph: Paragraph | None) -> Clause:
        clause = Clause(path=tuple(path), kind=kind, heading=normalize_text(heading), text="", original="",
                        pages=[], index=len(self.clauses))
        self.clauses.append(clause)
        if paragraph is not None:
            _append(clause, paragraph)
        return clause

    @property
    def current(self) -> _Open:
        return self.stack[-1] if self.stack else self.root

    def add(self, paragraph: Paragraph) -> None:
        text = paragraph.text
        if text.upper().startswith("PHỤ LỤC") and self.mode != "appendix":
            self.mode = "appendix"
            self.root = _Open(0, self._new((APPENDIX,), "appendix", text, paragraph))
            self.stack = []
            return
        if text.startswith("Nơi nhận") and self.mode == "body":
            self.mode = "closing"
            self.root = _Open(0, self._new((CLOSING,), "closing", CLOSING, paragraph))
            self.stack = []
            return
        if self.mode == "closing":
            _append(self.root.clause, paragraph)
            return
        marker = self._marker(text)
        if marker is None:
            _append(self.current.clause, paragraph)
            return
        kind, number, rest = marker
        rank = _RANK[kind]
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()
        parent = self.current
        if kind in ("bullet", "plus"):
            count = parent.bullets.get(kind, 0) + 1
            parent.bullets[kind] = count
            segment = f"{'+' if kind == 'plus' else '-'}{count}"
            heading = _heading_of(rest)
        elif kind == "group":
            segment = number
            heading = text.rstrip(":")
        else:
            segment = number
            heading = _heading_of(rest)
            parent.last_child[kind] = number
        path = (*parent.clause.path, segment) if parent.rank > 0 or self.mode == "appendix" else (segment,)
        clause = self._new(path, "bullet" if kind == "plus" else kind, heading, paragraph)
        self.stack.append(_Open(rank, clause))

    def add_table(self, table: Table) -> None:
        header = next((row.cells for row in table.rows[:3] if is_task_header(row.cells)), None)
        if header is None:
            for row in table.rows:
                cells = [c for c in row.cells if c and c.strip()]
                if cells:
                    self.add(Paragraph(" | ".join(cells), [row.page]))
            return
        if self.mode != "appendix":
            self.mode = "appendix"
            self.root = _Open(0, self._new((APPENDIX,), "appendix", APPENDIX, None))
        clauses, tasks = read_task_table(table, index_start=len(self.clauses))
        self.clauses.extend(clauses)
        self.tasks.extend(tasks)
        self.stack = []

    def _marker(self, text: str) -> tuple[str, str, str] | None:
        """Which rung of the ladder a paragraph starts, if any; cross-references are not headings."""
        if m := _ROMAN.match(text):
            rest = m.group("rest")
            if rest and _mostly_upper(rest.split("(")[0]):
                return "section", self._section_number(m.group("n")), rest
        if m := _GROUP.match(text):
            return "group", self._group_span(m.group("a"), m.group("b")), text
        if m := _DECIMAL.match(text):
            number = m.group("n")
            parent_number = number.rsplit(".", 1)[0]
            item = self._open_number("item")
            if item is None or item == parent_number.split(".")[0]:
                return "subitem", number, m.group("rest")
        if m := _NUMBER.match(text):
            number = m.group("n")
            if self._plausible_next(int(number)):
                return "item", number, m.group("rest")
        if m := _LETTER.match(text):
            return "letter", m.group("n"), m.group("rest")
        if m := _BULLET.match(text):
            return ("plus" if m.group("n") == "+" else "bullet"), "", m.group("rest")
        return None

    def _section_number(self, written: str) -> str:
        """Roman section numbers run I, II, III...; OCR reads II as H and III as II or HI."""
        last = self.root.last_child.get("section")
        expected = _ROMAN_NUMERALS[_ROMAN_NUMERALS.index(last) + 1] if last in _ROMAN_NUMERALS[:-1] else "I"
        number = written
        if written != expected and (written == last or any(c in written for c in "Hl1")):
            number = expected
        self.root.last_child["section"] = number
        return number

    def _group_span(self, first: str, last: str) -> str:
        """`Từ mục a đến mục đ`: the group closes the lettered items just listed."""
        seen = self._open_number("letter")
        first = first.lower()
        last = last.lower()
        if last not in VIETNAMESE_LETTERS and seen:
            last = seen  # OCR turns đ into ở
        return f"{first}–{last}"

    def _open_number(self, kind: str) -> str | None:
        for entry in reversed(self.stack):
            if entry.clause.kind == kind:
                return entry.clause.path[-1]
        return None

    def _plausible_next(self, n: int) -> bool:
        # Under the open section, item numbers run 1, 2, 3...; a repeated or one
        # skipped number is real (Gia Lai has two `9.`); anything else is text.
        section = next((e for e in reversed(self.stack) if e.rank < _RANK["item"]), self.root)
        last = section.last_child.get("item")
        if last is None:
            return n <= 2
        return int(last) <= n <= int(last) + 2 or n == 1


def _append(clause: Clause, paragraph: Paragraph) -> None:
    clause.original = f"{clause.original}\n{paragraph.text}" if clause.original else paragraph.text
    clause.text = normalize_text_lines(clause.original)
    for page in paragraph.pages:
        if page not in clause.pages:
            clause.pages.append(page)


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.6 * len(letters)


def _heading_of(rest: str) -> str:
    """The heading of a numbered clause: text before a colon, else its first clause."""
    rest = rest.strip()
    head, colon, _ = rest.partition(":")
    if colon and len(head) <= 120:
        return head.strip()
    if len(rest) <= 120:
        return rest.rstrip(".;")
    cut = rest[:120].rsplit(" ", 1)[0]
    return f"{cut}…"
