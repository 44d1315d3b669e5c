"""OCR is bounded per file: pages and seconds, and a scan whose first pages are blank is not read to its end."""
from __future__ import annotations

import time

import pypdf
import pytest

from assistant.settings import load_settings
from ingest import IngestError, LoadLimits, PlanReader


@pytest.fixture
def blank_pdf(tmp_path):
    writer = pypdf.PdfWriter()
    for _ in range(20):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "trang-trang.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    return path


def test_a_blank_20_page_pdf_stops_after_its_first_blank_pages(blank_pdf):
    started = time.monotonic()
    with pytest.raises(IngestError, match="no text found") as refused:
        PlanReader(LoadLimits(ocr_blank_pages=3)).run(blank_pdf)
    assert refused.value.source == "trang-trang.pdf"
    assert "first 3 of its 20 pages" in refused.value.reason
    assert time.monotonic() - started < 60  # 3 pages of OCR, not 20


def test_a_scan_over_the_page_bound_is_refused_before_any_ocr(quang_ngai_scan):
    started = time.monotonic()
    with pytest.raises(IngestError) as refused:
        PlanReader(LoadLimits(ocr_max_pages=2)).run(quang_ngai_scan)
    assert refused.value.source == quang_ngai_scan.name
    assert "need OCR, over the limit of 2 pages a file (OCR_MAX_PAGES)" in refused.value.reason
    assert time.monotonic() - started < 10


def test_a_scan_over_the_time_bound_is_stopped_naming_the_bound(quang_ngai_scan):
    started = time.monotonic()
    with pytest.raises(IngestError) as refused:
        PlanReader(LoadLimits(ocr_max_seconds=1)).run(quang_ngai_scan)
    assert refused.value.source == quang_ngai_scan.name
    assert "OCR stopped at 1 s, the limit a file (OCR_MAX_SECONDS)" in refused.value.reason
    assert time.monotonic() - started < 15


def test_the_bounds_are_settings():
    limits = load_settings(ocr_max_pages=7, ocr_max_seconds=60, ocr_blank_pages=2).load_limits
    assert (limits.ocr_max_pages, limits.ocr_max_seconds, limits.ocr_blank_pages) == (7, 60, 2)
    with pytest.raises(ValueError, match="ocr_max_pages"):
        load_settings(ocr_max_pages=0)
