"""An image-only PDF goes through Tesseract (vie) and keeps the plan's structure."""


def test_scanned_pdf_is_read_by_ocr_with_its_structure(reader, quang_ngai_scan, txt_plans):
    plan = reader.run(quang_ngai_scan)
    source = txt_plans["quang-ngai-2018"]
    assert plan.kind == "scan"
    # OCR reads II. as "H." and đ as "ở" here; the ladder still comes out right.
    assert [c.label for c in plan.clauses] == [c.label for c in source.clauses]
    assert [(t.section, t.lead) for t in plan.tasks] == [(t.section, t.lead) for t in source.tasks]
    assert plan.metadata.year == 2018
    assert "Champask và Attapeu" in plan.clause("II › 2 › e").text
