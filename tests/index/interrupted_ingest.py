"""Run the real `python -m assistant ingest`, and SIGKILL it at a named point.

    python -m tests.index.interrupted_ingest POINT -- INGEST ARGS...

The point is right after the named step of PlanIndex returns; the process kills
itself the way `kill -9` would (no cleanup, no atexit, no flush).
"""
from __future__ import annotations

import os
import signal
import sys

from assistant.cli import main
from index.lexical import LexicalIndex
from index.plan_index import PlanIndex
from index.plans import PlanStore
from index.vectors import VectorStore

POINTS = {
    "embedded": (PlanIndex, "_record_model"),  # vectors computed, none written
    "vectors_written": (VectorStore, "upsert"),  # new vectors in Chroma, plan not committed
    "committed": (PlanStore, "put"),  # plan file renamed into place, nothing settled
    "stale_deleted": (VectorStore, "delete"),  # settling: stale vectors gone, lexical still old
    "lexical_replaced": (LexicalIndex, "replace_plan"),  # settling: lexical new, journal still there
}


def kill_after(owner: type, name: str) -> None:
    original = getattr(owner, name)

    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(owner, name, wrapped)


if __name__ == "__main__":
    point, rest = sys.argv[1], sys.argv[sys.argv.index("--") + 1:]
    kill_after(*POINTS[point])
    sys.exit(main(rest))
