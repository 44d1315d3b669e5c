"""Fuzz the ingest parsers with hypothesis for a CPU-time budget; keep every crashing input.

    python -m bench.fuzz [--cpu-seconds 3600] [--keep tests/ingest/fuzz_cases]

Inputs are the sample plans rendered as TXT, PDF and DOCX, mutated byte-wise
(flips, cuts, splices, repeated spans), plus generated plan texts built from
the heading ladder, table rows and Vietnamese text with odd Unicode. The rule
under test: reading a file returns a Plan or raises IngestError, within a time
limit; anything else (another exception, a hang) is a crash. Each crash,
shrunk by hypothesis, is written to the keep folder, where
tests/ingest/test_fuzz_cases.py replays it on every test run.
"""
from __future__ import annotations

import argparse
import hashlib
import logging
import signal
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ingest import IngestError, PlanReader
from ingest.loaders import LoadLimits
from tests.render_samples import render_plan

SAMPLE_KEYS = ("dak-lak-2024", "quang-ngai-2018")
PER_INPUT_SECONDS = 20
# Small limits keep one input cheap; what is tested is the parsers' failure modes, not size.
LIMITS = LoadLimits(max_bytes=4 * 2**20, max_pages=60, max_docx_uncompressed=20 * 2**20, ocr_timeout_s=15)

LADDER = ["I.", "II.", "III.", "1.", "2.", "1.1.", "1.2.", "a)", "b)", "đ)", "-", "+", "PHỤ LỤC", "KẾ HOẠCH",
          "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "Số: 34/KH-UBND", "ngày 12 tháng 3 năm 2024", "STT", "|", "\f"]
WORDS = ["Sở Ngoại vụ", "chủ trì", "phối hợp", "Quý II", "năm 2024", "Hàn Quốc", "hoá", "thuỷ", "kinh phí",
         "Cơ quan chủ trì:", "Thời gian:", "<script>alert(1)</script>", "\u200b", "\ufeff", "e\u0301", "𝔘", "..."]


class Crash(Exception):
    pass


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"no result after {PER_INPUT_SECONDS} s")


def read(data: bytes, suffix: str, folder: Path) -> None:
    """Read one input; raise Crash for anything that is not a Plan or an IngestError."""
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    signal.alarm(PER_INPUT_SECONDS)
    try:
        PlanReader(LIMITS).run(path)
    except IngestError:
        pass
    except Hang as exc:
        raise Crash(f"Hang: {exc}") from None
    except Exception as exc:
        raise Crash(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-4)}") from exc
    finally:
        signal.alarm(0)


def mutate(seed: bytes, edits: list[tuple[int, int, int, bytes]]) -> bytes:
    data = bytearray(seed)
    for kind, position, length, payload in edits:
        if not data:
            break
        at = position % len(data)
        if kind == 0:  # overwrite bytes
            data[at:at + len(payload)] = payload
        elif kind == 1:  # cut a span
            del data[at:at + length]
        elif kind == 2:  # repeat a span
            data[at:at] = data[at:at + length] * (1 + length % 7)
        else:  # truncate
            del data[at:]
    return bytes(data)


edit_lists = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.integers(1, 512),
                                st.binary(min_size=1, max_size=16)), min_size=1, max_size=6)
plan_texts = st.lists(
    st.tuples(st.sampled_from(LADDER), st.lists(st.sampled_from(WORDS) | st.text(max_size=20), max_size=6)),
    max_size=60,
).map(lambda lines: "\n".join(head + " " + " ".join(words) for head, words in lines))


def run_round(seeds: dict[str, bytes], folder: Path, found: list[tuple[str, bytes, str]], examples: int) -> Counter:
    tried: Counter = Counter()
    last: dict = {}

    def check(data: bytes, suffix: str) -> None:
        tried[suffix] += 1
        last["input"] = (suffix, data)
        read(data, suffix, folder)

    config = settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                      phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
                      report_multiple_bugs=False)

    @config
    @given(st.sampled_from(sorted(seeds)), edit_lists)
    def mutated_file(name: str, edits) -> None:
        check(mutate(seeds[name], edits), Path(name).suffix)

    @config
    @given(plan_texts, st.sampled_from(["utf-8", "utf-16", "cp1258"]))
    def generated_text(text: str, encoding: str) -> None:
        check(text.encode(encoding, "replace"), ".txt")

    for target in (mutated_file, generated_text):
        try:
            target()
        except Crash as crash:
            suffix, data = last["input"]  # hypothesis replays the shrunk failing input last
            found.append((suffix, data, str(crash)))
    return tried


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu-seconds", type=float, default=3600)
    parser.add_argument("--keep", type=Path, default=Path("tests/ingest/fuzz_cases"))
    parser.add_argument("--examples-per-round", type=int, default=200)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    logging.disable(logging.WARNING)  # pypdf logs every repair it makes on a damaged file
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seeds: dict[str, bytes] = {}
        for key in SAMPLE_KEYS:
            for kind, path in render_plan(key, folder / "seeds").items():
                seeds[f"{key}.{kind}"] = path.read_bytes()
        found: list[tuple[str, bytes, str]] = []
        tried: Counter = Counter()
        started_cpu, started = time.process_time(), time.perf_counter()
        rounds = 0
        while time.process_time() - started_cpu < args.cpu_seconds:
            tried += run_round(seeds, folder, found, args.examples_per_round)
            rounds += 1
            for suffix, data, reason in found:
                name = hashlib.sha256(data).hexdigest()[:16] + suffix
                args.keep.mkdir(parents=True, exist_ok=True)
                if not (args.keep / name).exists():
                    (args.keep / name).write_bytes(data)
                    print(f"crash kept as {args.keep / name}: {reason.splitlines()[0]}", flush=True)
            found.clear()
            cpu = time.process_time() - started_cpu
            print(f"round {rounds}: {sum(tried.values())} inputs ({dict(tried)}), CPU {cpu:.0f} s, "
                  f"wall {time.perf_counter() - started:.0f} s", flush=True)
    kept = sorted(args.keep.glob("*")) if args.keep.exists() else []
    print(f"done: {sum(tried.values())} inputs in {time.process_time() - started_cpu:.0f} CPU s; "
          f"{len(kept)} crashing inputs kept in {args.keep}")


if __name__ == "__main__":
    main()
