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
    plan_title: str = ""
    plan_number: str = ""
    plan_date: str = ""  # ISO

    @property
    def quote_start(self) -> int:
        """Where the quote starts in the text (for highlighting); -1 when it is not there verbatim."""
        return self.text.find(self.quote)

    def to_dict(self) -> dict:
        return {"n": self.n, "document": self.document, "section": self.section, "page": self.page,
                "text": self.text, "quote": self.quote, "quote_start": self.quote_start,
                "plan": {"title": self.plan_title, "number": self.plan_number, "date": self.plan_date}}


def cite(n: int, chunk, quote: str, plan) -> "Citation":
    """A citation of a chunk of a plan."""
    meta = plan.metadata
    return Citation(n, chunk.document, chunk.section, chunk.page, chunk.text, quote, meta.title or "",
                    meta.number or "", meta.date or "")


@dataclass
class Answer:
    question: str
    text: str
    abstained: bool
    citations: list[Citation]
    retrieval: Retrieval
    latency_ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    turn: object = None  # assistant.profile.Turn: what the next question of the conversation may refer to

    def to_dict(self) -> dict:
        return {"question": self.question, "answer": self.text, "abstained": self.abstained,
                "citations": [c.to_dict() for c in self.citations],
                "retrieved": [retrieved_record(r) for r in self.retrieval.items],
                "notes": self.notes, "latency_ms": round(self.latency_ms, 1)}


def retrieved_record(item: Retrieved) -> dict:
    chunk = item.chunk
    return {"document": chunk.document, "section": chunk.section, "page": chunk.page, "text": chunk.text,
            "score": item.score, "plan": chunk.plan, "kind": chunk.kind}
