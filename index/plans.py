"""The plan store: parsed plans as JSON files in the data folder.

Each plan is written to a temporary file and renamed into place, so a crash
mid-write leaves the previous version intact.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ingest import Plan, Task

STORE_VERSION = 1


class StoreError(Exception):
    pass


class PlanStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.plans_dir = self.root / "plans"
        self._parsed: dict[Path, tuple[int, Plan]] = {}  # file -> (mtime_ns, plan): each file is parsed once

    def _check_version(self) -> None:
        manifest = self.root / "store.json"
        if not manifest.exists():
            return
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        if version != STORE_VERSION:
            raise StoreError(f"store {self.root} was written by store version {version}; "
                             f"this program reads version {STORE_VERSION}. Re-ingest the plans into a new store.")

    def put(self, plan: Plan) -> None:
        self._check_version()
        self.plans_dir.mkdir(parents=True, exist_ok=True)
        manifest = self.root / "store.json"
        if not manifest.exists():
            _write_atomic(manifest, json.dumps({"version": STORE_VERSION}))
        _write_atomic(self.plans_dir / f"{plan.key}.json",
                      json.dumps(plan.to_dict(), ensure_ascii=False, indent=1))

    def get(self, key: str) -> Plan:
        path = self.plans_dir / f"{key}.json"
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            raise KeyError(key) from None
        cached = self._parsed.get(path)
        if cached is None or cached[0] != mtime:
            cached = (mtime, Plan.from_dict(json.loads(path.read_text(encoding="utf-8"))))
            self._parsed[path] = cached
        return cached[1]

    def delete(self, key: str) -> None:
        (self.plans_dir / f"{key}.json").unlink(missing_ok=True)

    def plans(self) -> list[Plan]:
        self._check_version()
        if not self.plans_dir.exists():
            return []
        return [self.get(p.stem) for p in sorted(self.plans_dir.glob("*.json"))]

    def tasks(self) -> list[tuple[Plan, Task]]:
        return [(plan, task) for plan in self.plans() for task in plan.tasks]


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
