"""The audit log: who did what, from where, and how it went; SQLite in the store (`<store>/audit.sqlite`).

The app only appends: this module has no way to change or remove a row, and the table's triggers
refuse UPDATE and DELETE from anything else that opens the file.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from assistant.exports import csv_text

ACTIONS = ("login", "failed login", "locked out", "upload", "replace", "delete", "restore", "reindex", "export",
           "add-user")
COLUMNS = ["id", "at", "user", "address", "action", "target", "result"]
SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL,
    address TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, result TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


class AuditLog:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    @classmethod
    def of_store(cls, store: str | Path) -> "AuditLog":
        return cls(Path(store) / "audit.sqlite")

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10)
        db.executescript(SCHEMA)
        return db

    def record(self, action: str, user: str = "", address: str = "", target: str = "", result: str = "ok") -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}; actions are {', '.join(ACTIONS)}")
        at = datetime.now().astimezone().isoformat(timespec="seconds")
        db = self._connect()
        try:
            with db:
                db.execute("INSERT INTO audit (at, user, address, action, target, result) VALUES (?, ?, ?, ?, ?, ?)",
                           (at, user or "", address or "", action, target or "", result or ""))
        finally:
            db.close()

    def rows(self) -> list[dict]:
        if not self.path.exists():
            return []
        db = self._connect()
        try:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute("SELECT * FROM audit ORDER BY id")]
        finally:
            db.close()

    def to_csv(self) -> str:
        """Every row; names and targets come from users and uploads, so cells are quoted (assistant/exports.py)."""
        return csv_text(self.rows(), COLUMNS)
