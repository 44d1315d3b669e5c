"""The assistant as one object: settings in, index and retriever built once, questions answered."""
from __future__ import annotations

import time
from functools import cached_property

from assistant.answers import Answer, quote_best
from assistant.settings import Settings
from index.embedders import make_embedder
from index.plan_index import PlanIndex
from index.retriever import Filters, Retrieval, Retriever

FOLLOW_UP_WORDS = 8  # a question this short, after another, is read together with it


class Assistant:
    def __init__(self, settings: Settings):
        self.settings = settings

    @cached_property
    def index(self) -> PlanIndex:
        embedder = make_embedder(self.settings.embedding_model, cache=self.settings.model_cache,
                                 threads=self.settings.embedding_threads)
        return PlanIndex(self.settings.store, embedder, chroma_url=self.settings.chroma_url)

    @cached_property
    def retriever(self) -> Retriever:
        self.index.check_model()
        return Retriever(self.index)

    def search(self, question: str, k: int = 10, filters: Filters = Filters()) -> Retrieval:
        return self.retriever.run(question, k=k, filters=filters)

    def ask(self, question: str, history: list[dict] | None = None, filters: Filters = Filters(),
            k: int = 10) -> Answer:
        started = time.perf_counter()
        retrieval = self.retriever.run(with_history(question, history or []), k=k, filters=filters)
        retrieval.question = question
        answer = quote_best(retrieval)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer


def with_history(question: str, history: list[dict]) -> str:
    """A short follow-up ("Thế còn thời gian?") is searched together with the previous user question."""
    previous = [m.get("content", "") for m in history if m.get("role") == "user"]
    if previous and isinstance(previous[-1], str) and len(question.split()) <= FOLLOW_UP_WORDS:
        return f"{previous[-1]} {question}"
    return question
