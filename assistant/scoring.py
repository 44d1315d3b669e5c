"""Vendored unchanged from the shared eval kit (score.py) so `python -m assistant eval` runs anywhere.

Score an assistant's answers against a gold question set.

    python score.py GOLD.jsonl ANSWERS.jsonl [--k 5] [--json]

GOLD.jsonl: one question per line (see FORMAT.md).
ANSWERS.jsonl: one line per question, as printed by
    python -m assistant ask --batch QUESTIONS.jsonl --json
matched to the gold by "id".

Text is compared after folding: Unicode NFD, combining marks dropped, đ->d,
lower case, everything but letters and digits removed. So tone-mark placement
(hoá/hóa), PDF line breaks and spacing never decide a match.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import unicodedata

MAX_HIT_CHARS = 2000  # a retrieved chunk longer than this never counts as a hit
MIN_ANCHOR = 16  # folded length from which an evidence string locates a passage on its own
MAX_ANSWER_CHARS = {"list": 1500, "summary": 1500, "cross_doc": 1500, "purpose": 1200}
DEFAULT_MAX_ANSWER = 800


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    return "".join(c for c in text if c.isalnum())


def contains(haystack: str, needle: str) -> bool:
    return fold(needle) in fold(haystack)


def load(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def anchors(gold: dict) -> list[str]:
    """Evidence strings distinctive enough to locate a passage (short ones like
    an agency name occur all over a plan), or all of them if none is."""
    long_ones = [ev for ev in gold["evidence"] if len(fold(ev)) >= MIN_ANCHOR]
    return long_ones or gold["evidence"]


def first_hit_rank(gold: dict, retrieved: list[dict], k: int) -> int | None:
    for rank, chunk in enumerate(retrieved[:k], start=1):
        text = chunk.get("text", "")
        if len(text) > MAX_HIT_CHARS:
            continue
        if any(contains(text, ev) for ev in anchors(gold)):
            return rank
    return None


def evidence_recall(gold: dict, chunks: list[dict]) -> float:
    texts = [c.get("text", "") for c in chunks if len(c.get("text", "")) <= MAX_HIT_CHARS]
    found = sum(1 for ev in gold["evidence"] if any(contains(t, ev) for t in texts))
    return found / len(gold["evidence"])


def score(gold_rows: list[dict], answers: dict[str, dict], k: int) -> dict:
    per_type: dict[str, list[int]] = {}
    hits, rr, recall, correct, abstain_ok = [], [], [], [], []
    cite_precision, cite_recall, latencies, missing = [], [], [], []
    by_lang: dict[str, list[int]] = {}
    for gold in gold_rows:
        ans = answers.get(gold["id"])
        if ans is None:
            missing.append(gold["id"])
            ans = {}
        if isinstance(ans.get("latency_ms"), (int, float)):
            latencies.append(float(ans["latency_ms"]))
        answerable = bool(gold["evidence"])
        abstained = bool(ans.get("abstained"))
        if not answerable:
            ok = abstained
            abstain_ok.append(int(ok))
            per_type.setdefault(gold["type"], []).append(int(ok))
            by_lang.setdefault(gold["lang"], []).append(int(ok))
            continue
        retrieved = ans.get("retrieved") or []
        rank = first_hit_rank(gold, retrieved, k)
        hits.append(int(rank is not None))
        rr.append(1.0 / rank if rank else 0.0)
        recall.append(evidence_recall(gold, retrieved[:k]))
        text = ans.get("answer") or ""
        limit = MAX_ANSWER_CHARS.get(gold["type"], DEFAULT_MAX_ANSWER)
        ok = (not abstained and len(text) <= limit
              and all(contains(text, m) for m in gold["must_include"]))
        correct.append(int(ok))
        per_type.setdefault(gold["type"], []).append(int(ok))
        by_lang.setdefault(gold["lang"], []).append(int(ok))
        cites = [c for c in (ans.get("citations") or []) if c.get("text")]
        if cites:
            good = sum(1 for c in cites if len(c["text"]) <= MAX_HIT_CHARS
                       and any(contains(c["text"], ev) for ev in anchors(gold)))
            cite_precision.append(good / len(cites))
            cite_recall.append(evidence_recall(gold, cites))
        else:
            cite_precision.append(0.0)
            cite_recall.append(0.0)

    def mean(xs):
        return round(sum(xs) / len(xs), 4) if xs else None

    def pct(xs, q):
        if not xs:
            return None
        xs = sorted(xs)
        return round(xs[min(len(xs) - 1, int(q * len(xs)))], 1)

    return {
        "questions": len(gold_rows),
        "missing_answers": len(missing),
        f"hit@{k}": mean(hits),
        "mrr": mean(rr),
        f"evidence_recall@{k}": mean(recall),
        "answer_accuracy": mean(correct),
        "citation_precision": mean(cite_precision),
        "citation_recall": mean(cite_recall),
        "abstain_accuracy": mean(abstain_ok),
        "false_abstain_rate": mean([int(bool(answers.get(g["id"], {}).get("abstained")))
                                    for g in gold_rows if g["evidence"]]),
        "accuracy_by_type": {t: mean(v) for t, v in sorted(per_type.items())},
        "accuracy_by_lang": {t: mean(v) for t, v in sorted(by_lang.items())},
        "latency_ms_p50": pct(latencies, 0.5),
        "latency_ms_p95": pct(latencies, 0.95),
        "latency_ms_mean": round(statistics.mean(latencies), 1) if latencies else None,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    ap.add_argument("answers")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    gold_rows = load(args.gold)
    answers = {a.get("id"): a for a in load(args.answers)}
    result = score(gold_rows, answers, args.k)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
