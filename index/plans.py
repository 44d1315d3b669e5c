"""The plan store: parsed plans as JSON files in the data folder.

Each plan is written to a temporary file and renamed into place, so a crash
mid-write leaves the previous version intact. That rename is also the commit
of an ingest: the file lists the chunk ids that are the plan's live chunks
(and the digest of the file it was read from), so vectors and lexical rows
written before it, by an ingest that never finished, are not read.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ingest import Plan, Task

STORE_VERSION = 2
# Version 1 plans carry no chunk ids: every stored vector of such a plan counts as live.
READABLE_VERSIONS = (1, 2)
# A folder's mtime moves in clock ticks: a listing taken this soon after a change may miss a second
# change in the same tick, so it is not kept.
SETTLED_NS = 1_000_000_000


Derived = TypeVar("Derived")


class StoreError(Exception):
    pass


@dataclass(frozen=True)
class StoredPlan:
    plan: Plan
    chunk_ids: frozenset[str] | None  # None: a version 1 plan, whose live chunks are all it has
    source_sha256: str | None  # the file it was read from, to skip re-reading an unchanged file


class PlanStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.plans_dir = self.root / "plans"
        self._parsed: dict[Path, tuple[int, StoredPlan]] = {}  # file -> (mtime_ns, entry): each file parsed once
        self._version_checked = False
        self._catalog: tuple[int, tuple[Plan, ...]] | None = None  # (generation, every plan)
        self._derived: dict[Callable, tuple[tuple[Plan, ...], object]] = {}  # build -> (plans, what it built)

    def check_version(self) -> None:
        """Refuse, before reading any plan, a store this program cannot read whole."""
        if self._version_checked:
            return
        manifest = self.root / "store.json"
        if manifest.exists():
            try:
                version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
            except (ValueError, AttributeError):
                raise StoreError(f"store {self.root}: store.json is damaged; re-ingest the plans into a new "
                                 f"store") from None
            if version not in READABLE_VERSIONS:
                raise StoreError(f"store {self.root} was written by store version {version}; this program reads "
                                 f"versions {', '.join(map(str, READABLE_VERSIONS))}. Use the program that wrote it, "
                                 f"or re-ingest the plans into a new store.")
        self._version_checked = True

    def generation(self) -> int:
        """Changes whenever a plan is added, replaced or removed (by any process)."""
        try:
            return self.plans_dir.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def put(self, plan: Plan, chunk_ids: list[str] | None = None, source_sha256: str | None = None) -> None:
        """Write the plan; its rename into place is the moment it (and these chunk ids) become live."""
        self.check_version()
        self.plans_dir.mkdir(parents=True, exist_ok=True)
        manifest = self.root / "store.json"
        if not manifest.exists() or json.loads(manifest.read_text(encoding="utf-8")).get("version") != STORE_VERSION:
            write_atomic(manifest, json.dumps({"version": STORE_VERSION}))
        data = plan.to_dict()
        data["index"] = {"chunk_ids": chunk_ids, "source_sha256": source_sha256}
        write_atomic(self.plans_dir / f"{plan.key}.json", json.dumps(data, ensure_ascii=False, indent=1))

    def entry(self, key: str) -> StoredPlan:
        self.check_version()
        path = self.plans_dir / f"{key}.json"
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            raise KeyError(key) from None
        cached = self._parsed.get(path)
        if cached is None or cached[0] != mtime:
            data = json.loads(path.read_text(encoding="utf-8"))
            index = data.get("index") or {}
            ids = index.get("chunk_ids")
            cached = (mtime, StoredPlan(Plan.from_dict(data), None if ids is None else frozenset(ids),
                                        index.get("source_sha256")))
            self._parsed[path] = cached
        return cached[1]

    def get(self, key: str) -> Plan:
        return self.entry(key).plan

    def delete(self, key: str) -> None:
        (self.plans_dir / f"{key}.json").unlink(missing_ok=True)

    def plans(self) -> tuple[Plan, ...]:
        """Every plan, by key. The same tuple is returned until a plan changes, so what callers derive
        from it can be kept by its identity; listing a large store (thousands of files) is not per question."""
        self.check_version()
        generation = self.generation()
        if self._catalog is not None and self._catalog[0] == generation:
            return self._catalog[1]
        if not self.plans_dir.exists():
            return ()
        plans = tuple(self.get(p.stem) for p in sorted(self.plans_dir.glob("*.json")))
        if time.time_ns() - generation > SETTLED_NS:
            self._catalog = (generation, plans)
        return plans

    def derived(self, build: Callable[[tuple[Plan, ...]], Derived]) -> Derived:
        """build(every plan), kept until a plan changes: what questions need from the whole list (folded
        place names, responsibility leads) is not worked out again for each question."""
        plans = self.plans()
        kept = self._derived.get(build)
        if kept is None or kept[0] is not plans:
            kept = (plans, build(plans))
            self._derived[build] = kept
        return kept[1]

    def tasks(self) -> list[tuple[Plan, Task]]:
        return [(plan, task) for plan in self.plans() for task in plan.tasks]


def write_atomic(path: Path, text: str, mode: int | None = None) -> None:
    """Written beside the target and renamed over it: a reader sees the old file or the new, never half.
    mkstemp creates the file 0600; `mode`, when given, is set before the rename (0600 keeps it private)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
