"""Server mode: one Chroma server, two ingest workers and two app processes on one data folder."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from index.lexical import LexicalIndex
from index.plans import PlanStore
from index.vectors import VectorStore
from tests.render_samples import PLANS_DIR

PROJECT = Path(__file__).resolve().parents[1]


def _plan(key: str) -> Path:
    return next(PLANS_DIR.glob(f"{key}*.txt"))


def _start_app(store: Path, url: str, log: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PLAN_ASSISTANT_CHROMA_URL": url}
    env.pop("PLAN_ASSISTANT_USERS", None)  # open, on loopback: the single local user is admin
    process = subprocess.Popen([sys.executable, str(PROJECT / "app.py"), "--store", str(store), "--port", str(port)],
                               cwd=PROJECT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}/"


def _wait(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 240
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text()[-3000:])
            time.sleep(1)


def test_ingest_workers_and_two_apps_share_one_server_index(empty_chroma_server, tmp_path):
    from gradio_client import Client, handle_file

    store = tmp_path / "store"
    env = {**os.environ, "PLAN_ASSISTANT_CHROMA_URL": empty_chroma_server}

    def ingest(key: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "assistant", "ingest", str(_plan(key)), "--store", str(store)],
                              cwd=PROJECT, env=env, capture_output=True, text=True, timeout=900)

    with ThreadPoolExecutor(2) as pool:  # two workers at once: the store's write lock takes them in turn
        results = list(pool.map(ingest, ["kon-ray", "quang-ngai-2018"]))
    assert all(r.returncode == 0 for r in results), [r.stderr[-2000:] for r in results]
    plans = PlanStore(store)
    vectors = VectorStore(url=empty_chroma_server)
    lexical = LexicalIndex(store / "lexical.sqlite")
    assert len(plans.plans()) == 2
    for plan in plans.plans():
        live = plans.entry(plan.key).chunk_ids
        assert vectors.ids(plan.key) == set(live) == lexical.chunk_ids(plan.key)
    assert not (store / "chroma").exists()  # nothing embedded on disk: the server holds every vector

    apps = [_start_app(store, empty_chroma_server, tmp_path / f"app{i}.log") for i in (1, 2)]
    try:
        for i, (process, url) in enumerate(apps, start=1):
            _wait(url, process, tmp_path / f"app{i}.log")
        first, second = (Client(url, verbose=False) for _, url in apps)
        question = "Quảng Ngãi 2018 cử đoàn cán bộ đi học tập kinh nghiệm ở đâu?"
        answers = [client.predict(question, api_name="/ask") for client in (first, second)]
        assert "Myanmar" in answers[0]["answer"] and answers[0]["answer"] == answers[1]["answer"]

        uploaded = first.predict([handle_file(str(_plan("gia-lai")))], api_name="/upload")
        assert "✅" in uploaded[0]
        answer = second.predict("Mục đích của kế hoạch Gia Lai là gì?", api_name="/ask")
        assert answer["citations"] and answer["citations"][0]["document"].startswith("gia-lai")
    finally:
        for process, _ in apps:
            process.terminate()
            process.wait(timeout=30)
