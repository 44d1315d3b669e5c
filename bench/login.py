"""Password guessing against the running app: what an attacker gets, and what the others feel meanwhile.

    python -m bench.login --store DIR [--seconds 20] [--threads 3]

Starts `app.py` on a copy of the store with the harness of bench.load, with loopback trusted as a
proxy so one machine can speak from many addresses (X-Forwarded-For). A reader, logged in first, keeps
asking: a light authenticated request (`/gradio_api/info`) every 0.1 s and an answer (`/ask`) in a loop.
Then, each for --seconds, --threads threads send wrong passwords as fast as the app answers:
  one address at one account (the admin), a new address for every try at one account, and one address
  with a new user name for every try.
Prints, per phase, the tries sent and the passwords the app actually checked (a 401; a 429 is refused
unchecked), per second, and the reader's latencies beside the no-attack baseline; the time a login
takes for a name nobody has against a known name with a wrong password; and whether the admin's own
password gets in while the guesses' wait runs and at the end.
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from assistant.users import add_user
from bench.load import free_port, percentile, start_app, stop_app, wait_ready

READER = ("reader01", "reader-pass-1")
ADMIN = ("admin", "bench-password-0")
TARGET = ("target", "bench-pass-2")
TIMING_ACCOUNTS = [(f"known{i:02d}", f"known-pass-{i:02d}") for i in range(12)]
QUESTION = "Sở Tài chính có trách nhiệm gì?"


class Reader(threading.Thread):
    """The other user: light requests and answers, each timed, labelled with the phase running."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        from gradio_client import Client

        self.url, self.phase, self.stopped = url, "baseline", threading.Event()
        self.http = httpx.Client(base_url=url, timeout=60)
        assert self.http.post("/login", data=dict(zip(("username", "password"), READER))).status_code == 200
        self.client = Client(url, auth=READER, verbose=False, download_files=False)
        self.light: dict[str, list[float]] = {}
        self.answers: dict[str, list[float]] = {}
        threading.Thread(target=self._answers, daemon=True).start()

    def run(self) -> None:
        while not self.stopped.wait(0.1):
            started = time.perf_counter()
            if self.http.get("/gradio_api/info").status_code == 200:
                self.light.setdefault(self.phase, []).append(time.perf_counter() - started)

    def _answers(self) -> None:
        while not self.stopped.is_set():
            phase, started = self.phase, time.perf_counter()
            self.client.predict(QUESTION, None, api_name="/ask")
            if phase == self.phase:
                self.answers.setdefault(phase, []).append(time.perf_counter() - started)


def attack(url: str, seconds: float, threads: int, tries) -> tuple[Counter, float]:
    """Wrong passwords from `threads` threads for `seconds`; tries() gives (name, address) for each."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def guess() -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            for n in itertools.count():
                if time.perf_counter() >= deadline:
                    return
                with lock:
                    name, address = tries()
                response = http.post("/login", data={"username": name, "password": f"guess-{n:06d}"},
                                     headers={"X-Forwarded-For": address})
                with lock:
                    statuses[response.status_code] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=guess) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses, time.perf_counter() - started


def login_ms(url: str, name: str, password: str, address: str) -> float:
    started = time.perf_counter()
    status = httpx.post(f"{url}/login", data={"username": name, "password": password},
                        headers={"X-Forwarded-For": address}, timeout=60).status_code
    assert status == 401, status
    return (time.perf_counter() - started) * 1000


def ms(values: list[float]) -> str:
    if not values:
        return "no requests finished"
    return (f"p50 {percentile(values, .5) * 1000:,.0f} ms, p95 {percentile(values, .95) * 1000:,.0f} ms "
            f"(n {len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an ingested store; the bench works on a copy")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="plan-login-"))
    store, log_path, users_file = work / "store", work / "app.log", work / "users.toml"
    shutil.copytree(args.store, store)
    for (name, password), role in [(ADMIN, "admin"), (READER, "reader"), (TARGET, "reader"),
                                   *((account, "reader") for account in TIMING_ACCOUNTS)]:
        add_user(users_file, name, role, password)
    os.environ["PLAN_ASSISTANT_TRUSTED_PROXIES"] = "127.0.0.1"  # start_app passes the environment on
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = start_app(store, users_file, port, log_path)
    try:
        wait_ready(app, url + "/", log_path)
        print(f"login bench against {url}: {args.threads} guessing threads, {args.seconds:.0f} s a phase, "
              f"machine {os.cpu_count()} cores")
        unknown = [login_ms(url, f"nobody{i:02d}", "a-wrong-guess", f"192.0.2.{i + 1}") for i in range(12)]
        known = [login_ms(url, name, "a-wrong-guess", f"192.0.2.{i + 101}")
                 for i, (name, _) in enumerate(TIMING_ACCOUNTS)]
        print(f"a failed login takes (median of 12): unknown name {statistics.median(unknown):.0f} ms, "
              f"known name with a wrong password {statistics.median(known):.0f} ms")

        reader = Reader(url)
        reader.start()
        time.sleep(args.seconds)
        addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))
        names = (f"guess{n:06d}" for n in itertools.count())
        phases = [("one address, one account (the admin)", lambda: (ADMIN[0], "198.51.100.1")),
                  ("a new address every try, one account", lambda: (TARGET[0], next(addresses))),
                  ("one address, a new user name every try", lambda: (next(names), "198.51.100.2"))]
        results, right = [], []
        for label, tries in phases:
            reader.phase = label
            results.append((label, *attack(url, args.seconds, args.threads, tries)))
            if not right:  # the admin's own password, from elsewhere, while the guesses' wait runs
                right.append(httpx.post(f"{url}/login", data=dict(zip(("username", "password"), ADMIN)),
                                        headers={"X-Forwarded-For": "192.0.2.250"}))
        reader.phase = "after"
        reader.stopped.set()

        print(f"\nreader meanwhile, no attack: /gradio_api/info {ms(reader.light.get('baseline', []))}; "
              f"/ask {ms(reader.answers.get('baseline', []))}")
        for label, statuses, elapsed in results:
            sent, checked = sum(statuses.values()), statuses[401]
            print(f"\n{label}: {sent} tries in {elapsed:.1f} s ({sent / elapsed:,.1f}/s); passwords checked "
                  f"{checked} ({checked / elapsed:.2f}/s), refused unchecked (429) {statuses[429]}, "
                  f"other {sum(n for s, n in statuses.items() if s not in (401, 429))}")
            print(f"  reader meanwhile: /gradio_api/info {ms(reader.light.get(label, []))}; "
                  f"/ask {ms(reader.answers.get(label, []))}")
        later = httpx.post(f"{url}/login", data=dict(zip(("username", "password"), ADMIN)),
                           headers={"X-Forwarded-For": "192.0.2.250"})
        for when, response in (("just after the first phase", right[0]), ("at the end", later)):
            print(f"\nthe admin's right password {when}, from another address: HTTP {response.status_code}"
                  + (f", Retry-After {response.headers['retry-after']} s" if "retry-after" in response.headers else ""))
    finally:
        print(stop_app(app))
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
