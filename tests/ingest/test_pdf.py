import pytest

from tests.conftest import SAMPLE_KEYS


def clause_signature(plan):
    return [(c.label, c.kind, c.heading, " ".join(c.text.split())) for c in plan.clauses]


@pytest.mark.parametrize("key", SAMPLE_KEYS)
def test_pdf_gives_the_same_clauses_as_txt(reader, rendered, txt_plans, key):
    plan = reader.run(rendered[key]["pdf"])
    assert plan.kind == "pdf"
    assert clause_signature(plan) == clause_signature(txt_plans[key])
    assert [(t.section, t.lead, t.cooperating) for t in plan.tasks] == \
        [(t.section, t.lead, t.cooperating) for t in txt_plans[key].tasks]


def test_pdf_pages_are_kept_and_page_furniture_dropped(reader, rendered):
    plan = reader.run(rendered["hai-duong"]["pdf"])
    assert plan.page_count > 5
    pages = [p for c in plan.clauses for p in c.pages]
    assert pages == sorted(pages) or max(pages) == plan.page_count
    assert plan.clause("I").page == 1
    assert plan.clause("V › 12").page >= plan.page_count - 1
    # The running header and the footer page numbers are in no clause.
    assert not any("Kế hoạch ngoại giao văn hóa" == line for c in plan.clauses for line in c.text.split("\n"))
    assert not any(line.strip().isdigit() for c in plan.clauses for line in c.text.split("\n"))


def test_pdf_appendix_rows_keep_their_pages(reader, rendered):
    plan = reader.run(rendered["dak-lak-2024"]["pdf"])
    pages = [t.page for t in plan.tasks if t.source == "appendix"]
    assert pages[0] >= 3 and pages[-1] > pages[0]
