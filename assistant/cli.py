"""Command line: python -m assistant ingest|tasks|search|ask|eval|reindex|add-user|audit ..."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from assistant import scoring
from assistant.answers import retrieved_record
from assistant.audit import COLUMNS as AUDIT_COLUMNS
from assistant.audit import AuditLog
from assistant.catalog import Catalog
from assistant.service import Assistant
from assistant.settings import load_settings
from assistant.users import ROLES, UserError, add_user, check_name
from index import StoreError
from index.models import ModelError
from index.retriever import Filters
from ingest import IngestError

PLAN_SUFFIXES = (".pdf", ".docx", ".txt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Cultural-diplomacy plan assistant")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="read plan files (PDF, DOCX, TXT, scans) into the store and index them")
    ingest.add_argument("paths", nargs="+", type=Path, help="files or folders")
    ingest.add_argument("--store", type=Path, help="data folder (default: data/store)")

    tasks = commands.add_parser("tasks", help="list every task of every plan")
    tasks.add_argument("--store", type=Path)
    tasks.add_argument("--json", action="store_true", help="one JSON object a line")

    search = commands.add_parser("search", help="the clauses that best match a question")
    search.add_argument("question")
    _add_query_options(search)

    ask = commands.add_parser("ask", help="answer a question (or a batch of them) with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--batch", type=Path, help="JSONL file: id, question, history per line")
    _add_query_options(ask)

    evaluate = commands.add_parser("eval", help="run a gold question file and print the scores")
    evaluate.add_argument("--gold", type=Path, required=True)
    evaluate.add_argument("--store", type=Path)
    evaluate.add_argument("--answers", type=Path, help="also write the answers (JSONL) here")

    reindex = commands.add_parser("reindex", help="embed every stored plan again with the configured model")
    reindex.add_argument("--store", type=Path)

    user = commands.add_parser("add-user", help="add or change an app user (asks for the password)")
    user.add_argument("name")
    user.add_argument("--role", choices=ROLES, default="reader")
    user.add_argument("--users", type=Path, help="users file (default: PLAN_ASSISTANT_USERS)")
    user.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    user.add_argument("--store", type=Path, help="data folder whose audit log records the change")

    audit = commands.add_parser("audit", help="print the audit log: logins, uploads, deletes, exports ...")
    audit.add_argument("--store", type=Path)
    audit.add_argument("--json", action="store_true", help="one JSON object a line")

    args = parser.parse_args(argv)
    if args.command == "add-user":
        return run_add_user(args)
    if args.command == "audit":
        return run_audit(load_settings(store=args.store), as_json=args.json)
    settings = load_settings(store=args.store)
    try:
        if args.command == "ingest":
            return run_ingest(args.paths, settings)
        if args.command == "tasks":
            return run_tasks(settings, as_json=args.json)
        if args.command == "search":
            return run_search(args, settings)
        if args.command == "ask":
            return run_ask(args, settings)
        if args.command == "eval":
            return run_eval(args.gold, settings, args.answers)
        return run_reindex(settings)
    except (StoreError, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _add_query_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--store", type=Path)
    command.add_argument("--k", type=int, default=10, help="how many clauses to return (default 10)")
    command.add_argument("--plan", action="append", default=[], help="only this plan (key or file name); repeatable")
    command.add_argument("--province", default="", help="only plans of this province or district")
    command.add_argument("--year", type=int, default=0, help="only the yearly plans for this year")
    command.add_argument("--json", action="store_true")


def _filters(args) -> Filters:
    plans = tuple(p.rsplit(".", 1)[0] if p.lower().endswith(PLAN_SUFFIXES) else p for p in args.plan)
    return Filters(plans=plans, province=args.province, year=args.year)


def plan_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES))
        else:
            files.append(path)
    return files


def run_ingest(paths: list[Path], settings) -> int:
    assistant = Assistant(replace(settings, embedding_threads=settings.ingest_threads))
    assistant.index.check_model()
    assistant.index.recover()
    files = plan_files(paths)
    failures: list[str] = []
    counts = {"plans": 0, "clauses": 0, "tasks": 0, "chunks": 0, "embedded": 0, "unchanged": 0}
    for path in tqdm(files, desc="Ingesting", unit="file", file=sys.stderr, disable=len(files) < 2):
        try:
            plan, change = assistant.ingest(path)
        except IngestError as exc:
            failures.append(str(exc))
            continue
        counts["unchanged"] += change.unchanged
        counts["plans"] += 1
        counts["clauses"] += len(plan.clauses)
        counts["tasks"] += len(plan.tasks)
        counts["chunks"] += change.chunks
        counts["embedded"] += change.embedded
    print(f"Ingested {counts['plans']} plan(s): {counts['clauses']} clauses, {counts['tasks']} tasks, "
          f"{counts['chunks']} chunks ({counts['embedded']} newly embedded, {counts['unchanged']} plan(s) unchanged) "
          f"into {settings.store}")
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    if not files:
        print("No plan files found (PDF, DOCX, TXT).", file=sys.stderr)
        return 1
    return 1 if failures else 0


def run_add_user(args) -> int:
    path = args.users or load_settings().users
    if path is None:
        print("error: name the users file with --users or PLAN_ASSISTANT_USERS", file=sys.stderr)
        return 2
    try:
        check_name(args.name)  # before asking for a password that would be thrown away
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(f"Password for {args.name}: ")
            if password != getpass.getpass("Again: "):
                print("error: the two passwords differ", file=sys.stderr)
                return 2
        add_user(path, args.name, args.role, password)
    except UserError as exc:
        print(f"error: {exc}; {path} is unchanged", file=sys.stderr)
        return 2
    AuditLog.of_store(load_settings(store=args.store).store).record(
        "add-user", user=_os_user(), address="command line", target=f"{args.name} ({args.role})")
    print(f"{args.name} ({args.role}) saved in {path}")
    return 0


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container): the number still says who
        return str(os.getuid())


def _printable(text: str) -> str:
    """Names in failed logins are whatever was typed: control characters are shown, not sent to the terminal."""
    return "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch).startswith("C") else ch
                   for ch in text)


def run_audit(settings, as_json: bool) -> int:
    rows = AuditLog.of_store(settings.store).rows()
    for row in rows:
        if as_json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(" | ".join(_printable(str(row[c])) for c in AUDIT_COLUMNS[1:]))
    if not rows:
        print(f"The audit log of {settings.store} is empty.", file=sys.stderr)
    return 0


def run_reindex(settings) -> int:
    index = Assistant(replace(settings, embedding_threads=settings.ingest_threads)).index
    changes = index.reembed()
    print(f"Re-embedded {len(changes)} plan(s), {sum(c.chunks for c in changes)} chunks "
          f"with {index.embedder.name}")
    return 0


def run_search(args, settings) -> int:
    retrieval = Assistant(settings).search(args.question, k=args.k, filters=_filters(args))
    if args.json:
        print(json.dumps({"question": args.question, "retrieved": [retrieved_record(r) for r in retrieval.items],
                          "notes": retrieval.notes}, ensure_ascii=False))
        return 0
    for note in retrieval.notes:
        print(f"({note})")
    for rank, item in enumerate(retrieval.items, start=1):
        chunk = item.chunk
        text = chunk.text.replace("\n", " ")
        print(f"{rank:2}. [{item.score:.3f}] {chunk.document} › {chunk.section} (tr. {chunk.page})\n    {text[:200]}")
    return 0


def run_ask(args, settings) -> int:
    assistant = Assistant(settings)
    if args.batch:
        assistant.warm_up()  # the first question should not pay for loading the model
        for line in args.batch.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            answer = assistant.ask(item.get("question", ""), history=item.get("history") or [],
                                   filters=_filters(args), k=max(args.k, 10))
            print(json.dumps({"id": item.get("id"), **answer.to_dict()}, ensure_ascii=False), flush=True)
        return 0
    if not args.question:
        print("error: give a question or --batch FILE", file=sys.stderr)
        return 2
    answer = assistant.ask(args.question, filters=_filters(args), k=max(args.k, 10))
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
        return 0
    print(answer.text)
    for note in answer.notes:
        print(f"({note})")
    for citation in answer.citations:
        print(f"[{citation.n}] {citation.document} › {citation.section}, tr. {citation.page}")
    return 0


def run_eval(gold_file: Path, settings, answers_file: Path | None) -> int:
    gold = scoring.load(str(gold_file))
    assistant = Assistant(settings)
    assistant.warm_up()
    answers = {}
    for item in gold:
        history = item.get("history") or ([{"role": "user", "content": item["context"]}] if item.get("context") else [])
        answers[item["id"]] = {"id": item["id"], **assistant.ask(item["question"], history=history).to_dict()}
    if answers_file:
        answers_file.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answers.values()),
                                encoding="utf-8")
    overall = scoring.score(gold, answers, 5)
    for key, value in overall.items():
        print(f"{key:24} {value}")
    for field in ("lang", "type"):
        print(f"\nby {field}:{'':12} questions  hit@5   mrr     recall@5  answer_acc  floor")
        for value in sorted({g[field] for g in gold}):
            part = scoring.score([g for g in gold if g[field] == value], answers, 5)
            print(f"  {value:22} {part['questions']:9}  {_fmt(part['hit@5'])}  {_fmt(part['mrr'])}  "
                  f"{_fmt(part['evidence_recall@5'])}    {_fmt(part['answer_accuracy'])}      {_fmt(part['floor_accuracy'])}")
    return 0


def _fmt(value) -> str:
    return "  -   " if value is None else f"{value:.3f} "


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
