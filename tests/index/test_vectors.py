"""The Chroma adapter: real embedded Chroma on disk, vectors made up (no model needed)."""
import shutil
import threading

import numpy as np

from index.chunks import Chunk
from index.vectors import VectorStore


def _chunks(count: int) -> list[Chunk]:
    return [Chunk(id=f"p|{n}", plan="p", document="p.txt", section=f"I › {n}", page=1, kind="clause",
                  text=f"điều {n}", context="Kế hoạch", province="Gia Lai", year=2024) for n in range(count)]


def test_first_calls_from_two_threads_open_chroma_once(tmp_path):
    """The app's first two concurrent questions both opened the client: one failed with
    "Could not connect to tenant default_tenant" (9 runs in 10 before the lock)."""
    built = tmp_path / "built"
    store = VectorStore(built)
    chunks = _chunks(20)
    store.upsert(chunks, np.random.default_rng(1).normal(size=(20, 8)).astype(np.float32))
    del store

    for attempt in range(6):
        copy = tmp_path / f"copy{attempt}"
        shutil.copytree(built, copy)
        shared = VectorStore(copy)
        start = threading.Barrier(2)
        counts, errors = [], []

        def first_question():
            start.wait()
            try:
                counts.append(shared.count())
            except Exception as error:  # the failure under test, kept to report it
                errors.append(repr(error))

        threads = [threading.Thread(target=first_question) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and counts == [20, 20], (attempt, errors)


def test_query_returns_chunks_with_their_metadata(tmp_path):
    store = VectorStore(tmp_path / "chroma")
    chunks = _chunks(5)
    vectors = np.eye(5, 8, dtype=np.float32)
    store.upsert(chunks, vectors)
    found = store.query(vectors[3], 2, None)
    assert found[0][0] == chunks[3]
    assert [c.id for c, _ in store.query(vectors[3], 2, ["other-plan"])] == []


def test_exact_search_among_a_few_plans_agrees_with_chroma(tmp_path):
    store = VectorStore(tmp_path / "chroma")
    rng = np.random.default_rng(3)
    chunks = [Chunk(id=f"{plan}|{n}", plan=plan, document=f"{plan}.txt", section=f"I › {n}", page=1, kind="clause",
                    text=f"điều {n}", context=plan) for plan in ("a", "b", "c") for n in range(30)]
    vectors = rng.normal(size=(len(chunks), 16)).astype(np.float32)
    store.upsert(chunks, vectors)
    query = rng.normal(size=16).astype(np.float32)
    ids = [c.id for c in chunks if c.plan in ("a", "c")]
    exact = store.nearest_among(query, ids, 10)
    approximate = store.query(query, 10, ["a", "c"])
    assert [c.id for c, _ in exact] == [c.id for c, _ in approximate]
    assert all(abs(s1 - s2) < 1e-4 for (_, s1), (_, s2) in zip(exact, approximate))
    assert exact[0][0] == next(c for c in chunks if c.id == exact[0][0].id)  # text and metadata come back whole
    assert store.nearest_among(query, ["a|0", "missing"], 5)[0][0].id == "a|0"


def test_a_reset_forgets_the_vectors_kept_for_exact_search(tmp_path):
    """Chunk ids name content, not the model: after a re-embed the same ids carry other vectors."""
    store = VectorStore(tmp_path / "chroma")
    chunks = _chunks(3)
    store.upsert(chunks, np.eye(3, 8, dtype=np.float32))
    ids = [c.id for c in chunks]
    assert store.nearest_among(np.eye(1, 8, 0, dtype=np.float32)[0], ids, 1)[0][0].id == "p|0"
    store.reset()
    store.upsert(chunks, np.eye(3, 8, 5, dtype=np.float32))  # another model's vectors, same ids
    assert store.nearest_among(np.eye(1, 8, 5, dtype=np.float32)[0], ids, 1)[0][0].id == "p|0"
    assert store.nearest_among(np.eye(1, 8, 6, dtype=np.float32)[0], ids, 1)[0][0].id == "p|1"
