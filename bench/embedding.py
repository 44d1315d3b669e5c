"""Embedding speed of each runtime with 1 and 2 threads, idle and beside a busy process.

    python -m bench.embedding [--queries 20] [--passages 16] [--runtimes onnx,torch]

Prints ms per query (p50), passages per second and the load time for each
setting. The defaults in assistant/settings.py are chosen from these figures.
"""
from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time

from assistant.settings import load_settings
from index.chunks import chunk_plan
from index.embedders import Embedder, make_embedder
from ingest import PlanReader

QUESTIONS = ["Which agency leads Korean exchange in 2024?", "Sở Tài chính có trách nhiệm gì?",
             "ai chu tri cuoc thi hung bien tieng Nhat o Dak Lak?", "Kinh phí thực hiện lấy từ nguồn nào?"]


def _burn(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10000))


def measure(embedder: Embedder, queries: int, passages: list) -> tuple[float, float]:
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
    parser.add_argument("--runtimes", default="onnx,torch")
    args = parser.parse_args()
    plan = PlanReader().run(next(load_settings().sample_plans.glob("gia-lai*.txt")))
    passages = chunk_plan(plan)[:args.passages]
    embedders = {}
    print(f"{'runtime':>7} {'threads':>7} {'load s':>6} {'machine':>7} {'query ms p50':>13} {'passages/s':>11}")
    for machine in ("idle", "busy"):
        stop = multiprocessing.Event()
        burner = None
        if machine == "busy":
            burner = multiprocessing.Process(target=_burn, args=(stop,), daemon=True)
            burner.start()
        for runtime in args.runtimes.split(","):
            for threads in (1, 2):
                loaded = 0.0
                if (runtime, threads) not in embedders:
                    started = time.perf_counter()
                    embedders[runtime, threads] = make_embedder(threads=threads, runtime=runtime)
                    embedders[runtime, threads].embed_query("khởi động")
                    loaded = time.perf_counter() - started
                if runtime == "torch":  # torch's thread count is per process: the last embedder loaded set it
                    import torch

                    torch.set_num_threads(threads)
                query_ms, rate = measure(embedders[runtime, threads], args.queries, passages)
                print(f"{runtime:>7} {threads:>7} {loaded:>6.1f} {machine:>7} {query_ms:>13.0f} {rate:>11.2f}")
        if burner:
            stop.set()
            burner.join()


if __name__ == "__main__":
    main()
