"""Lexical index: BM25 over Vietnamese syllables and syllable bigrams, in SQLite FTS5.

Text is NFC with one tone-placement convention before it is split, so "hoá"
and "hóa" are one term. Each chunk is indexed twice: with diacritics, and
accent-folded ("Đắk Lắk" -> "dak lak"); the folded column is searched only
for questions typed without diacritics, where it is the only way to match.
SQLite gives persistence, transactions and incremental updates: the index
changes on ingest and is never rebuilt for a query.
"""
from __future__ import annotations

import re
import sqlite3
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
POSTINGS_BUDGET = 30_000


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
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
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
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            self._db = db
        return self._db

    def replace_plan(self, plan: str, chunks: list[tuple[str, str]]) -> None:
        """Make the index hold exactly these (chunk_id, text) pairs for the plan, in one transaction."""
        db = self._connect()
        rows = []
        for chunk_id, text in chunks:
            vi = terms(text)
            rows.append((chunk_id, plan, " ".join(vi), " ".join(fold_terms(vi))))
        with _transaction(db):
            db.execute("DELETE FROM chunks WHERE plan = ?", (plan,))
            db.executemany("INSERT INTO chunks (chunk_id, plan, vi, folded) VALUES (?, ?, ?, ?)", rows)

    def delete_plan(self, plan: str) -> None:
        db = self._connect()
        with _transaction(db):
            db.execute("DELETE FROM chunks WHERE plan = ?", (plan,))

    def chunk_ids(self, plan: str) -> set[str]:
        return {row[0] for row in self._connect().execute("SELECT chunk_id FROM chunks WHERE plan = ?", (plan,))}

    def search(self, question: str, k: int = 50, folded: bool = False,
               plans: list[str] | None = None) -> list[LexicalHit]:
        wanted = query_terms(question)
        if folded:
            wanted = fold_terms(wanted)
        column = "folded" if folded else "vi"
        wanted = self._affordable([t for t in wanted if t], column)
        if not wanted:
            return []
        match = f"{column} : (" + " OR ".join(f'"{t}"' for t in wanted) + ")"
        sql = "SELECT chunk_id, bm25(chunks) AS rank, plan FROM chunks WHERE chunks MATCH ?"
        params: list = [match]
        if plans is not None:
            if not plans:
                return []
            sql += f" AND plan IN ({','.join('?' * len(plans))})"
            params.extend(plans)
        sql += " ORDER BY rank LIMIT ?"
        params.append(k)
        # FTS5's bm25() is lower-is-better; flip it so every score in the system is higher-is-better.
        return [LexicalHit(chunk_id, -rank, plan) for chunk_id, rank, plan in self._connect().execute(sql, params)]

    def _affordable(self, wanted: list[str], column: str) -> list[str]:
        """The query terms the index holds, rarest first, within the postings budget (the rarest always)."""
        db = self._connect()
        frequency = {}
        for term in wanted:
            # One lookup per term: fts5vocab answers `term = ?` from the index, but scans it for `IN`.
            row = db.execute("SELECT doc FROM chunk_terms WHERE term = ? AND col = ?", (term, column)).fetchone()
            if row:
                frequency[term] = row[0]
        kept, postings = [], 0
        for term in sorted(frequency, key=frequency.get):
            if kept and postings + frequency[term] > POSTINGS_BUDGET:
                break
            kept.append(term)
            postings += frequency[term]
        return kept

    def vocabulary(self, folded: bool = True) -> set[str]:
        """Distinct syllables of the index (folded or not), to tell Vietnamese typed without marks from English."""
        return set(self.document_frequencies(folded))

    def document_frequencies(self, folded: bool = True) -> dict[str, int]:
        """Syllable -> number of chunks holding it (bigrams left out)."""
        column = "folded" if folded else "vi"
        return {term: count for term, count in self._connect().execute(
            "SELECT term, doc FROM chunk_terms WHERE col = ?", (column,)) if "_" not in term}

    def count(self) -> int:
        return self._connect().execute("SELECT count(*) FROM chunks").fetchone()[0]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


@contextmanager
def _transaction(db: sqlite3.Connection):
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
