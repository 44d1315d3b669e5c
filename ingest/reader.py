"""The ingest stage: a file becomes a Plan (clauses, tasks, metadata)."""
from __future__ import annotations

from itertools import groupby
from pathlib import Path

from ingest.loaders import LoadLimits, load
from ingest.metadata import read_metadata
from ingest.normalize import Paragraph, drop_cell_borders, drop_page_furniture, join_lines
from ingest.records import Footnote, IngestError, Line, Plan, SourceDocument, Table
from ingest.structure import build_clauses
from ingest.tables import lift_flattened_tables
from ingest.tasks import assignment_tasks, responsibility_tasks


class PlanReader:
    """Reads plan files; `run(path)` returns a Plan or raises IngestError naming the file."""

    def __init__(self, limits: LoadLimits | None = None):
        self.limits = limits or LoadLimits()

    def run(self, path: str | Path) -> Plan:
        return parse(load(Path(path), self.limits))


def parse(source: SourceDocument) -> Plan:
    lines = [b for b in source.blocks if isinstance(b, Line)]
    kept = set(map(id, drop_page_furniture(lines, source.page_count)))
    blocks = _merge_adjacent_tables(lift_flattened_tables(drop_cell_borders(
        [b for b in source.blocks if isinstance(b, Table) or id(b) in kept])))
    items: list[Paragraph | Table] = []
    footnotes: list[Footnote] = []
    for is_table, run in groupby(blocks, key=lambda b: isinstance(b, Table)):
        if is_table:
            items.extend(run)
        else:
            paragraphs, notes = join_lines(list(run))
            items.extend(paragraphs)
            footnotes.extend(notes)
    if not any(isinstance(i, Table) or i.text.strip() for i in items):
        raise IngestError(source.name, "no text found in the document")
    clauses, table_tasks = build_clauses(items)
    tasks = table_tasks + assignment_tasks(clauses) + responsibility_tasks(clauses)
    full_text = "\n".join(c.text for c in clauses)
    return Plan(
        document=source.name,
        kind=source.kind,
        page_count=source.page_count,
        metadata=read_metadata(clauses, full_text),
        clauses=clauses,
        tasks=tasks,
        footnotes=footnotes,
    )


def _merge_adjacent_tables(blocks: list[Line | Table]) -> list[Line | Table]:
    """A table that runs over several pages arrives as one table per page: join them."""
    merged: list[Line | Table] = []
    for block in blocks:
        if isinstance(block, Table) and merged and isinstance(merged[-1], Table):
            merged[-1] = Table(rows=merged[-1].rows + block.rows)
        else:
            merged.append(block)
    return merged
