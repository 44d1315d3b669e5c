"""Answers with citations, as `ask` prints them and the app shows them."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.retriever import Retrieval, Retrieved


@dataclass(frozen=True)
class Citation:
    n: int
    document: str
    section: str
    page: int
    text: str  # the cited chunk's full text
    quote: str  # the span of it that supports the claim

    def to_dict(self) -> dict:
        return {"n": self.n, "document": self.document, "section": self.section, "page": self.page,
                "text": self.text, "quote": self.quote}


@dataclass
class Answer:
    question: str
    text: str
    abstained: bool
    citations: list[Citation]
    retrieval: Retrieval
    latency_ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    focus: str = ""  # the agency the answer is about, for a follow-up ("Phòng đó còn làm gì?")

    def to_dict(self) -> dict:
        return {"answer": self.text, "abstained": self.abstained,
                "citations": [c.to_dict() for c in self.citations],
                "retrieved": [retrieved_record(r) for r in self.retrieval.items],
                "notes": self.notes, "latency_ms": round(self.latency_ms, 1)}


def retrieved_record(item: Retrieved) -> dict:
    chunk = item.chunk
    return {"document": chunk.document, "section": chunk.section, "page": chunk.page, "text": chunk.text,
            "score": item.score, "plan": chunk.plan, "kind": chunk.kind}
