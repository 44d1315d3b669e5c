"""What the store holds, in the users' terms: plans with their metadata, and every task."""
from __future__ import annotations

from pathlib import Path

from index import PlanStore
from ingest.normalize import fold_diacritics


def task_record(plan, task) -> dict:
    """One task as the `tasks --json` line and the app's table show it."""
    return {
        "document": plan.document,
        "section": task.section,
        "row": task.row,
        "content": task.content,
        "lead": task.lead,
        "cooperating": task.cooperating,
        "time": task.time,
        "funding": task.funding,
        "page": task.page,
        "lead_agencies": task.lead_agencies,
        "cooperating_agencies": task.cooperating_agencies,
        "source": task.source,
    }


class Catalog:
    """Read side of the store for the UI and the CLI; one instance serves many requests."""

    def __init__(self, store: str | Path):
        self.store = PlanStore(store)

    def plans(self) -> list[dict]:
        rows = []
        for plan in self.store.plans():
            meta = plan.metadata
            rows.append({
                "document": plan.document, "title": meta.title, "number": meta.number, "date": meta.date,
                "issuer": meta.issuer, "province": meta.province, "district": meta.district,
                "year": meta.year, "horizon": meta.horizon, "signer": meta.signer,
                "pages": plan.page_count, "clauses": len(plan.clauses), "tasks": len(plan.tasks),
            })
        return rows

    def tasks(self, agency: str = "", document: str = "", time: str = "") -> list[dict]:
        """Tasks whose agency, plan and time contain the given text (diacritics optional)."""
        wanted = [(field, fold_diacritics(value)) for field, value in
                  (("agency", agency), ("document", document), ("time", time)) if value.strip()]
        rows = []
        for plan, task in self.store.tasks():
            record = task_record(plan, task)
            haystack = {"agency": f"{task.lead} {task.cooperating}", "document": plan.document, "time": task.time}
            if all(value in fold_diacritics(haystack[field]) for field, value in wanted):
                rows.append(record)
        return rows
