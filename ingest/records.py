"""Typed records that carry a plan from its file to the index.

file -> SourceDocument (lines and tables with pages) -> Plan (clauses, tasks, metadata).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

PATH_SEPARATOR = " › "
# Raised when a change to the reading rules changes what a file becomes (2: a responsibility item's duties
# stop at the next item even when the plan numbers two items alike).
READER_VERSION = 2


class IngestError(Exception):
    """A file that cannot become a Plan; the message names the file and the reason."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class Line:
    """One line of text as a loader found it, with the page it sits on (1-based)."""

    text: str
    page: int


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    page: int


@dataclass(frozen=True)
class Table:
    """A real table (PDF ruling lines, Word table): rows of cells in reading order."""

    rows: tuple[TableRow, ...]


Block = Line | Table


@dataclass
class SourceDocument:
    """What a loader read: body-order blocks, before any interpretation."""

    name: str
    blocks: list[Block]
    page_count: int
    kind: str  # pdf, docx, txt, scan


@dataclass
class Clause:
    """One node of a plan's heading ladder (I. / 1. / 1.1. / a) / - / +, appendix rows).

    `text` is normalised (NFC, one tone-placement convention, lines rejoined);
    `original` keeps the plan's own spelling for quoting.
    """

    path: tuple[str, ...]
    kind: str  # preamble, section, item, subitem, letter, bullet, group, row, appendix, closing
    heading: str
    text: str
    original: str
    pages: list[int]
    index: int = 0  # position in the plan, keeps repeated numbering (two `9.`) apart

    @property
    def label(self) -> str:
        return PATH_SEPARATOR.join(self.path)

    @property
    def page(self) -> int:
        return self.pages[0] if self.pages else 1


@dataclass
class Task:
    """An assignment of work: who leads, who cooperates, when, with what funding."""

    content: str
    lead: str  # cell text as written
    cooperating: str
    time: str
    funding: str
    section: str  # clause path label, e.g. "Phụ lục › II › 10"
    row: str  # STT / item number as written
    page: int
    source: str  # appendix, assignment, responsibility
    lead_agencies: list[str] = field(default_factory=list)
    cooperating_agencies: list[str] = field(default_factory=list)


@dataclass
class Footnote:
    number: str
    text: str
    page: int


@dataclass
class PlanMetadata:
    """What the plan says about itself; a field is None when the text does not give it."""

    title: str | None = None
    issuer: str | None = None
    number: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    place: str | None = None
    province: str | None = None
    district: str | None = None
    year: int | None = None  # the year a yearly plan covers
    horizon: int | None = None  # the strategy's target year ("đến năm 2030")
    signer: str | None = None
    signer_title: str | None = None


@dataclass
class Plan:
    document: str  # file name
    kind: str
    page_count: int
    metadata: PlanMetadata
    clauses: list[Clause]
    tasks: list[Task]
    footnotes: list[Footnote] = field(default_factory=list)
    reader: int = READER_VERSION  # which reading rules made it: a plan read by older ones is read again

    @property
    def key(self) -> str:
        return self.document.rsplit(".", 1)[0]

    def under(self, path: tuple[str, ...]) -> list[Clause]:
        """The clauses one level under the clause at `path` (the plan's top level for ()), in order."""
        depth = len(path)
        return [c for c in self.clauses if len(c.path) == depth + 1 and c.path[:depth] == path]

    def clause(self, label: str) -> Clause:
        for clause in self.clauses:
            if clause.label == label:
                return clause
        raise KeyError(label)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        return cls(
            document=data["document"],
            kind=data["kind"],
            page_count=data["page_count"],
            metadata=PlanMetadata(**data["metadata"]),
            clauses=[Clause(**{**c, "path": tuple(c["path"])}) for c in data["clauses"]],
            tasks=[Task(**t) for t in data["tasks"]],
            footnotes=[Footnote(**f) for f in data.get("footnotes", [])],
            reader=data.get("reader", 0),
        )
