"""Ingest speed per page (text PDF, DOCX, TXT, OCR scan), structure counts per plan,
and the cold indexing of the sample plans (chunks/s, seconds).

    python -m bench.ingest [--ocr-plans N] [--no-index]

Renders the bundled sample plans into a temp folder, then times PlanReader.run
on each rendering. OCR is timed on the first N plans (default 1: it costs ~3 s a page).
Then indexes the five sample plans into an empty store, from loading the model
to the last write, with the ingest thread setting.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from dataclasses import replace

from assistant.service import Assistant
from assistant.settings import load_settings
from ingest import PlanReader
from tests.render_samples import PLANS_DIR, render_plan, render_scan


def index_samples() -> None:
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        index = Assistant(replace(settings, store=Path(tmp), embedding_threads=settings.ingest_threads)).index
        index.embedder.embed_query("khởi động")
        loaded = time.perf_counter()
        chunks = 0
        for path in sorted(PLANS_DIR.glob("*.txt")):
            chunks += index.add(PlanReader().run(path)).chunks
        done = time.perf_counter()
    print(f"\nindex, cold ({settings.ingest_threads} threads): {chunks} chunks; model load {loaded - started:.1f} s, "
          f"parse+chunk+embed+write {done - loaded:.1f} s = {chunks / (done - loaded):.2f} chunks/s; "
          f"total {done - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ocr-plans", type=int, default=1)
    parser.add_argument("--no-index", action="store_true", help="skip the embedding part")
    args = parser.parse_args()
    reader = PlanReader()
    totals: dict[str, list[float]] = {}
    print(f"{'plan':<18} {'clauses':>7} {'tasks':>5} {'sections':>8} {'items':>5} {'letters':>7} {'bullets':>7} "
          f"{'rows':>4} {'footnotes':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        keys = [p.stem.split("-ke-hoach")[0] for p in sorted(PLANS_DIR.glob("*.txt"))]
        for n, key in enumerate(keys):
            files = render_plan(key, out)
            if n < args.ocr_plans:
                files["scan"] = render_scan(files["pdf"], out / f"{key}-scan.pdf")
            for fmt, path in files.items():
                start = time.perf_counter()
                plan = reader.run(path)
                elapsed = time.perf_counter() - start
                pages = plan.page_count if fmt in ("pdf", "scan") else 1
                totals.setdefault(fmt, [0.0, 0])
                totals[fmt][0] += elapsed
                totals[fmt][1] += pages
                if fmt == "txt":
                    kinds = Counter(c.kind for c in plan.clauses)
                    print(f"{key:<18} {len(plan.clauses):>7} {len(plan.tasks):>5} {kinds['section']:>8} "
                          f"{kinds['item'] + kinds['subitem']:>5} {kinds['letter']:>7} {kinds['bullet']:>7} "
                          f"{kinds['row']:>4} {len(plan.footnotes):>9}")
    print()
    for fmt, (seconds, pages) in totals.items():
        unit = "page" if fmt in ("pdf", "scan") else "file"
        print(f"{fmt:<5} {seconds:7.2f} s for {pages:3d} {unit}s = {1000 * seconds / pages:8.1f} ms/{unit}")
    if not args.no_index:
        index_samples()


if __name__ == "__main__":
    main()
