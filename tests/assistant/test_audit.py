"""The audit log: a real SQLite file, and the command line that prints it."""
import csv
import json
import sqlite3
import subprocess
import sys

import pytest

from assistant.audit import AuditLog


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, timeout=60,
                          **kwargs)


def test_rows_are_kept_in_order_and_never_changed(tmp_path):
    log = AuditLog.of_store(tmp_path)
    log.record("failed login", user="lan", address="10.0.0.7", result="wrong password")
    log.record("delete", user="lan", address="10.0.0.7", target="gia-lai")
    rows = AuditLog.of_store(tmp_path).rows()
    assert [(r["action"], r["user"], r["address"], r["target"], r["result"]) for r in rows] == [
        ("failed login", "lan", "10.0.0.7", "", "wrong password"), ("delete", "lan", "10.0.0.7", "gia-lai", "ok")]
    assert rows[0]["at"] <= rows[1]["at"] and "T" in rows[0]["at"]
    with pytest.raises(ValueError, match="unknown audit action"):
        log.record("drop table")
    db = sqlite3.connect(tmp_path / "audit.sqlite")
    for statement in ("UPDATE audit SET user = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)
    assert len(log.rows()) == 2


def test_the_csv_quotes_what_an_attacker_typed(tmp_path):
    log = AuditLog.of_store(tmp_path)
    log.record("failed login", user="=cmd|' /C calc'!A0", address="10.0.0.7", result="unknown user")
    row = next(csv.DictReader(log.to_csv().splitlines()))
    assert row["user"] == "'=cmd|' /C calc'!A0" and row["action"] == "failed login"


def test_add_user_is_recorded_and_audit_prints_the_log(tmp_path):
    store = tmp_path / "store"
    added = run("add-user", "lan", "--role", "admin", "--users", str(tmp_path / "users.toml"), "--store", str(store),
                "--password-stdin", input="trang-bac-ha-ngan\n")
    assert added.returncode == 0, added.stderr
    refused = run("add-user", "minh", "--users", str(tmp_path / "users.toml"), "--store", str(store),
                  "--password-stdin", input="short\n")
    assert refused.returncode == 2
    AuditLog.of_store(store).record("failed login", user="\x1b[31mlan", address="10.0.0.7", result="unknown user")

    printed = run("audit", "--store", str(store), "--json")
    assert printed.returncode == 0, printed.stderr
    rows = [json.loads(line) for line in printed.stdout.splitlines()]
    assert [(r["action"], r["target"]) for r in rows] == [("add-user", "lan (admin)"), ("failed login", "")]
    assert rows[0]["address"] == "command line" and rows[0]["user"]
    text = run("audit", "--store", str(store)).stdout
    assert "add-user | lan (admin)" in text and "\\x1b[31mlan" in text and "\x1b" not in text
