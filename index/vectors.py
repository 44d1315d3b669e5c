"""Vector store adapter: chunks and their embeddings in Chroma.

Embedded on disk (`PersistentClient` in the data folder) by default; a Chroma
server (`HttpClient`) when a URL is configured, so several processes can
share one index. Chroma never embeds anything itself here: its default
embedding function downloads a model.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from urllib.parse import urlparse

import numpy as np

from index.chunks import Chunk

COLLECTION = "chunks"
# Vectors kept in memory for exact search within a few plans (3 KB each: ~60 MB). A chunk id names its
# content, so a kept vector goes stale only when every vector does: reset() (a re-embed) forgets them.
KEPT_VECTORS = 20_000


class VectorStore:
    def __init__(self, path=None, url: str | None = None, collection: str = COLLECTION):
        self.path = path
        self.url = url
        self.collection_name = collection
        self._client = None
        self._collection = None
        # Chroma's client setup is not safe to run twice at once: the app's first concurrent
        # questions raced here ("Could not connect to tenant default_tenant").
        self._opening = threading.RLock()
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()
        self._keeping = threading.Lock()

    def _connect(self):
        with self._opening:
            return self._open_client()

    def _open_client(self):
        if self._client is None:
            import chromadb
            from chromadb.config import Settings

            settings = Settings(anonymized_telemetry=False)
            if self.url:
                parts = urlparse(self.url)
                self._client = chromadb.HttpClient(host=parts.hostname or "localhost",
                                                   port=parts.port or 8000, ssl=parts.scheme == "https",
                                                   settings=settings)
            else:
                self._client = chromadb.PersistentClient(path=str(self.path), settings=settings)
        return self._client

    @property
    def collection(self):
        with self._opening:
            if self._collection is None:
                self._collection = self._connect().get_or_create_collection(
                    self.collection_name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
            return self._collection

    def ids(self, plan: str) -> set[str]:
        return set(self.collection.get(where={"plan": plan}, include=[])["ids"])

    def count(self) -> int:
        return self.collection.count()

    def upsert(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        for start in range(0, len(chunks), 500):
            batch = chunks[start:start + 500]
            self.collection.upsert(ids=[c.id for c in batch], embeddings=vectors[start:start + 500],
                                   documents=[c.text for c in batch], metadatas=[_metadata(c) for c in batch])

    def refresh(self, chunks: list[Chunk]) -> int:
        """Rewrite the metadata of chunks that are already embedded but now read differently
        (the same plan from a PDF instead of a TXT: other file name, other pages). Returns how many changed."""
        if not chunks:
            return 0
        stored = {c.id: c for c in self.get([c.id for c in chunks])}
        changed = [c for c in chunks if c.id in stored and stored[c.id] != c]
        for start in range(0, len(changed), 500):
            batch = changed[start:start + 500]
            # Same id, same words: only the metadata moves (giving documents would make Chroma re-embed).
            self.collection.update(ids=[c.id for c in batch], metadatas=[_metadata(c) for c in batch])
        return len(changed)

    def delete(self, ids: list[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    def query(self, vector: np.ndarray, k: int, plans: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """The k nearest chunks with cosine similarity (higher is better)."""
        if plans is not None and not plans:
            return []
        where = {"plan": {"$in": list(plans)}} if plans is not None else None
        # No count() first: it costs 40 ms at 300k chunks, and Chroma returns fewer results when it has fewer.
        result = self.collection.query(query_embeddings=[vector], n_results=k, where=where,
                                       include=["documents", "metadatas", "distances"])
        return [(_chunk(i, d, m), 1.0 - dist) for i, d, m, dist in
                zip(result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0])]

    def nearest_among(self, vector: np.ndarray, ids: list[str], k: int) -> list[tuple[Chunk, float]]:
        """Exact cosine search over these chunks (the plans a question is narrowed to). At 300k chunks
        Chroma's filtered HNSW query takes 60-80 ms; reading a plan's vectors (once) and a dot product, ~5."""
        with self._keeping:
            missing = [i for i in ids if i not in self._kept]
        if missing:
            got = self.collection.get(ids=missing, include=["embeddings"])
            found = {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"])}
            with self._keeping:
                self._kept.update((i, v / (np.linalg.norm(v) or 1.0)) for i, v in found.items())
                while len(self._kept) > KEPT_VECTORS:
                    self._kept.popitem(last=False)
        with self._keeping:
            known = [i for i in ids if i in self._kept]
            for i in known:
                self._kept.move_to_end(i)
            matrix = np.stack([self._kept[i] for i in known]) if known else None
        if matrix is None:
            return []
        query = np.asarray(vector, dtype=np.float32)
        similarities = matrix @ (query / (np.linalg.norm(query) or 1.0))
        best = np.argsort(-similarities, kind="stable")[:k]
        chunks = {c.id: c for c in self._read([known[i] for i in best])}
        return [(chunks[known[i]], float(similarities[i])) for i in best if known[i] in chunks]

    def get(self, ids: list[str]) -> list[Chunk]:
        return self._read(ids)

    def _read(self, ids: list[str]) -> list[Chunk]:
        if not ids:
            return []
        result = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        found = {i: _chunk(i, d, m) for i, d, m in zip(result["ids"], result["documents"], result["metadatas"])}
        return [found[i] for i in ids if i in found]

    def reset(self) -> None:
        """Drop every vector (a re-embed with another model starts from here)."""
        with self._opening:
            with self._keeping:
                self._kept.clear()
            try:
                self._connect().delete_collection(self.collection_name)
            except Exception:  # chromadb raises NotFoundError or ValueError depending on the backend
                pass
            self._collection = None


def _metadata(chunk: Chunk) -> dict:
    return {"plan": chunk.plan, "document": chunk.document, "section": chunk.section, "page": chunk.page,
            "kind": chunk.kind, "context": chunk.context, "province": chunk.province,
            "district": chunk.district, "year": chunk.year, "pages": ",".join(map(str, chunk.pages)),
            "labels": "\n".join(chunk.labels)}


def _chunk(chunk_id: str, text: str, meta: dict) -> Chunk:
    pages = tuple(int(p) for p in str(meta.get("pages", "")).split(",") if p)
    return Chunk(id=chunk_id, plan=meta["plan"], document=meta["document"], section=meta["section"],
                 page=int(meta["page"]), kind=meta["kind"], text=text, context=meta["context"],
                 province=meta.get("province", ""), district=meta.get("district", ""),
                 year=int(meta.get("year", 0)), pages=pages,
                 labels=tuple(label for label in str(meta.get("labels", "")).split("\n") if label))
