"""Shared fixtures: the sample plans rendered once, and indexed once, per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service import Assistant
from assistant.settings import load_settings
from ingest import PlanReader
from tests.render_samples import PLANS_DIR, render_plan, render_scan

SAMPLE_KEYS = ("dak-lak-2024", "gia-lai", "hai-duong", "kon-ray", "quang-ngai-2018")


@pytest.fixture(scope="session")
def reader() -> PlanReader:
    return PlanReader()


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """key -> {"txt", "pdf", "docx"} paths of each sample plan."""
    out = tmp_path_factory.mktemp("rendered")
    return {key: render_plan(key, out) for key in SAMPLE_KEYS}


@pytest.fixture(scope="session")
def txt_plans(reader):
    return {key: reader.run(next(PLANS_DIR.glob(f"{key}*.txt"))) for key in SAMPLE_KEYS}


@pytest.fixture(scope="session")
def quang_ngai_scan(rendered, tmp_path_factory) -> Path:
    pdf = rendered["quang-ngai-2018"]["pdf"]
    return render_scan(pdf, tmp_path_factory.mktemp("scan") / "quang-ngai-2018-scan.pdf")


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory, txt_plans) -> Path:
    """A store of the five sample plans, embedded with the real model (about a minute and a half)."""
    store = tmp_path_factory.mktemp("sample-store")
    index = Assistant(load_settings(store=store, embedding_threads=2)).index
    for plan in txt_plans.values():
        index.add(plan)
    return store


@pytest.fixture(scope="session")
def sample_assistant(sample_store) -> Assistant:
    assistant = Assistant(load_settings(store=sample_store, embedding_threads=2))
    assistant.warm_up()
    return assistant
