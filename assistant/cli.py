"""Command line: python -m assistant ingest|tasks ..."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from assistant.catalog import Catalog
from assistant.settings import load_settings
from index import PlanStore
from ingest import IngestError, PlanReader

PLAN_SUFFIXES = (".pdf", ".docx", ".txt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Cultural-diplomacy plan assistant")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="read plan files (PDF, DOCX, TXT, scans) into the store")
    ingest.add_argument("paths", nargs="+", type=Path, help="files or folders")
    ingest.add_argument("--store", type=Path, help="data folder (default: data/store)")

    tasks = commands.add_parser("tasks", help="list every task of every plan")
    tasks.add_argument("--store", type=Path)
    tasks.add_argument("--json", action="store_true", help="one JSON object a line")

    args = parser.parse_args(argv)
    settings = load_settings(store=args.store)
    if args.command == "ingest":
        return run_ingest(args.paths, settings)
    return run_tasks(settings, as_json=args.json)


def plan_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES))
        else:
            files.append(path)
    return files


def run_ingest(paths: list[Path], settings) -> int:
    reader = PlanReader(settings.load_limits)
    store = PlanStore(settings.store)
    files = plan_files(paths)
    failures: list[str] = []
    counts = {"plans": 0, "clauses": 0, "tasks": 0}
    for path in tqdm(files, desc="Ingesting", unit="file", file=sys.stderr, disable=len(files) < 2):
        try:
            plan = reader.run(path)
        except IngestError as exc:
            failures.append(str(exc))
            continue
        store.put(plan)
        counts["plans"] += 1
        counts["clauses"] += len(plan.clauses)
        counts["tasks"] += len(plan.tasks)
    print(f"Ingested {counts['plans']} plan(s): {counts['clauses']} clauses, {counts['tasks']} tasks "
          f"into {settings.store}")
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    if not files:
        print("No plan files found (PDF, DOCX, TXT).", file=sys.stderr)
        return 1
    return 1 if failures else 0


def run_tasks(settings, as_json: bool) -> int:
    rows = Catalog(settings.store).tasks()
    for row in rows:
        if as_json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            content = row["content"].replace("\n", " ")
            print(f"{row['document']} | {row['section']} | {content[:80]} | chủ trì: {row['lead']} | "
                  f"phối hợp: {row['cooperating']} | {row['time']} | {row['funding']} | tr. {row['page']}")
    if not rows:
        print(f"No tasks in {settings.store}; ingest plans first.", file=sys.stderr)
    return 0
