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
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.chunks import chunk_plan
from index.embedders import Embedder
from index.lexical import LexicalIndex
from index.plans import PlanStore, StoreError, _write_atomic
from index.vectors import VectorStore
from ingest import Plan


@dataclass(frozen=True)
class IndexChange:
    plan: str
    chunks: int  # chunks the plan has now
    embedded: int  # chunks that had to be embedded (0: nothing changed)
    removed: int  # stale chunks removed


class PlanIndex:
    def __init__(self, root: str | Path, embedder: Embedder, chroma_url: str | None = None):
        self.root = Path(root)
        self.embedder = embedder
        self.plans = PlanStore(self.root)
        self.vectors = VectorStore(self.root / "chroma", url=chroma_url)
        self.lexical = LexicalIndex(self.root / "lexical.sqlite")
        self.files_dir = self.root / "files"

    # -- the model the vectors belong to --------------------------------------------------------
    def _manifest(self) -> dict:
        path = self.root / "index.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def check_model(self) -> None:
        recorded = self._manifest().get("embedder")
        if recorded and recorded != self.embedder.name:
            raise StoreError(
                f"store {self.root} was embedded with {recorded}, but the configured model is "
                f"{self.embedder.name}. Use the model the store was built with, or re-embed it "
                f"(python -m assistant reindex --store {self.root}).")

    def _record_model(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self._manifest().get("embedder") != self.embedder.name:
            _write_atomic(self.root / "index.json", json.dumps({"embedder": self.embedder.name}))

    # -- writing ------------------------------------------------------------------------------------
    def add(self, plan: Plan, source: Path | None = None) -> IndexChange:
        """Index the plan; `source` (its file) is kept so a citation can open the original page."""
        self.check_model()
        chunks = chunk_plan(plan)
        present = self.vectors.ids(plan.key)
        new = [c for c in chunks if c.id not in present]
        if new:
            vectors = self.embedder.embed_documents([c.text for c in new], [c.context for c in new])
            self._record_model()
            self.vectors.upsert(new, np.asarray(vectors))
        self.vectors.refresh([c for c in chunks if c.id in present])
        stale = present - {c.id for c in chunks}
        self.vectors.delete(sorted(stale))
        if new or stale or self.lexical.chunk_ids(plan.key) != {c.id for c in chunks}:
            self.lexical.replace_plan(plan.key, [(c.id, f"{c.context}\n{c.text}") for c in chunks])
        if source is not None:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            kept = self.files_dir / plan.document
            if not kept.exists() or kept.read_bytes() != Path(source).read_bytes():
                tmp = kept.with_name(f".{kept.name}.tmp")
                shutil.copyfile(source, tmp)
                os.replace(tmp, kept)
        self.plans.put(plan)
        return IndexChange(plan.key, len(chunks), len(new), len(stale))

    def original(self, document: str) -> Path | None:
        """The kept original file of a plan, when there is one."""
        path = self.files_dir / Path(document).name
        return path if path.is_file() else None

    def remove(self, key: str) -> None:
        try:
            document = self.plans.get(key).document
        except KeyError:
            document = None
        self.vectors.delete(sorted(self.vectors.ids(key)))
        self.lexical.delete_plan(key)
        self.plans.delete(key)
        if document:
            (self.files_dir / document).unlink(missing_ok=True)

    def reembed(self) -> list[IndexChange]:
        """Embed every stored plan again with the configured model (after a model change)."""
        self.vectors.reset()
        manifest = self.root / "index.json"
        manifest.unlink(missing_ok=True)
        return [self.add(plan) for plan in self.plans.plans()]
