"""Lexical index: BM25 over Vietnamese syllables and syllable bigrams, in SQLite FTS5.

Text is NFC with one tone-placement convention before it is split, so "hoá"
and "hóa" are one term. Each chunk is indexed twice: with diacritics, and
accent-folded ("Đắk Lắk" -> "dak lak"); the folded column is searched only
for questions typed without diacritics, where it is the only way to match.
SQLite gives persistence, transactions and incremental updates: the index
changes on ingest and is never rebuilt for a query.
"""
from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.normalize import fold_diacritics, normalize_text

_WORD = re.compile(r"\w+")
# Words of a question that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = frozenset(
    "ai gì nào đâu sao bao nhiêu không có là được những các của và với cho thì mà nêu nói hãy "
    "thế nào vậy nhỉ ạ".split())
SCHEMA_VERSION = 1
# FTS5 ranks every row that holds any query term (~0.7 us a posting here). Over a few hundred thousand
# chunks a word like "văn" is in most rows, so a query ranks its terms rarest first and stops adding
# terms once this many postings would be ranked; the common words left out weigh least in BM25 anyway.
# Below ~1,000 chunks no query reaches it.
POSTINGS_BUDGET = 20_000
# A question narrowed to plans holding at most this many rows is ranked over just those rows.
SCOPED_ROWS = 2_000
BM25_K1, BM25_B = 1.2, 0.75


def syllables(text: str) -> list[str]:
    return _WORD.findall(normalize_text(text).lower())


def terms(text: str) -> list[str]:
    """Syllables and adjacent-syllable bigrams ("ngoại_giao"): Vietnamese words are mostly two syllables."""
    words = syllables(text)
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:])]


def query_terms(text: str) -> list[str]:
    words = syllables(text)
    bigrams = [f"{a}_{b}" for a, b in zip(words, words[1:])]
    unigrams = [w for w in words if (w not in QUESTION_WORDS and len(w) > 1) or w.isdigit()]
    return list(dict.fromkeys(unigrams + bigrams))


def fold_terms(items: list[str]) -> list[str]:
    return [fold_diacritics(t) for t in items]


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float  # higher is better
    plan: str = ""


class LexicalIndex:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._opening = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        """This thread's connection. Threads never share one: a search on the connection of an ingest
        would read its transaction half done (row totals of one moment, term counts of another)."""
        thread = threading.current_thread()
        db = self._connections.get(thread)
        if db is None:
            db = self._open()
            with self._opening:
                for gone in [t for t in self._connections if not t.is_alive()]:
                    self._connections.pop(gone).close()
                self._connections[thread] = db
        return db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA busy_timeout=10000")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5("
            "chunk_id UNINDEXED, plan UNINDEXED, vi, folded, "
            "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")")
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS chunk_terms USING fts5vocab(chunks, 'col')")
        # How many chunks hold each term, kept with every write: fts5vocab counts by reading a term's
        # whole posting list (0.5 s for a question's terms at 100k chunks).
        db.execute("CREATE TABLE IF NOT EXISTS term_docs (col TEXT, term TEXT, docs INTEGER NOT NULL, "
                   "PRIMARY KEY (col, term)) WITHOUT ROWID")
        # Where each plan's rows are (FTS5 cannot index `plan`): a plan's rows are read, replaced and
        # searched by rowid range instead of a scan of the whole table (5 s at 300k chunks).
        db.execute("CREATE TABLE IF NOT EXISTS plan_rows (plan TEXT, first INTEGER, last INTEGER, "
                   "PRIMARY KEY (plan, first)) WITHOUT ROWID")
        db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        _upgrade(db)
        return db

    def replace_plan(self, plan: str, chunks: list[tuple[str, str]]) -> None:
        """Make the index hold exactly these (chunk_id, text) pairs for the plan, in one transaction."""
        db = self._connect()
        rows = []
        for chunk_id, text in chunks:
            vi = terms(text)
            rows.append((chunk_id, plan, " ".join(vi), " ".join(fold_terms(vi))))
        with _transaction(db):
            _delete_plan(db, plan)
            _insert_rows(db, rows)

    def delete_plan(self, plan: str) -> None:
        db = self._connect()
        with _transaction(db):
            _delete_plan(db, plan)

    def chunk_ids(self, plan: str) -> set[str]:
        return {row[1] for row in _plan_rows(self._connect(), plan, "chunk_id")}

    def search(self, question: str, k: int = 50, folded: bool = False,
               plans: list[str] | None = None) -> list[LexicalHit]:
        wanted = query_terms(question)
        if folded:
            wanted = fold_terms(wanted)
        column = "folded" if folded else "vi"
        wanted = [t for t in wanted if t]
        if not wanted or plans == []:
            return []
        if plans is not None:
            hits = self._search_within(wanted, column, k, plans)
            if hits is not None:
                return hits
        wanted = self._affordable(wanted, column)
        if not wanted:
            return []
        match = f"{column} : (" + " OR ".join(f'"{t}"' for t in wanted) + ")"
        sql = "SELECT chunk_id, bm25(chunks) AS rank, plan FROM chunks WHERE chunks MATCH ?"
        params: list = [match]
        if plans is not None:
            sql += f" AND plan IN ({','.join('?' * len(plans))})"
            params.extend(plans)
        sql += " ORDER BY rank LIMIT ?"
        params.append(k)
        # FTS5's bm25() is lower-is-better; flip it so every score in the system is higher-is-better.
        return [LexicalHit(chunk_id, -rank, plan) for chunk_id, rank, plan in self._connect().execute(sql, params)]

    def _search_within(self, wanted: list[str], column: str, k: int, plans: list[str]) -> list[LexicalHit] | None:
        """BM25 as FTS5 computes it, over the rows of a few plans read by rowid: FTS5 would rank every row of
        the index holding a query word, and a budget on its words could leave none that these plans use.
        None when the plans hold too many rows for this to be cheaper."""
        db = self._connect()
        with _snapshot(db):  # the rows, totals and term counts of one committed state, whatever an ingest does
            ranges = db.execute(f"SELECT plan, first, last FROM plan_rows WHERE plan IN ({','.join('?' * len(plans))})",
                                plans).fetchall()
            if sum(last - first + 1 for _, first, last in ranges) > SCOPED_ROWS:
                return None
            rows = [row for plan, first, last in ranges
                    for row in db.execute(f"SELECT rowid, chunk_id, plan, {column} FROM chunks "
                                          "WHERE rowid BETWEEN ? AND ? AND plan = ?", (first, last, plan))]
            totals = {key: int(value) for key, value in
                      db.execute("SELECT key, value FROM meta WHERE key IN ('rows', 'tokens')")}
            frequency = self._frequencies(wanted, column)
        total_rows = totals.get("rows", 0)
        average = totals.get("tokens", 0) / max(total_rows, 1) or 1.0
        # FTS5's bm25(): idf = log((N - n + 0.5) / (n + 0.5)), floored at 1e-6; k1 = 1.2, b = 0.75.
        idf = {t: max(math.log((total_rows - n + 0.5) / (n + 0.5)), 1e-6) for t, n in frequency.items()}
        scored = []
        for rowid, chunk_id, plan, text in rows:
            words = text.split()
            counts = Counter(words)
            norm = BM25_K1 * (1 - BM25_B + BM25_B * len(words) / average)
            score = sum(weight * counts[t] * (BM25_K1 + 1) / (counts[t] + norm)
                        for t, weight in idf.items() if t in counts)
            if score > 0:
                scored.append((-score, rowid, chunk_id, plan))
        return [LexicalHit(chunk_id, -negative, plan) for negative, _, chunk_id, plan in sorted(scored)[:k]]

    def _affordable(self, wanted: list[str], column: str) -> list[str]:
        """The query terms the index holds, rarest first, within the postings budget (the rarest always)."""
        frequency = self._frequencies(wanted, column)
        kept, postings = [], 0
        for term in sorted(frequency, key=frequency.get):
            if kept and postings + frequency[term] > POSTINGS_BUDGET:
                break
            kept.append(term)
            postings += frequency[term]
        return kept

    def _frequencies(self, wanted: list[str], column: str) -> dict[str, int]:
        """Term -> chunks holding it in this column, for the terms the index has."""
        return dict(self._connect().execute(
            f"SELECT term, docs FROM term_docs WHERE col = ? AND term IN ({','.join('?' * len(wanted))})",
            [column, *wanted]))

    def vocabulary(self, folded: bool = True) -> set[str]:
        """Distinct syllables of the index (folded or not), to tell Vietnamese typed without marks from English."""
        return set(self.document_frequencies(folded))

    def document_frequencies(self, folded: bool = True) -> dict[str, int]:
        """Syllable -> number of chunks holding it (bigrams left out)."""
        column = "folded" if folded else "vi"
        return {term: count for term, count in self._connect().execute(
            "SELECT term, docs FROM term_docs WHERE col = ?", (column,)) if "_" not in term}

    def count(self) -> int:
        """Rows in the index, from the kept total (FTS5's count(*) reads every row: 2 s at 300k)."""
        row = self._connect().execute("SELECT value FROM meta WHERE key = 'rows'").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        with self._opening:
            for db in self._connections.values():
                db.close()
            self._connections.clear()


def _insert_rows(db: sqlite3.Connection, rows: list[tuple[str, str, str, str]]) -> None:
    """Add (chunk_id, plan, vi, folded) rows, each plan's rows together, with their counts and rowid ranges;
    inside the caller's transaction."""
    last = db.execute("SELECT rowid FROM chunks ORDER BY rowid DESC LIMIT 1").fetchone()
    start = (last[0] if last else 0) + 1
    db.executemany("INSERT INTO chunks (rowid, chunk_id, plan, vi, folded) VALUES (?, ?, ?, ?, ?)",
                   [(start + n, *row) for n, row in enumerate(rows)])
    db.executemany("INSERT INTO plan_rows VALUES (?, ?, ?)",
                   _runs((start + n, plan) for n, (_, plan, _, _) in enumerate(rows)))
    _count_terms(db, ((vi, folded) for _, _, vi, folded in rows), 1)


def _runs(rows: Iterable[tuple[int, str]]) -> list[tuple[str, int, int]]:
    """(rowid, plan) in rowid order -> (plan, first, last) for each run of one plan's consecutive rows."""
    runs: list[list] = []
    for rowid, plan in rows:
        if runs and runs[-1][0] == plan and runs[-1][2] == rowid - 1:
            runs[-1][2] = rowid
        else:
            runs.append([plan, rowid, rowid])
    return [(plan, first, last) for plan, first, last in runs]


def _plan_rows(db: sqlite3.Connection, plan: str, columns: str) -> list[tuple]:
    """(rowid, *columns) of the plan's rows, read by their rowid ranges."""
    ranges = db.execute("SELECT first, last FROM plan_rows WHERE plan = ?", (plan,)).fetchall()
    return [row for first, last in ranges
            for row in db.execute(f"SELECT rowid, {columns} FROM chunks WHERE rowid BETWEEN ? AND ? AND plan = ?",
                                  (first, last, plan))]


def _delete_plan(db: sqlite3.Connection, plan: str) -> None:
    rows = _plan_rows(db, plan, "vi, folded")
    _count_terms(db, ((vi, folded) for _, vi, folded in rows), -1)
    db.executemany("DELETE FROM chunks WHERE rowid = ?", [(rowid,) for rowid, _, _ in rows])
    db.execute("DELETE FROM plan_rows WHERE plan = ?", (plan,))


def _count_terms(db: sqlite3.Connection, texts: Iterable[tuple[str, str]], sign: int) -> None:
    """Add (sign 1) or take away (-1) these rows' terms in term_docs, and the row and token totals."""
    counts: Counter[tuple[str, str]] = Counter()
    rows = tokens = 0
    for vi, folded in texts:
        words = vi.split()
        rows, tokens = rows + 1, tokens + len(words)
        counts.update(("vi", term) for term in set(words))
        counts.update(("folded", term) for term in set(folded.split()))
    changes = [(column, term, sign * n) for (column, term), n in counts.items()]
    db.executemany("INSERT INTO term_docs VALUES (?, ?, ?) "
                   "ON CONFLICT (col, term) DO UPDATE SET docs = docs + excluded.docs", changes)
    if sign < 0:
        db.executemany("DELETE FROM term_docs WHERE col = ? AND term = ? AND docs <= 0",
                       [(column, term) for column, term, _ in changes])
    db.executemany("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                   [("rows", sign * rows), ("tokens", sign * tokens)])


def _upgrade(db: sqlite3.Connection) -> None:
    """An index written before term_docs and plan_rows existed gets them filled from FTS5 once, by whoever
    opens it first (about 30 s at 300k chunks)."""
    if db.execute("SELECT 1 FROM meta WHERE key = 'plan_rows'").fetchone():
        return
    with _transaction(db):
        if db.execute("SELECT 1 FROM meta WHERE key = 'plan_rows'").fetchone():
            return
        db.execute("DELETE FROM term_docs")
        db.execute("INSERT INTO term_docs SELECT col, term, doc FROM chunk_terms")
        db.execute("DELETE FROM plan_rows")
        rows = tokens = 0
        plans = []
        for rowid, plan, vi in db.execute("SELECT rowid, plan, vi FROM chunks"):
            rows, tokens = rows + 1, tokens + len(vi.split())
            plans.append((rowid, plan))
        db.executemany("INSERT INTO plan_rows VALUES (?, ?, ?)", _runs(plans))
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                       [("rows", rows), ("tokens", tokens), ("term_docs", 1), ("plan_rows", 1)])


@contextmanager
def _snapshot(db: sqlite3.Connection):
    """Reads that all see one committed state (under WAL a reader does not wait for the writer)."""
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("COMMIT")


@contextmanager
def _transaction(db: sqlite3.Connection):
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
