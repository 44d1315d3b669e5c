"""Ingest speed per page (text PDF, DOCX, TXT, OCR scan) and structure counts per plan.

    python -m bench.ingest [--ocr-plans N]

Renders the bundled sample plans into a temp folder, then times PlanReader.run
on each rendering. OCR is timed on the first N plans (default 1: it costs ~3 s a page).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from ingest import PlanReader
from tests.render_samples import PLANS_DIR, render_plan, render_scan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ocr-plans", type=int, default=1)
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


if __name__ == "__main__":
    main()
