import docx
import pytest

from tests.conftest import SAMPLE_KEYS
from tests.ingest.test_pdf import clause_signature


@pytest.mark.parametrize("key", SAMPLE_KEYS)
def test_docx_gives_the_same_clauses_as_txt(reader, rendered, txt_plans, key):
    plan = reader.run(rendered[key]["docx"])
    assert plan.kind == "docx"
    assert clause_signature(plan) == clause_signature(txt_plans[key])


def test_docx_table_is_read_in_body_order_with_merged_cells_once(reader, rendered):
    path = rendered["dak-lak-2024"]["docx"]
    table = docx.Document(str(path)).tables[0]
    assert table.rows[1].cells[1].text == table.rows[1].cells[5].text  # python-docx repeats merged cells
    plan = reader.run(path)
    section = plan.clause("Phụ lục › I")
    assert section.heading == "Thông tin, tuyên truyền về Ngoại giao văn hóa"
    labels = [c.label for c in plan.clauses]
    assert labels.index("Nơi nhận") < labels.index("Phụ lục › I") < labels.index("Phụ lục › IV › 7")
