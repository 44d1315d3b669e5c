"""Embedding speed with 1 and 2 torch threads, idle and beside a busy process.

    python -m bench.embedding [--queries 20] [--passages 16]

Prints ms per query (p50) and passages per second for each setting. The
defaults in assistant/settings.py are chosen from these figures.
"""
from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time

from assistant.settings import load_settings
from index.chunks import chunk_plan
from index.embedders import SentenceTransformerEmbedder
from ingest import PlanReader

QUESTIONS = ["Which agency leads Korean exchange in 2024?", "Sở Tài chính có trách nhiệm gì?",
             "ai chu tri cuoc thi hung bien tieng Nhat o Dak Lak?", "Kinh phí thực hiện lấy từ nguồn nào?"]


def _burn(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10000))


def measure(embedder: SentenceTransformerEmbedder, queries: int, passages: list) -> tuple[float, float]:
    embedder.embed_query("khởi động")
    times = []
    for i in range(queries):
        started = time.perf_counter()
        embedder.embed_query(QUESTIONS[i % len(QUESTIONS)])
        times.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    embedder.embed_documents([c.text for c in passages], [c.context for c in passages])
    return statistics.median(times), len(passages) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--passages", type=int, default=16)
    args = parser.parse_args()
    plan = PlanReader().run(next(load_settings().sample_plans.glob("gia-lai*.txt")))
    passages = chunk_plan(plan)[:args.passages]
    embedder = SentenceTransformerEmbedder()
    import torch

    print(f"{'threads':>7} {'load':>6} {'query ms p50':>13} {'passages/s':>11}")
    for load in ("idle", "busy"):
        stop = multiprocessing.Event()
        burner = None
        if load == "busy":
            burner = multiprocessing.Process(target=_burn, args=(stop,), daemon=True)
            burner.start()
        for threads in (1, 2):
            torch.set_num_threads(threads)
            query_ms, rate = measure(embedder, args.queries, passages)
            print(f"{threads:>7} {load:>6} {query_ms:>13.0f} {rate:>11.2f}")
        if burner:
            stop.set()
            burner.join()


if __name__ == "__main__":
    main()
