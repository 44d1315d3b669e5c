"""Ingest is atomic per plan: a real ingest process killed (kill -9) at several points, or out of disk
space, leaves the store answering exactly as before; running it again completes with no stale chunk.

Every ingest and every question runs in its own process, as in production: the embedded Chroma client
caches a store per path inside a process, so the test process only opens a store after the last writer
has exited.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.lexical import LexicalIndex
from index.plans import PlanStore
from index.vectors import VectorStore
from ingest.records import READER_VERSION
from tests.render_samples import PLANS_DIR

ROOT = Path(__file__).resolve().parents[2]
DAK_LAK = next(PLANS_DIR.glob("dak-lak-2024*.txt"))
QUESTIONS = [
    {"id": "lao", "question": "Ai chủ trì Tết cổ truyền Bun Pi May Lào tại huyện Buôn Đôn?"},
    {"id": "korea", "question": "Which agency leads Korean exchange in 2024?"},
    {"id": "gia-lai", "question": "Mục đích của kế hoạch Gia Lai là gì?"},
    {"id": "new-plan", "question": "Kế hoạch năm 2025 của Đắk Nông giao ai tổ chức Lễ hội cà phê?"},
]


def run(*args: str, env: dict | None = None, limit_file_bytes: int | None = None) -> subprocess.CompletedProcess:
    def limit():
        if limit_file_bytes is not None:
            # A file-size limit makes writes past it fail with EFBIG, as a full disk fails them with ENOSPC.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "EMBEDDING_THREADS": "2", **(env or {})}, preexec_fn=limit)


def answers(store: Path, tmp_path: Path) -> dict[str, tuple]:
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS), encoding="utf-8")
    result = run("-m", "assistant", "ask", "--batch", str(batch), "--store", str(store))
    assert result.returncode == 0, result.stderr[-2000:]
    found = {}
    for line in result.stdout.splitlines():
        record = json.loads(line)
        found[record["id"]] = (record["answer"], [(c["document"], c["section"]) for c in record["citations"]])
    return found


def ingest(store: Path, path: Path, point: str | None = None, **kwargs) -> subprocess.CompletedProcess:
    command = ["-m", "assistant", "ingest", str(path), "--store", str(store)]
    if point:
        command = ["-m", "tests.index.interrupted_ingest", point, "--", "ingest", str(path), "--store", str(store)]
    return run(*command, **kwargs)


def assert_consistent(store: Path) -> None:
    """Vectors and lexical rows of every plan are exactly its committed chunks, and nothing is pending."""
    plans = PlanStore(store)
    vectors = VectorStore(store / "chroma")
    lexical = LexicalIndex(store / "lexical.sqlite")
    keys = [p.key for p in plans.plans()]
    for key in keys:
        live = plans.entry(key).chunk_ids
        assert live and vectors.ids(key) == set(live), key
        assert lexical.chunk_ids(key) == set(live), key
    assert vectors.count() == sum(len(plans.entry(k).chunk_ids) for k in keys)
    assert lexical.count() == vectors.count()
    assert not list((store / "pending").glob("*.json"))
    lexical.close()


@pytest.fixture(scope="module")
def changed_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("changed")
    text = DAK_LAK.read_text(encoding="utf-8")
    old_lead = "Hội hữu nghị Việt Nam - Lào tỉnh, UBND huyện Buôn Đôn, các đơn vị liên quan"
    assert old_lead in text
    changed = folder / DAK_LAK.name  # same name: a new version of the same plan
    changed.write_text(text.replace(old_lead, "Sở Văn hóa, Thể thao và Du lịch"), encoding="utf-8")
    new_plan = folder / "dak-nong-2025-ke-hoach.txt"
    new_plan.write_text(text.replace("Đắk Lắk", "Đắk Nông").replace("2024", "2025").replace(
        "Tết cổ truyền Bun Pi May Lào", "Lễ hội cà phê"), encoding="utf-8")
    return {"changed": changed, "new": new_plan}


@pytest.fixture(scope="module")
def baseline(sample_store, changed_files, tmp_path_factory) -> dict:
    """Answers of the sample store, and of the same store after each file was ingested without a crash."""
    tmp = tmp_path_factory.mktemp("baseline")
    before = answers(sample_store, tmp)
    after = {}
    for name, path in changed_files.items():
        store = tmp / f"store-{name}"
        shutil.copytree(sample_store, store)
        result = ingest(store, path)
        assert result.returncode == 0, result.stderr[-2000:]
        after[name] = answers(store, tmp)
        assert after[name] != before
        assert_consistent(store)
    assert "Sở Văn hóa, Thể thao và Du lịch" in after["changed"]["lao"][0]
    assert "Sở Văn hóa" not in before["lao"][0]
    return {"before": before, "after": after}


@pytest.mark.slow
@pytest.mark.parametrize("name,point", [
    ("changed", "embedded"),
    ("changed", "vectors_written"),
    ("new", "vectors_written"),
    ("changed", "committed"),
    ("changed", "stale_deleted"),
    ("new", "lexical_replaced"),
])
def test_ingest_killed_at_a_point(name, point, sample_store, changed_files, baseline, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    killed = ingest(store, changed_files[name], point)
    assert killed.returncode == -signal.SIGKILL
    assert list((store / "pending").glob("*.json")), "the journal names the unfinished plan"
    expected = baseline["before"] if point in ("embedded", "vectors_written") else baseline["after"][name]
    assert answers(store, tmp_path) == expected
    rerun = ingest(store, changed_files[name])
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert answers(store, tmp_path) == baseline["after"][name]
    assert_consistent(store)


@pytest.mark.slow
def test_ingest_killed_by_the_clock(sample_store, changed_files, baseline, tmp_path):
    """No hook: the plain CLI is killed with SIGKILL as soon as its journal entry appears."""
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    process = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(changed_files["new"]),
                                "--store", str(store)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not list((store / "pending").glob("*.json")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.kill()
    process.wait()
    if process.returncode != -signal.SIGKILL:
        pytest.fail("the ingest finished before it could be killed")
    found = answers(store, tmp_path)
    assert found in (baseline["before"], baseline["after"]["new"])
    assert ingest(store, changed_files["new"]).returncode == 0
    assert answers(store, tmp_path) == baseline["after"]["new"]
    assert_consistent(store)


@pytest.mark.slow
def test_disk_full_during_ingest(sample_store, changed_files, baseline, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    # Room for the small journal entry, not for the plan file (Đắk Lắk's JSON is larger than this).
    full = ingest(store, changed_files["changed"], limit_file_bytes=48 * 1024)
    assert full.returncode != 0
    assert answers(store, tmp_path) == baseline["before"]
    assert ingest(store, changed_files["changed"]).returncode == 0
    assert answers(store, tmp_path) == baseline["after"]["changed"]
    assert_consistent(store)


def test_unchanged_file_is_not_read_again(sample_store, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    first = ingest(store, DAK_LAK)  # the sample store was built from parsed plans: this records the file
    assert first.returncode == 0, first.stderr[-2000:]
    plan_file = next((store / "plans").glob("dak-lak-2024*.json"))
    stamp = (plan_file.stat().st_mtime_ns, (store / "lexical.sqlite").stat().st_mtime_ns)
    again = ingest(store, DAK_LAK)
    assert again.returncode == 0
    assert "0 newly embedded, 1 plan(s) unchanged" in again.stdout
    assert (plan_file.stat().st_mtime_ns, (store / "lexical.sqlite").stat().st_mtime_ns) == stamp
    # A plan read by older reading rules is read again, though its file is the same.
    data = json.loads(plan_file.read_text(encoding="utf-8"))
    data["reader"] = 0
    plan_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    third = ingest(store, DAK_LAK)
    assert third.returncode == 0 and "0 plan(s) unchanged" in third.stdout
    assert json.loads(plan_file.read_text(encoding="utf-8"))["reader"] == READER_VERSION
