"""The parsers' contract under odd input: a Plan or an IngestError, nothing else.

`python -m bench.fuzz` runs this for an hour and keeps any crashing input in
tests/ingest/fuzz_cases/; each kept input is replayed here.
"""
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from bench.fuzz import LIMITS, edit_lists, mutate, plan_texts
from ingest import IngestError, PlanReader

CASES = sorted((Path(__file__).parent / "fuzz_cases").glob("*"))


def read_or_refuse(path: Path) -> None:
    try:
        plan = PlanReader(LIMITS).run(path)
    except IngestError as exc:
        assert exc.source == path.name and exc.reason
    else:
        assert plan.document == path.name


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(plan_texts)
def test_generated_plan_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "plan.txt"
    path.write_text(text, encoding="utf-8")
    read_or_refuse(path)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(edits=edit_lists)
def test_mutated_docx(rendered, tmp_path_factory, edits):
    path = tmp_path_factory.mktemp("fuzz") / "plan.docx"
    path.write_bytes(mutate(rendered["kon-ray"]["docx"].read_bytes(), edits))
    read_or_refuse(path)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_kept_crashing_input(case, tmp_path):
    path = tmp_path / f"case{case.suffix}"
    path.write_bytes(case.read_bytes())
    read_or_refuse(path)
