"""Appendix task tables: rows of STT, content, lead, cooperating, time, funding.

Real tables (PDF ruling, Word) arrive as `Table` blocks. Text extraction of a
published PDF often flattens the same table to one cell per line; those runs are
lifted back into `Table` blocks here, so one reader serves both.
"""
from __future__ import annotations

import re

from ingest.normalize import fold_diacritics, normalize_text, normalize_text_lines, original_text
from ingest.records import PATH_SEPARATOR, Clause, Line, Table, TableRow, Task

APPENDIX = "Phụ lục"
COLUMNS = ("content", "lead", "cooperating", "time", "funding")
COLUMN_LABELS = {
    "content": "Nội dung",
    "lead": "Đơn vị chủ trì",
    "cooperating": "Đơn vị phối hợp",
    "time": "Thời gian thực hiện",
    "funding": "Kinh phí thực hiện",
}
# Folded header words -> column; the first match in a header cell wins.
_HEADER_WORDS = (
    ("stt", "row"), ("so tt", "row"), ("noi dung", "content"), ("nhiem vu", "content"),
    ("chu tri", "lead"), ("phoi hop", "cooperating"), ("thoi gian", "time"),
    ("tien do", "time"), ("kinh phi", "funding"), ("nguon", "funding"),
)
_ROMAN = re.compile(r"^(?:[IVXL]{1,5}|H{1,2}I{0,3})$")
_ROW_NUMBER = re.compile(r"^\d{1,3}\.?$")
# A time cell says when: "Thường xuyên", "Trong năm 2024", "Quý II/2024", "Tháng 10/2024".
TIME_CELL = re.compile(
    r"^(?:thuong xuyen|trong nam|hang nam|hàng năm|ca nam|quy [ivx1-4]+|thang \d|nam \d{4}|\d{4}"
    r"|tu thang|tu nam|truoc|den|giai doan|dinh ky|dau nam|cuoi nam|6 thang)"
)
_AGENCY_HEAD = re.compile(
    r"^(?:Sở|Ủy ban|UBND|Văn phòng|Phòng|Ban|Báo|Đài|Hội|Liên hiệp|Công an|Bộ|Trung tâm|Trường"
    r"|Tỉnh|Huyện|Thành|Đoàn|Cục|Chi cục|Các|các|Cơ quan|Viện|Mặt trận)"
)


def column_of(header_cell: str) -> str | None:
    folded = fold_diacritics(normalize_text(header_cell))
    for word, column in _HEADER_WORDS:
        if word in folded:
            return column
    return None


def is_task_header(cells: tuple[str, ...] | list[str]) -> bool:
    columns = {column_of(c) for c in cells if c}
    return {"content", "lead"} <= columns


def lift_flattened_tables(lines: list[Line | Table]) -> list[Line | Table]:
    """Turn a task table flattened to one cell per line back into a Table."""
    blocks: list[Line | Table] = []
    i = 0
    while i < len(lines):
        header_end = None if isinstance(lines[i], Table) else _flattened_header_end(lines, i)
        if header_end is None:
            blocks.append(lines[i])
            i += 1
            continue
        header = TableRow(tuple(original_text(l.text) for l in lines[i:header_end]), lines[i].page)
        rows, i = _flattened_rows(lines, header_end)
        blocks.append(Table(rows=(header, *rows)))
    return blocks


def _flattened_header_end(lines: list[Line], start: int) -> int | None:
    if column_of(lines[start].text) != "row" or len(lines[start].text.strip()) > 8:
        return None
    end = start + 1
    columns = []
    while end < len(lines) and isinstance(lines[end], Line) and len(lines[end].text.strip()) < 40:
        column = column_of(lines[end].text)
        if column is None or column == "row":
            break
        columns.append(column)
        end += 1
    return end if {"content", "lead"} <= set(columns) else None


def _flattened_rows(lines: list[Line], start: int) -> tuple[list[TableRow], int]:
    rows: list[TableRow] = []
    cells: list[str] = []
    page = lines[start].page if start < len(lines) else 1
    i = start
    while i < len(lines) and isinstance(lines[i], Line):
        text = original_text(lines[i].text)
        if not text:
            i += 1
            continue
        if _ROMAN.match(text) or _ROW_NUMBER.match(text):
            if cells:
                rows.append(TableRow(tuple(cells), page))
            cells, page = [text.rstrip(".")], lines[i].page
        elif cells and not _row_complete(cells):
            cells.append(text)
        else:
            break  # text after the last complete row is no longer the table
        i += 1
    if cells:
        rows.append(TableRow(tuple(cells), page))
    return rows, i


def _row_complete(cells: list[str]) -> bool:
    if _ROMAN.match(cells[0]):
        return len(cells) >= 2
    times = [k for k, c in enumerate(cells) if k >= 2 and _is_time(c)]
    return bool(times) and len(cells) > times[0] + 1


def _is_time(cell: str) -> bool:
    return bool(TIME_CELL.match(fold_diacritics(cell)))


def read_task_table(table: Table, index_start: int = 0) -> tuple[list[Clause], list[Task]]:
    """Sections and task rows of an appendix table, as clauses and tasks."""
    header: list[str | None] | None = None
    clauses: list[Clause] = []
    tasks: list[Task] = []
    section = ""
    for row in _merge_split_rows(table.rows):
        cells = [original_text(c or "") for c in row.cells]
        if is_task_header(cells):
            header = [column_of(c) for c in cells]
            continue
        if header is None or not any(cells):
            continue
        number = _row_label(cells)
        filled = [c for c in cells if c]
        if _ROMAN.match(number) and len(filled) <= 2:
            section = _roman(number)
            title = next((c for c in filled[1:]), "")
            clauses.append(_clause((APPENDIX, section), "section", title, title, row.page,
                                   index_start + len(clauses)))
            continue
        if not _ROW_NUMBER.match(number):
            continue
        fields = _assign_columns(cells, header)
        path = (APPENDIX, section, number) if section else (APPENDIX, number)
        task = Task(
            content=normalize_text(fields["content"]),
            lead=fields["lead"],
            cooperating=fields["cooperating"],
            time=fields["time"],
            funding=fields["funding"],
            section=PATH_SEPARATOR.join(path),
            row=number,
            page=row.page,
            source="appendix",
            lead_agencies=split_agencies(fields["lead"]),
            cooperating_agencies=split_agencies(fields["cooperating"]),
        )
        tasks.append(task)
        original = row_text(number, fields)
        clauses.append(_clause(path, "row", normalize_text(fields["content"]), original, row.page,
                               index_start + len(clauses)))
    return clauses, tasks


def row_text(number: str, fields: dict[str, str]) -> str:
    parts = [f"{number}. {fields['content']}"]
    parts += [f"{COLUMN_LABELS[c]}: {fields[c]}" for c in COLUMNS[1:] if fields[c]]
    return "\n".join(parts)


def _clause(path, kind, heading, original, page, index) -> Clause:
    return Clause(path=tuple(path), kind=kind, heading=normalize_text(heading),
                  text=normalize_text_lines(original), original=original, pages=[page], index=index)


def _merge_split_rows(rows: tuple[TableRow, ...]) -> list[TableRow]:
    """A row broken by a page break arrives as a row with no STT, often after the
    header repeated on the new page: glue it onto the last real row."""
    merged: list[TableRow] = []
    last_row: int | None = None
    for row in rows:
        cells = tuple(c or "" for c in row.cells)
        if is_task_header(cells):
            if not any(is_task_header(r.cells) for r in merged):
                merged.append(TableRow(cells, row.page))
            continue
        if last_row is not None and not cells[0].strip() and any(cells):
            previous = merged[last_row]
            if len(previous.cells) == len(cells):
                joined = tuple(" ".join(p for p in (a, b) if p.strip()) for a, b in zip(previous.cells, cells))
                merged[last_row] = TableRow(joined, previous.page)
                continue
        merged.append(TableRow(cells, row.page))
        last_row = len(merged) - 1
    return merged


def _row_label(cells: list[str]) -> str:
    return cells[0].strip().rstrip(".") if cells else ""


def _roman(numeral: str) -> str:
    # OCR reads III as HI or HII.
    return numeral.replace("H", "I") if numeral.startswith("H") else numeral


def _assign_columns(cells: list[str], header: list[str | None]) -> dict[str, str]:
    fields = dict.fromkeys(COLUMNS, "")
    if len(cells) == len(header):
        for column, cell in zip(header, cells):
            if column in fields:
                fields[column] = cell
        return fields
    # Flattened rows lose empty cells, so columns shift: the time cell, which
    # says when, tells which agency cells came before it.
    body = cells[1:]
    fields["content"] = body[0] if body else ""
    rest = body[1:]
    time_at = next((k for k, c in enumerate(rest) if _is_time(c)), None)
    if time_at is None:
        agencies, tail = rest[:2], rest[2:]
    else:
        agencies, tail = rest[:time_at], rest[time_at:]
    if agencies:
        fields["lead"] = agencies[0]
        fields["cooperating"] = "; ".join(agencies[1:])
    if tail:
        fields["time"] = tail[0] if time_at is not None else ""
        fields["funding"] = " ".join(tail[1:]) if time_at is not None else " ".join(tail)
    return fields


def split_agencies(cell: str) -> list[str]:
    """The individual agencies in a cell ("Sở Ngoại vụ; Sở Văn hóa, Thể thao và Du lịch; ...")."""
    text = normalize_text(cell).rstrip(".")
    if not text:
        return []
    # Commas inside a name ("Sở Văn hóa, Thể thao và Du lịch") are not separators:
    # a part that does not start like an agency name belongs to the previous one.
    agencies: list[str] = []
    for part in re.split(r"\s*;\s*|\s*,\s*", text):
        if not part:
            continue
        for piece in re.split(r"\s+và\s+(?=(?:các|Các|Sở|UBND|Ủy ban|Hội|Liên hiệp|Phòng|Ban|Văn phòng)\b)", part):
            if agencies and not _AGENCY_HEAD.match(piece):
                agencies[-1] = f"{agencies[-1]}, {piece}"
            else:
                agencies.append(piece)
    return agencies
