"""Render the bundled sample plans as real files: PDF (Liberation Serif, page
numbers, a running header, the Đắk Lắk appendix as a ruled table), DOCX (a real
Word table) and an image-only PDF for OCR.

    python -m tests.render_samples OUT_DIR

The tests call `render_plan` to build their fixtures once per session.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ingest import Plan, PlanReader
from ingest.tables import APPENDIX, COLUMN_LABELS

PLANS_DIR = Path(__file__).resolve().parents[1] / "data" / "plans"
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
HEADER = ("STT", COLUMN_LABELS["content"], COLUMN_LABELS["lead"], COLUMN_LABELS["cooperating"],
          COLUMN_LABELS["time"], COLUMN_LABELS["funding"])


def sample_txt(key: str) -> Path:
    return next(PLANS_DIR.glob(f"{key}*.txt"))


def _layout(plan: Plan) -> list[tuple[str, object]]:
    """The plan as a sequence of ("p", text), ("footnote", text), ("table", rows), ("pagebreak", None)."""
    items: list[tuple[str, object]] = []
    footnotes_placed = False
    table_done = False
    for clause in plan.clauses:
        if clause.path[0] == APPENDIX and clause.kind in ("section", "row"):
            if not table_done:
                items.append(("table", _table_rows(plan)))
                table_done = True
            continue
        if clause.kind == "appendix":
            items.append(("pagebreak", None))
        if clause.kind == "section" and clause.path == ("II",) and not footnotes_placed:
            items.extend(("footnote", f"{f.number} {f.text}") for f in plan.footnotes)
            footnotes_placed = True
        items.extend(("p", paragraph) for paragraph in clause.original.split("\n") if paragraph)
    return items


def _table_rows(plan: Plan) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    tasks = {t.section: t for t in plan.tasks if t.source == "appendix"}
    for clause in plan.clauses:
        if clause.path[0] != APPENDIX:
            continue
        if clause.kind == "section":
            rows.append((clause.path[-1], clause.heading))
        elif clause.kind == "row":
            t = tasks[clause.label]
            rows.append((t.row, t.content, t.lead, t.cooperating, t.time, t.funding))
    return rows


def render_pdf(plan: Plan, out: Path) -> Path:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class PlanPDF(FPDF):
        def header(self):
            if self.page_no() > 1:
                self.set_font("Serif", "I", 9)
                self.cell(0, 6, "Kế hoạch ngoại giao văn hóa", align="R")
                self.ln(8)

        def footer(self):
            self.set_y(-15)
            self.set_font("Serif", "", 10)
            self.cell(0, 10, str(self.page_no()), align="C")

    pdf = PlanPDF(format="A4")
    pdf.add_font("Serif", "", str(FONT_DIR / "LiberationSerif-Regular.ttf"))
    pdf.add_font("Serif", "B", str(FONT_DIR / "LiberationSerif-Bold.ttf"))
    pdf.add_font("Serif", "I", str(FONT_DIR / "LiberationSerif-Italic.ttf"))
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for kind, value in _layout(plan):
        if kind == "pagebreak":
            pdf.add_page()
        elif kind == "p":
            pdf.set_font("Serif", "B" if value.isupper() else "", 13)
            pdf.multi_cell(0, 6.5, value, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif kind == "footnote":
            pdf.set_font("Serif", "", 10)
            pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
        elif kind == "table":
            pdf.set_font("Serif", "", 10)
            with pdf.table(col_widths=(8, 50, 26, 26, 20, 25), line_height=5, repeat_headings=1,
                           headings_style=FontFace(emphasis="BOLD")) as table:
                table.row(HEADER)
                for cells in value:
                    row = table.row()
                    if len(cells) == 2:
                        row.cell(cells[0])
                        row.cell(cells[1], colspan=5)
                    else:
                        for cell in cells:
                            row.cell(cell)
    pdf.output(str(out))
    return out


def render_docx(plan: Plan, out: Path) -> Path:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for kind, value in _layout(plan):
        if kind == "pagebreak":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind in ("p", "footnote"):
            document.add_paragraph(value)
        elif kind == "table":
            table = document.add_table(rows=1, cols=len(HEADER))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, HEADER):
                cell.text = text
            for cells in value:
                row = table.add_row().cells
                if len(cells) == 2:
                    row[0].text = cells[0]
                    merged = row[1].merge(row[-1])  # a real merged cell, as in the source table
                    merged.text = cells[1]
                else:
                    for cell, text in zip(row, cells):
                        cell.text = text
    document.save(str(out))
    return out


def render_scan(pdf_path: Path, out: Path, dpi: int = 200) -> Path:
    """An image-only PDF: every page rasterised, no text layer."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(pdf_path))
    images = [page.render(scale=dpi / 72).to_pil().convert("L") for page in pdf]
    pdf.close()
    images[0].save(str(out), save_all=True, append_images=images[1:], resolution=dpi)
    return out


def render_plan(key: str, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    txt = sample_txt(key)
    plan = PlanReader().run(txt)
    stem = txt.stem
    return {
        "txt": txt,
        "pdf": render_pdf(plan, out_dir / f"{stem}.pdf"),
        "docx": render_docx(plan, out_dir / f"{stem}.docx"),
    }


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "rendered")
    for txt in sorted(PLANS_DIR.glob("*.txt")):
        key = txt.stem
        files = render_plan(key, target)
        render_scan(files["pdf"], target / f"{txt.stem}-scan.pdf")
    print(f"rendered into {target}")
