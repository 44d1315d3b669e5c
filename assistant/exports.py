"""CSV and XLSX exports a spreadsheet cannot run.

Cells come from readers (feedback) and from uploaded plans (tasks), so a cell such as
`=HYPERLINK(...)` or `=cmd|' /C calc'!A0` must reach Excel or LibreOffice as text. OWASP's rule:
a text cell that begins with `=`, `+`, `-`, `@`, tab or carriage return gets a leading single quote.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet would read as a formula, quoted; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cells(rows: Iterable[dict], columns: Sequence[str]) -> list[list]:
    return [[neutralise(row.get(column, "")) for column in columns] for row in rows]


def csv_text(rows: Iterable[dict], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(_cells(rows, columns))
    return out.getvalue()


def write_csv(path: Path, rows: Iterable[dict], columns: Sequence[str]) -> Path:
    # The BOM lets Excel read Vietnamese.
    Path(path).write_text(csv_text(rows, columns), encoding="utf-8-sig")
    return Path(path)


def write_xlsx(path: Path, rows: Iterable[dict], columns: Sequence[str]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for cells in _cells(rows, columns):
        # Control characters XLSX cannot hold would make openpyxl refuse the whole file.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in cells])
    book.save(path)
    return Path(path)
