"""Feedback on answers (thumbs up/down, an optional reason), kept in SQLite in the data folder."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from assistant.exports import csv_text

COLUMNS = ["id", "at", "user", "vote", "reason", "question", "answer", "citations", "plans"]


class FeedbackStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, at TEXT, user TEXT, vote TEXT, "
                   "reason TEXT, question TEXT, answer TEXT, citations TEXT, plans TEXT)")
        return db

    def add(self, answer: dict, liked: bool, reason: str = "", user: str = "", plans: list[str] | None = None) -> None:
        """Store a vote on an answer (as `Answer.to_dict()` gives it, with its "question")."""
        with self._connect() as db:
            db.execute("INSERT INTO feedback (at, user, vote, reason, question, answer, citations, plans) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (time.strftime("%Y-%m-%dT%H:%M:%S"), user, "up" if liked else "down", (reason or "").strip(),
                        answer.get("question", ""), answer.get("answer", ""),
                        json.dumps(answer.get("citations", []), ensure_ascii=False),
                        json.dumps(plans or [], ensure_ascii=False)))

    def rows(self) -> list[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute("SELECT * FROM feedback ORDER BY id")]

    def to_csv(self) -> str:
        """Every vote, with what readers typed quoted so a spreadsheet cannot run it (assistant/exports.py)."""
        return csv_text(self.rows(), COLUMNS)
