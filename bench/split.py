"""Split every gold question set into a tuning part and a report part, once and for good.

    python -m bench.split        # writes data/eval/tuning.jsonl and data/eval/report.jsonl

A question's part is decided by a hash of its id alone, so a question added later never moves
another one, and nobody chooses which questions are kept aside. Rules and thresholds are chosen
on the tuning part; the report part is only measured.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1] / "data" / "eval"
def sources() -> list[Path]:
    """Every set: the shared ones, each written set (a new one is picked up by its name), the failures."""
    return [EVAL / "dev.jsonl", EVAL / "real-openings.jsonl", *sorted(EVAL.glob("written-*.jsonl")),
            EVAL / "failures.jsonl"]


def part(question_id: str) -> str:
    return "tuning" if hashlib.sha256(question_id.encode()).digest()[0] % 2 == 0 else "report"


def main() -> int:
    parts: dict[str, list[str]] = {"tuning": [], "report": []}
    for path in sources():
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                parts[part(json.loads(line)["id"])].append(line)
    for name, lines in parts.items():
        (EVAL / f"{name}.jsonl").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        print(f"{name}: {len(lines)} questions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
