"""Load: many people using the running app at once, over loopback.

    python -m bench.load --store DIR [--users 20] [--seconds 120] [--port N] [--follow-ups ask|chat]

Copies the store to a temp folder, writes a users file (one admin, the rest
readers), starts `app.py` on it in a subprocess and logs every simulated user
in with its own gradio_client Client. For --seconds, readers loop: a question
from data/eval/dev.jsonl, sometimes a follow-up, 0.5-2 s of think time between
requests. The admin uploads a new plan about every 30 s (a sample TXT plan
with its years moved on, under a new file name: a real new plan, embedded on
the spot) and asks questions in between. The app process tree's memory is
sampled every 0.5 s. Prints throughput, p50/p95/max latency per kind,
errors with their first messages, and peak RSS; then stops the app.

Follow-ups: the public API is `/ask` (question, plans), which takes no history;
the chat event that carries history (`respond`) is private to the page. With
--follow-ups ask (default) a follow-up is a second `/ask` call with the short
question alone. With --follow-ups chat a conversation with a follow-up goes through the chat
event exactly as the page sends it (the queue call the browser makes, history
included; its first turn is reported as chat-question), by unlocking that
endpoint on the bench's own client; lone questions stay on `/ask`.

Kinds reported: question (`/ask`), chat-question, follow-up, upload. An
error is an exception from the client (a gr.Error, a server traceback) or a
payload without an answer (upload: a result line without ✅ or with ❌).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from assistant.users import add_user

PROJECT = Path(__file__).resolve().parents[1]
PLANS = PROJECT / "data" / "plans"
ADMIN = "admin"
# Short follow-ups a reader types after any answer (the app reads a question this short with the previous one).
FOLLOW_UPS = ["Thế còn thời gian?", "Ai phối hợp?", "Kinh phí lấy từ đâu?", "Cơ quan đó còn làm gì nữa?",
              "What about the timing?", "Who cooperates on it?", "And the funding?"]
UPLOAD_EVERY_S = 30.0
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Record:
    kind: str  # question (/ask), chat-question (first turn in the chat), follow-up, upload
    user: str
    started: float  # perf_counter
    latency_s: float
    ok: bool
    error: str = ""
    service_s: float | None = None  # the answer's own latency_ms (inside the app, without the queue wait)


# -- the app process ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(store: Path, users_file: Path, port: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "PLAN_ASSISTANT_USERS": str(users_file), "GRADIO_ANALYTICS_ENABLED": "False"}
    log = open(log_path, "w")
    return subprocess.Popen([sys.executable, str(PROJECT / "app.py"), "--store", str(store), "--host", "127.0.0.1",
                             "--port", str(port)], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(app: subprocess.Popen, url: str, log_path: Path, timeout_s: float = 300) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if app.poll() is not None:
                raise RuntimeError(f"the app exited with {app.returncode}:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
    raise RuntimeError(f"the app did not answer in {timeout_s:.0f} s")


def stop_app(app: subprocess.Popen) -> str:
    if app.poll() is not None:
        return f"the app had already exited with {app.returncode}"
    app.terminate()
    try:
        app.wait(timeout=30)
        return f"the app stopped on SIGTERM (exit {app.returncode})"
    except subprocess.TimeoutExpired:
        app.kill()
        app.wait(timeout=10)
        return "the app did not stop in 30 s after SIGTERM and was killed"


# -- memory and CPU of the app's process tree, from /proc ---------------------------------------------
def process_tree(root: int) -> list[int]:
    children = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children[ppid].append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def tree_usage(root: int) -> tuple[int, float, int]:
    """(RSS bytes summed over the tree, CPU seconds used so far, number of processes)."""
    rss, cpu, pids = 0, 0.0, process_tree(root)
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                rss += int(f.read().split()[1]) * PAGE_SIZE
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return rss, cpu, len(pids)


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, every_s: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.peak, self.last, self.processes = 0, 0, 1
        self.marks: dict[str, tuple[int, float]] = {}
        self.stopped = threading.Event()
        self.lock = threading.Lock()

    def sample(self) -> tuple[int, float]:
        rss, cpu, processes = tree_usage(self.pid)
        with self.lock:
            self.last, self.peak, self.processes = rss, max(self.peak, rss), max(self.processes, processes)
        return rss, cpu

    def mark(self, name: str) -> None:
        self.marks[name] = self.sample()

    def run(self) -> None:
        while not self.stopped.wait(self.every_s):
            self.sample()


# -- what the users send -----------------------------------------------------------------------------
def load_questions() -> tuple[list[dict], list[dict]]:
    lines = [json.loads(line) for line in (PROJECT / "data" / "eval" / "dev.jsonl").read_text(encoding="utf-8")
             .splitlines() if line.strip()]
    keys = {p.name.split("-ke-hoach")[0]: p.stem for p in PLANS.glob("*.txt")}
    for line in lines:
        line["plan_keys"] = [keys[d] for d in line.get("docs", []) if d in keys]
    single = [line for line in lines if not line.get("context") and not line.get("history")]
    follow = [line for line in lines if line.get("context") or line.get("history")]
    return single, follow


YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?![\d/])")  # a year; not a document number like 2013/QĐ-TTg


def new_plan(n: int, folder: Path) -> Path:
    """Upload n: a sample plan with its years moved on (next year's yearly plan, or a later horizon), new name."""
    sources = sorted(PLANS.glob("*.txt"), key=lambda p: p.stat().st_size)
    source = sources[n % len(sources)]
    horizon = any(int(y) >= 2030 for y in YEAR.findall(source.stem))
    shift = (1 + n // len(sources)) * (5 if horizon else 1)
    moved = lambda text: YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)  # noqa: E731
    target = folder / (moved(source.stem) + "-bench.txt")
    target.write_text(moved(source.read_text(encoding="utf-8")), encoding="utf-8")
    return target


# -- the simulated users -------------------------------------------------------------------------------
class Run:
    def __init__(self, url: str, seconds: float, follow_route: str, upload_dir: Path, seed: int):
        self.url, self.seconds, self.follow_route, self.upload_dir = url, seconds, follow_route, upload_dir
        self.records: list[Record] = []
        self.lock = threading.Lock()
        self.single, self.follow = load_questions()
        self.start = 0.0
        self.seed = seed
        self.in_flight: dict[str, tuple[str, float]] = {}
        self.login_errors: list[str] = []
        self.uploads = 0

    def record(self, rec: Record) -> None:
        with self.lock:
            self.records.append(rec)

    def timed(self, kind: str, user: str, call, check) -> object:
        started = time.perf_counter()
        self.in_flight[user] = (kind, started)
        try:
            result = call()
            error = check(result)
        except Exception as exc:  # noqa: BLE001 - every failure is a data point
            result, error = None, f"{type(exc).__name__}: {exc}".strip()
        finally:
            self.in_flight.pop(user, None)
        service = result.get("latency_ms") if isinstance(result, dict) else None
        self.record(Record(kind, user, started, time.perf_counter() - started, not error, error,
                           service / 1000 if isinstance(service, (int, float)) else None))
        return result

    def login(self, name: str, password: str):
        from gradio_client import Client

        client = Client(self.url, auth=(name, password), verbose=False, analytics_enabled=False,
                        download_files=False)
        if self.follow_route == "chat":
            # The page's own chat event: private to the API docs, but it is what the browser calls on "Hỏi".
            dep = next(d for d in client.config["dependencies"] if d.get("api_name") == "respond")
            client.endpoints[dep["id"]].is_valid = True
            client.respond_index = dep["id"]
        return client

    # requests
    def ask(self, client, user: str, kind: str, line_or_text, plans=None) -> None:
        question = line_or_text if isinstance(line_or_text, str) else line_or_text["question"]
        self.timed(kind, user, lambda: client.predict(question, plans, api_name="/ask"), check_answer)

    def chat(self, client, user: str, kind: str, question: str, history: list, plans=None) -> list:
        result = self.timed(kind, user, lambda: client.predict(question, history, plans,
                                                               fn_index=client.respond_index), check_chat)
        return result[0] if isinstance(result, (list, tuple)) and result else history

    def conversation(self, client, user: str, rng: random.Random) -> None:
        """One reader turn: a question, sometimes followed by a follow-up."""
        roll = rng.random()
        if roll < 0.2 and self.follow:  # a gold follow-up: its context question, then the follow-up itself
            line = rng.choice(self.follow)
            first, second = line["context"], line["question"]
            plans = None
        else:
            line = rng.choice(self.single)
            first = line["question"]
            second = rng.choice(FOLLOW_UPS) if roll < 0.45 else None
            plans = None
            if line["plan_keys"] and rng.random() < 0.2:  # some readers pick the plan in the filter first
                plans = line["plan_keys"]
        if self.follow_route == "chat" and second:
            history = self.chat(client, user, "chat-question", first, [], plans)
            if not self.think(rng):
                return
            self.chat(client, user, "follow-up", second, history, plans)
            return
        self.ask(client, user, "question", first, plans)
        if second and self.think(rng):
            self.ask(client, user, "follow-up", second, plans)

    def upload(self, client, user: str) -> None:
        from gradio_client import handle_file

        path = new_plan(self.uploads, self.upload_dir)
        self.uploads += 1
        self.timed("upload", user, lambda: client.predict([handle_file(str(path))], api_name="/upload"),
                   check_upload)

    def think(self, rng: random.Random) -> bool:
        """Think time; False once the run is over (no new request starts after the deadline)."""
        time.sleep(rng.uniform(0.5, 2.0))
        return time.perf_counter() < self.start + self.seconds

    # user loops
    def reader(self, client, name: str, ready: threading.Barrier) -> None:
        rng = random.Random(f"{self.seed}-{name}")
        ready.wait()
        time.sleep(rng.uniform(0, 2.0))  # people do not all press "Ask" in the same millisecond
        while time.perf_counter() < self.start + self.seconds:
            self.conversation(client, name, rng)
            if not self.think(rng):
                break

    def admin(self, client, name: str, ready: threading.Barrier) -> None:
        rng = random.Random(f"{self.seed}-{name}")
        ready.wait()
        next_upload = self.start + 5.0
        while time.perf_counter() < self.start + self.seconds:
            if time.perf_counter() >= next_upload:
                next_upload = time.perf_counter() + UPLOAD_EVERY_S
                self.upload(client, name)
            else:
                self.ask(client, name, "question", rng.choice(self.single))
            if not self.think(rng):
                break


def check_answer(result) -> str:
    if not isinstance(result, dict):
        return f"not a JSON answer: {str(result)[:200]}"
    if not isinstance(result.get("answer"), str) or not result["answer"].strip():
        return f"no answer text: {str(result)[:200]}"
    return ""


def check_chat(result) -> str:
    if not isinstance(result, (list, tuple)) or not result or not isinstance(result[0], list) or not result[0]:
        return f"no chat history back: {str(result)[:200]}"
    last = result[0][-1]
    content = last.get("content") if isinstance(last, dict) else None
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    if not isinstance(last, dict) or last.get("role") != "assistant" or not text.strip():
        return f"no assistant message: {str(last)[:200]}"
    return ""


def check_upload(result) -> str:
    message = result[0] if isinstance(result, (list, tuple)) and result else result
    if not isinstance(message, str) or "✅" not in message or "❌" in message:
        return f"upload refused: {str(message)[:300]}"
    return ""


# -- the report ----------------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def overlaps(rec: Record, spans: list[tuple[float, float]]) -> bool:
    end = rec.started + rec.latency_s
    return any(rec.started < b and end > a for a, b in spans)


def report(run: Run, ended: float, sampler: MemorySampler, args, stuck: dict) -> int:
    records = sorted(run.records, key=lambda r: r.started)
    done = [r for r in records if r.ok]
    errors = [r for r in records if not r.ok]
    elapsed = ended - run.start
    last = max((r.started + r.latency_s for r in records), default=run.start) - run.start
    mb = lambda b: f"{b / 2**20:,.0f} MB"  # noqa: E731
    print()
    print(f"requests: {len(records)} finished ({len(done)} ok, {len(errors)} errors), {len(stuck)} still running "
          f"at the end; load window {args.seconds:.0f} s, last answer at {last:.1f} s")
    print(f"throughput: {len(done) / last if last else 0:.2f} ok req/s over {last:.1f} s "
          f"({sum(r.kind != 'upload' for r in done) / last if last else 0:.2f} answers/s)")
    print()
    print(f"{'kind':<14}{'n':>5}{'ok':>5}{'err':>5}{'p50 s':>9}{'p95 s':>9}{'max s':>9}{'mean s':>9}")
    for kind in ("question", "chat-question", "follow-up", "upload"):
        rows = [r for r in records if r.kind == kind]
        if not rows and kind == "chat-question":
            continue
        lat = [r.latency_s for r in rows if r.ok] or [math.nan]
        print(f"{kind:<14}{len(rows):>5}{sum(r.ok for r in rows):>5}{sum(not r.ok for r in rows):>5}"
              f"{percentile(lat, .5):>9.2f}{percentile(lat, .95):>9.2f}{max(lat):>9.2f}{sum(lat) / len(lat):>9.2f}")
    spans = [(r.started, r.started + r.latency_s) for r in records if r.kind == "upload"]
    if spans:
        answers = [r for r in done if r.kind != "upload"]
        during = [r.latency_s for r in answers if overlaps(r, spans)]
        outside = [r.latency_s for r in answers if not overlaps(r, spans)]
        for label, lat in (("while an upload ran", during), ("with no upload running", outside)):
            if lat:
                print(f"  questions+follow-ups {label}: n {len(lat)}, p50 {percentile(lat, .5):.2f} s, "
                      f"p95 {percentile(lat, .95):.2f} s")
        busy = sum(b - a for a, b in spans)
        print(f"  uploads ran {busy:.0f} s of the {last:.0f} s")
    service = [r.service_s for r in done if r.service_s is not None]
    if service:
        print(f"  /ask time inside the app (answer latency_ms, no queue wait): p50 {percentile(service, .5):.2f} s, "
              f"p95 {percentile(service, .95):.2f} s; the rest is the wait in Gradio's queue and the HTTP round trips")
    per_user = Counter(r.user for r in done)
    readers = [n for u, n in per_user.items() if u != ADMIN]
    print(f"per reader: {min(readers, default=0)}-{max(readers, default=0)} ok requests; "
          f"admin: {per_user.get(ADMIN, 0)} ok requests")
    print()
    print(f"errors: {len(errors)}" + (" (goal: 0)" if errors else ""))
    by_message: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for r in errors:
        by_message[(r.kind, r.error.splitlines()[0][:300] if r.error else "")].append(r)
    for (kind, message), group in sorted(by_message.items(), key=lambda item: -len(item[1]))[:8]:
        when = ", ".join(f"{r.started - run.start:.1f}" for r in group[:5])
        print(f"  {len(group)} x {kind}: {message}  (sent at t = {when} s)")
    for user, (kind, started) in stuck.items():
        print(f"  still running: {user} {kind} for {time.perf_counter() - started:.0f} s")
    for message in run.login_errors:
        print(f"  login: {message}")
    print()
    base_rss, base_cpu = sampler.marks["before"]
    end_rss, end_cpu = sampler.marks["after"]
    print(f"memory (RSS of the app process tree, {sampler.processes} process(es), sampled every 0.5 s): "
          f"peak {mb(sampler.peak)}; {mb(base_rss)} before the load, {mb(end_rss)} after")
    print(f"app CPU: {end_cpu - base_cpu:.0f} s over {elapsed:.0f} s = {(end_cpu - base_cpu) / elapsed:.2f} cores "
          f"busy on average (machine: {os.cpu_count()} cores, load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return 1 if errors or stuck or run.login_errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an ingested store; the bench works on a copy")
    parser.add_argument("--users", type=int, default=20, help="simulated users, one of them the admin")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--follow-ups", choices=["ask", "chat"], default="ask", dest="follow_route",
                        help="ask: a follow-up is a second /ask call (no history: /ask takes none); "
                             "chat: conversations go through the page's chat event, history included")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (store copy, app log)")
    args = parser.parse_args()
    if args.users < 1:
        parser.error("--users must be at least 1")
    if not args.store.is_dir() or not any(args.store.iterdir()):
        parser.error(f"{args.store} is not an ingested store: python -m assistant ingest data/plans --store DIR")

    work = Path(tempfile.mkdtemp(prefix="plan-load-"))
    store, log_path, upload_dir = work / "store", work / "app.log", work / "uploads"
    shutil.copytree(args.store, store)
    upload_dir.mkdir()
    users_file = work / "users.toml"
    accounts = [(ADMIN, "admin", "bench-password-0")] + [(f"reader{i:02d}", "reader", f"reader-pass-{i}")
                                                   for i in range(1, args.users)]
    for name, role, password in accounts:
        add_user(users_file, name, role, password)
    port = args.port or free_port()
    url = f"http://127.0.0.1:{port}/"
    print(f"load: {args.users} users ({args.users - 1} readers, 1 admin uploading every ~{UPLOAD_EVERY_S:.0f} s) "
          f"for {args.seconds:.0f} s against {url}")
    print(f"store: copy of {args.store}; follow-ups: " + (
        "second /ask call with the follow-up alone (the public /ask API takes no history; the chat event that "
        "does is private)" if args.follow_route == "ask" else
        "through the page's chat event (respond) with the conversation history, as the browser sends it"))
    print(f"machine: {os.cpu_count()} cores, load average before start "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    started = time.perf_counter()
    app = start_app(store, users_file, port, log_path)
    failed = 1
    try:
        wait_ready(app, url, log_path)
        print(f"app ready in {time.perf_counter() - started:.1f} s (pid {app.pid})")
        sampler = MemorySampler(app.pid)
        run = Run(url, args.seconds, args.follow_route, upload_dir, args.seed)

        clients: dict[str, object] = {}

        def login(name: str, password: str) -> None:
            try:
                clients[name] = run.login(name, password)
            except Exception as exc:  # noqa: BLE001
                run.login_errors.append(f"{name}: {type(exc).__name__}: {exc}")

        t0 = time.perf_counter()
        logins = [threading.Thread(target=login, args=(name, password)) for name, _, password in accounts]
        for t in logins:
            t.start()
        for t in logins:
            t.join()
        print(f"{len(clients)} of {len(accounts)} users logged in ({time.perf_counter() - t0:.1f} s, concurrently)")
        if not clients:
            raise RuntimeError("; ".join(run.login_errors))
        sampler.mark("before")
        sampler.start()
        ready = threading.Barrier(len(clients) + 1)
        threads = [threading.Thread(target=run.admin if name == ADMIN else run.reader,
                                    args=(client, name, ready), daemon=True, name=name)
                   for name, client in clients.items()]
        for t in threads:
            t.start()
        run.start = time.perf_counter()
        ready.wait()
        grace = 300.0  # a request still running this long after the window is reported as stuck
        for t in threads:
            t.join(timeout=max(0.0, run.start + args.seconds + grace - time.perf_counter()))
        ended = time.perf_counter()
        stuck = dict(run.in_flight)
        sampler.mark("after")
        sampler.stopped.set()
        sampler.join()
        failed = report(run, ended, sampler, args, stuck)
        tracebacks = log_path.read_text(errors="replace").count("Traceback")
        print(f"app log: {tracebacks} traceback(s) in {log_path}")
    finally:
        print(stop_app(app))
        if failed and not args.keep:
            print(f"kept {work} for a look at the app log")
        elif not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(failed)


if __name__ == "__main__":
    main()
