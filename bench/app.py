"""Answer time as a user of the app sees it: the page loaded in Chromium, questions through the app's API.

    python -m bench.app --store DIR [--questions 20]

Starts `app.py` on the store, loads the page in headless Chromium, then asks
the gold questions through the `/ask` endpoint with gradio_client (the same
queue the chat uses) and prints the time to the full answer, p50/p95. The
offline answerer sends no partial text: its first update is the whole answer.
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in
                 (PROJECT / "data" / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()][:args.questions]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    app = subprocess.Popen([sys.executable, str(PROJECT / "app.py"), "--store", str(args.store), "--port", str(port)],
                           cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        print(f"app ready in {time.perf_counter() - started:.1f} s")
        from gradio_client import Client
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page()
            loaded = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("#question textarea")
            print(f"page loaded in {time.perf_counter() - loaded:.2f} s")
            client = Client(url, verbose=False)
            full = []
            for question in questions:
                t0 = time.perf_counter()
                result = client.predict(question, api_name="/ask")
                full.append((time.perf_counter() - t0) * 1000)
                assert "answer" in result
            browser.close()
        full.sort()
        print(f"full answer through the app: p50 {statistics.median(full):.0f} ms, "
              f"p95 {full[int(0.95 * (len(full) - 1))]:.0f} ms ({len(full)} questions)")
    finally:
        app.terminate()
        app.wait(timeout=30)


if __name__ == "__main__":
    main()
