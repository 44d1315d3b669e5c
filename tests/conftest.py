"""Shared fixtures: the sample plans rendered once, and indexed once, per test session."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.service import Assistant
from assistant.settings import load_settings
from index.vectors import VectorStore
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
def opening_plans(reader):
    """The five real plans' first pages as published (letterheads flattened, words run together)."""
    return {path.stem: reader.run(path) for path in sorted((PLANS_DIR / "real-openings").glob("*.txt"))}


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory, txt_plans, opening_plans) -> Path:
    """A store of the five sample plans and the five real openings, embedded with the real model (about
    two minutes)."""
    store = tmp_path_factory.mktemp("sample-store")
    index = Assistant(load_settings(store=store, embedding_threads=2)).index
    for plan in [*txt_plans.values(), *opening_plans.values()]:
        index.add(plan)
    return store


def run_chroma_server(folder: Path):
    """A Chroma server on loopback (`chroma run`), as several processes sharing one index would use."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(folder / "server.log", "w")
    process = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--path", str(folder / "data"),
                                "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError((folder / "server.log").read_text())
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory) -> str:
    yield from run_chroma_server(tmp_path_factory.mktemp("chroma-server"))


@pytest.fixture
def empty_chroma_server(tmp_path) -> str:
    yield from run_chroma_server(tmp_path)


@pytest.fixture(scope="session")
def server_store(sample_store, chroma_server, tmp_path_factory) -> Path:
    """The sample store with its vectors in the Chroma server: the same plans and lexical index, the
    vectors copied over rather than embedded again (that took the minute and a half already)."""
    store = tmp_path_factory.mktemp("server-store") / "store"
    shutil.copytree(sample_store, store, ignore=shutil.ignore_patterns("chroma"))
    source = VectorStore(sample_store / "chroma").collection.get(include=["embeddings", "documents", "metadatas"])
    VectorStore(url=chroma_server).collection.upsert(ids=source["ids"], embeddings=source["embeddings"],
                                                     documents=source["documents"], metadatas=source["metadatas"])
    return store


@pytest.fixture(scope="session", params=["embedded", "server"])
def sample_assistant(request, sample_store) -> Assistant:
    """The assistant over the sample plans, once with Chroma embedded on disk and once with a Chroma server."""
    if request.param == "server":
        settings = load_settings(store=request.getfixturevalue("server_store"), embedding_threads=2,
                                 chroma_url=request.getfixturevalue("chroma_server"))
    else:
        settings = load_settings(store=sample_store, embedding_threads=2)
    assistant = Assistant(settings)
    assistant.warm_up()
    return assistant
