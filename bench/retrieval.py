"""Retrieval quality and speed: this project against the pipelines a user would build instead.

    python -m bench.retrieval [--gold data/eval/dev.jsonl] [--store DIR]

In one run, on the gold questions that have evidence:
- ours: structure-aware chunks, EmbeddingGemma, Chroma, BM25 fusion, narrowing;
- langchain: the LangChain tutorial pipeline, RecursiveCharacterTextSplitter(1000, 200)
  over each plan's raw text, the same embedding model (with its prompts), Chroma top-k;
- bm25: our lexical index alone.
Prints hit@1, hit@5 and MRR@5 by language (the scorer's rules), query latency
p50/p95, and the time to embed a query alone.
Without --store, the sample plans are indexed into a temporary store first.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from assistant import scoring
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT, load_settings
from index.retriever import Retriever
from ingest import PlanReader

GOLD = PROJECT_ROOT / "data" / "eval" / "dev.jsonl"


def langchain_peer(embedder, plans_dir: Path, workdir: Path):
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    class SameModel(Embeddings):
        def embed_documents(self, texts):
            return embedder.embed_documents(texts, ["none"] * len(texts)).tolist()

        def embed_query(self, text):
            return embedder.embed_query(text).tolist()

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    documents = [Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": path.name})
                 for path in sorted(plans_dir.glob("*.txt"))]
    splits = splitter.split_documents(documents)
    started = time.perf_counter()
    store = Chroma(collection_name="peer", embedding_function=SameModel(), persist_directory=str(workdir / "peer"))
    store.add_documents(splits)
    print(f"langchain peer: {len(splits)} chunks embedded in {time.perf_counter() - started:.0f} s")
    return lambda question, k: [d.page_content for d in store.similarity_search(question, k=k)]


def evaluate(name: str, search, gold: list[dict]) -> dict:
    ranks: dict[str, list[int | None]] = {}
    latencies = []
    for item in gold:
        question = _with_context(item["question"], [{"role": "user", "content": item["context"]}]
                                 if item.get("context") else [])
        started = time.perf_counter()
        texts = search(question, 10)
        latencies.append((time.perf_counter() - started) * 1000)
        rank = scoring.first_hit_rank(item, [{"text": t} for t in texts], 5)
        ranks.setdefault(item["lang"], []).append(rank)
        ranks.setdefault("all", []).append(rank)
    result = {"name": name, "p50": statistics.median(latencies),
              "p95": sorted(latencies)[int(0.95 * (len(latencies) - 1))]}
    for lang, found in ranks.items():
        result[lang] = (sum(r == 1 for r in found) / len(found), sum(r is not None for r in found) / len(found),
                        sum(1 / r for r in found if r) / len(found), len(found))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--store", type=Path, help="an index of the sample plans (default: build one)")
    args = parser.parse_args()
    gold = [g for g in scoring.load(str(args.gold)) if g["evidence"]]
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = args.store
        if store is None:
            store = tmp / "store"
            index = Assistant(replace(settings, store=store, embedding_threads=settings.ingest_threads)).index
            started = time.perf_counter()
            for path in sorted(settings.sample_plans.glob("*.txt")):
                index.add(PlanReader().run(path))
            print(f"ours: sample plans indexed in {time.perf_counter() - started:.0f} s")
        assistant = Assistant(replace(settings, store=store))
        retriever: Retriever = assistant.retriever
        retriever.warm_up()
        embedder = assistant.index.embedder
        peer = langchain_peer(embedder, settings.sample_plans, tmp)
        chunk_text = {}

        def bm25(question, k):
            folded = retriever.language(question)[1]
            hits = assistant.index.lexical.search(question, k, folded=folded)
            missing = [h.chunk_id for h in hits if h.chunk_id not in chunk_text]
            chunk_text.update({c.id: c.text for c in assistant.index.vectors.get(missing)})
            return [chunk_text[h.chunk_id] for h in hits if h.chunk_id in chunk_text]

        query_ms = []
        for item in gold:
            started = time.perf_counter()
            embedder.embed_query(item["question"])
            query_ms.append((time.perf_counter() - started) * 1000)
        results = [
            evaluate("ours", lambda q, k: [i.chunk.text for i in retriever.run(q, k=k).items], gold),
            evaluate("langchain", peer, gold),
            evaluate("bm25", bm25, gold),
        ]
    print(f"\n{len(gold)} questions with evidence ({args.gold.name}); embedding a query alone: "
          f"p50 {statistics.median(query_ms):.0f} ms")
    print(f"{'pipeline':10} {'lang':4} {'n':>3} {'hit@1':>6} {'hit@5':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for result in results:
        for lang in ("vi", "en", "all"):
            hit1, hit5, mrr, n = result[lang]
            print(f"{result['name']:10} {lang:4} {n:3} {hit1:6.3f} {hit5:6.3f} {mrr:6.3f} "
                  f"{result['p50']:7.0f} {result['p95']:7.0f}")


if __name__ == "__main__":
    main()


def _with_context(question: str, history: list[dict]) -> str:
    """A follow-up searched together with the earlier question, as the answerer reads it."""
    earlier = [m["content"] for m in history if m.get("role") == "user"]
    return f"{earlier[-1]} {question}" if earlier else question
