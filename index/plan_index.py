"""The store folder as one index: parsed plans, their chunk vectors and the lexical index.

    data/store/
      store.json        store version
      index.json        the embedding model the vectors were made with
      plans/<key>.json  parsed plans (PlanStore)
      chroma/           vectors (or a Chroma server, when a URL is configured)
      lexical.sqlite    BM25 index
      files/            the original files, for opening a cited page

Chunk ids hash the chunk's content, so adding a plan again embeds only what
changed, and chunks the new version no longer has are removed.

Adding or removing a plan is atomic. Under the store's write lock it writes a
journal entry (pending/<plan>.json), then the new vectors, then commits by
renaming the plan's JSON into place (PlanStore.put), which names the plan's
live chunk ids. Readers ignore chunks that are not live, so a crash before the
commit leaves the store answering exactly as before. After the commit the
store is settled: stale vectors and lexical rows go, the original file is
moved in, the journal entry is removed. Settling is idempotent; whoever opens
the store next finishes an interrupted one.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.chunks import Chunk, chunk_plan
from index.embedders import Embedder
from index.lexical import LexicalIndex
from index.plans import PlanStore, StoreError, write_atomic
from index.vectors import VectorStore
from ingest import Plan
from ingest.records import READER_VERSION

# Up to this many chunks (a province's plans over a decade), a narrowed question's dense search is exact
# among them; beyond it, Chroma's filtered HNSW query is cheaper than reading their vectors.
EXACT_SEARCH_CHUNKS = 1_000

@dataclass(frozen=True)
class IndexChange:
    plan: str
    chunks: int  # chunks the plan has now
    embedded: int  # chunks that had to be embedded (0: nothing changed)
    removed: int  # stale chunks removed
    unchanged: bool = False  # the same file was indexed before: nothing was read or written


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class PlanIndex:
    def __init__(self, root: str | Path, embedder: Embedder, chroma_url: str | None = None):
        self.root = Path(root)
        self.embedder = embedder
        self.plans = PlanStore(self.root)
        self.vectors = VectorStore(self.root / "chroma", url=chroma_url)
        self.lexical = LexicalIndex(self.root / "lexical.sqlite")
        self.files_dir = self.root / "files"
        self.pending_dir = self.root / "pending"
        self._live: dict[str, tuple[int, frozenset[str] | None]] = {}

    # -- the model the vectors belong to --------------------------------------------------------
    def _manifest(self) -> dict:
        path = self.root / "index.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def check_model(self) -> None:
        self.plans.check_version()
        recorded = self._manifest().get("embedder")
        if recorded and recorded != self.embedder.name:
            raise StoreError(
                f"store {self.root} was embedded with {recorded}, but the configured model is "
                f"{self.embedder.name}. Use the model the store was built with, or re-embed it "
                f"(python -m assistant reindex --store {self.root}).")

    def _record_model(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self._manifest().get("embedder") != self.embedder.name:
            write_atomic(self.root / "index.json", json.dumps({"embedder": self.embedder.name}))

    # -- what readers see ---------------------------------------------------------------------------
    def generation(self) -> int:
        return self.plans.generation()

    def is_live(self, plan: str, chunk_id: str) -> bool:
        """Whether the chunk belongs to the committed version of its plan (not to an unfinished ingest)."""
        try:
            mtime = (self.plans.plans_dir / f"{plan}.json").stat().st_mtime_ns
        except FileNotFoundError:
            return False
        cached = self._live.get(plan)
        if cached is None or cached[0] != mtime:
            try:
                cached = (mtime, self.plans.entry(plan).chunk_ids)
            except KeyError:
                return False
            self._live[plan] = cached
        return cached[1] is None or chunk_id in cached[1]

    def nearest(self, vector: np.ndarray, k: int, plans: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """The k chunks nearest the query vector, in these plans (None: all), as (Chunk, cosine).
        A question narrowed to a few plans is searched exactly among their committed chunks."""
        if plans is not None:
            ids = self._chunk_ids(plans)
            if ids is not None and len(ids) <= EXACT_SEARCH_CHUNKS:
                return self.vectors.nearest_among(vector, ids, k)
        return self.vectors.query(vector, k, plans)

    def _chunk_ids(self, plans: list[str]) -> list[str] | None:
        """The live chunk ids of these plans, or None when a plan does not list them (store version 1)."""
        ids: list[str] = []
        for key in plans:
            try:
                live = self.plans.entry(key).chunk_ids
            except KeyError:
                continue
            if live is None:
                return None
            ids.extend(sorted(live))
        return ids

    def unchanged(self, path: Path) -> Plan | None:
        """The stored plan read from exactly this file, if there is one."""
        key = Path(path).name.rsplit(".", 1)[0]
        try:
            stored = self.plans.entry(key)
        except KeyError:
            return None
        if stored.plan.document != Path(path).name or stored.source_sha256 != file_digest(path) \
                or stored.plan.reader != READER_VERSION:
            return None
        return stored.plan

    # -- writing ------------------------------------------------------------------------------------
    @contextmanager
    def _write_lock(self, wait: bool = True):
        """One writer per store, across processes; the kernel releases it if the writer dies."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".write.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, plan: Plan, source: Path | None = None) -> IndexChange:
        """Index the plan; `source` (its file) is kept so a citation can open the original page."""
        self.check_model()
        chunks = chunk_plan(plan)
        ids = [c.id for c in chunks]
        digest = file_digest(source) if source is not None else None
        with self._write_lock():
            self._settle_pending()
            try:
                stored = self.plans.entry(plan.key)
            except KeyError:
                stored = None
            present = self.vectors.ids(plan.key)
            if (stored is not None and stored.plan == plan and stored.chunk_ids == frozenset(ids)
                    and present == set(ids) and (digest is None or digest == stored.source_sha256)):
                return IndexChange(plan.key, len(chunks), 0, 0, unchanged=True)
            self._begin(plan.key, plan.document if source is not None else None)
            try:
                new = [c for c in chunks if c.id not in present]
                if new:
                    vectors = self.embedder.embed_documents([c.text for c in new], [c.context for c in new])
                    self._record_model()
                    self.vectors.upsert(new, np.asarray(vectors))
                if source is not None:
                    self.files_dir.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, self._staged_file(plan.document))
                self.plans.put(plan, ids, digest or (stored.source_sha256 if stored else None))  # the commit
            finally:
                removed = self._settle(plan.key)
        return IndexChange(plan.key, len(chunks), len(new), removed)

    def remove(self, key: str) -> None:
        with self._write_lock():
            self._settle_pending()
            try:
                document = self.plans.get(key).document
            except KeyError:
                document = None
            self._begin(key, None)
            self.plans.delete(key)  # the commit
            if document:
                (self.files_dir / document).unlink(missing_ok=True)
            self._settle(key)

    def reembed(self) -> list[IndexChange]:
        """Embed every stored plan again with the configured model (after a model change)."""
        self.vectors.reset()
        manifest = self.root / "index.json"
        manifest.unlink(missing_ok=True)
        return [self.add(plan) for plan in self.plans.plans()]

    def original(self, document: str) -> Path | None:
        """The kept original file of a plan, when there is one."""
        path = self.files_dir / Path(document).name
        return path if path.is_file() else None

    # -- the journal ----------------------------------------------------------------------------
    def _staged_file(self, document: str) -> Path:
        return self.files_dir / f".{Path(document).name}.staged"

    def _begin(self, key: str, document: str | None) -> None:
        self.pending_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(self.pending_dir / f"{key}.json", json.dumps({"plan": key, "document": document}))

    def _settle(self, key: str) -> int:
        """Make vectors, lexical rows and the kept file agree with the committed plan (or its absence);
        returns how many stale vectors went."""
        journal = self.pending_dir / f"{key}.json"
        document = json.loads(journal.read_text(encoding="utf-8")).get("document") if journal.exists() else None
        try:
            stored = self.plans.entry(key)
        except KeyError:
            stored = None
        chunks = chunk_plan(stored.plan) if stored else []
        if stored is None:
            live: set[str] = set()
        elif stored.chunk_ids is None:  # a version 1 plan: what chunking it gives now is what it has
            live = {c.id for c in chunks}
        else:
            live = set(stored.chunk_ids)
        present = self.vectors.ids(key)
        stale = sorted(present - live)
        self.vectors.delete(stale)
        self.vectors.refresh([c for c in chunks if c.id in live and c.id in present])
        lexical = [(c.id, f"{c.context}\n{c.text}") for c in chunks if c.id in live]
        if self.lexical.chunk_ids(key) != {i for i, _ in lexical}:
            self.lexical.replace_plan(key, lexical)
        if document:
            staged = self._staged_file(document)
            if staged.exists():
                if stored and stored.plan.document == Path(document).name:
                    os.replace(staged, self.files_dir / Path(document).name)
                else:
                    staged.unlink()
        journal.unlink(missing_ok=True)
        return len(stale)

    def _settle_pending(self) -> list[str]:
        if not self.pending_dir.is_dir():
            return []
        keys = sorted(p.stem for p in self.pending_dir.glob("*.json"))
        for key in keys:
            self._settle(key)
        return keys

    def recover(self) -> list[str]:
        """Finish or undo ingests that were interrupted (a crash, kill -9, a full disk); returns their plans.
        Skipped while another process is writing: that writer settles them."""
        if not self.pending_dir.is_dir() or not any(self.pending_dir.glob("*.json")):
            return []
        with self._write_lock(wait=False) as locked:
            return self._settle_pending() if locked else []

    def pending(self) -> bool:
        return self.pending_dir.is_dir() and any(self.pending_dir.glob("*.json"))
