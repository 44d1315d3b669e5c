"""What the store holds, in the users' terms: plans with their metadata, and every task."""
from __future__ import annotations

import re
from pathlib import Path

from index import PlanStore
from ingest.normalize import fold_diacritics


_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def quarter_of(time: str) -> str:
    """The quarter a task's time falls in ("Tháng 10/2024" -> "Quý IV", "Quý II/2024" -> "Quý II"),
    "Cả năm" for the whole year or a recurring task, "" when the time says nothing datable."""
    folded = fold_diacritics(time)
    if m := re.search(r"quy\s+(iv|iii|ii|i|[1-4])\b", folded):
        n = _ROMAN_QUARTERS.get(m.group(1)) or int(m.group(1))
        return f"Quý {'I' * n if n < 4 else 'IV'}"
    if m := re.search(r"thang\s+(\d{1,2})\b", folded):
        month = int(m.group(1))
        if 1 <= month <= 12:
            n = (month - 1) // 3 + 1
            return f"Quý {'I' * n if n < 4 else 'IV'}"
    if re.search(r"trong nam|thuong xuyen|hang nam|ca nam", folded):
        return "Cả năm"
    return ""


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
        "quarter": quarter_of(task.time),
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
        """Tasks whose agency, plan and time contain the given text (diacritics optional).

        A quarter ("Quý II") also finds the months in it: "Tháng 4/2024" is due in Quý II.
        """
        wanted = [(field, fold_diacritics(value).strip()) for field, value in
                  (("agency", agency), ("document", document), ("time", time)) if value.strip()]
        quarter = quarter_of(time) if re.fullmatch(r"\s*quy\s+\S+\s*", fold_diacritics(time)) else ""
        rows = []
        for plan, task in self.store.tasks():
            record = task_record(plan, task)
            haystack = {"agency": f"{task.lead} {task.cooperating}", "document": plan.document, "time": task.time}
            if all(record["quarter"] == quarter if field == "time" and quarter
                   else value in fold_diacritics(haystack[field]) for field, value in wanted):
                rows.append(record)
        return rows
