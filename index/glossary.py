"""Bilingual glossary of agencies, countries, places and plan vocabulary.

Retrieval uses it to look up English questions in Vietnamese plans
("Korean" -> "Hàn Quốc"); the answer side uses it to gloss Vietnamese names
in English answers. The data is a plain TSV beside this module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.normalize import fold_diacritics, normalize_text

GLOSSARY_FILE = Path(__file__).with_name("glossary.tsv")


# "Finance Dept." is written as often as "Finance Department".
# Words a question shortens or spells apart ("VN-Japan friendship assoc", "Dept. of Finance").
_SHORTENED = {"Department": r"(?:Department|Dept\.?)", "Association": r"(?:Association|Assoc\.?|Ass'n)",
              "Committee": r"(?:Committee|Cttee|Cmte)", "Vietnam": r"(?:Vietnam|Viet Nam|VN)"}


@dataclass(frozen=True)
class GlossaryEntry:
    english: tuple[str, ...]  # variants, the first is the preferred gloss
    vietnamese: str
    kind: str  # country, agency, place, topic, role


class Glossary:
    def __init__(self, entries: list[GlossaryEntry]):
        self.entries = entries
        variants = sorted(((v, e) for e in entries for v in e.english), key=lambda ve: -len(ve[0]))
        self._english = [(re.compile(r"(?<![\w-])" + _inflected(_variant(v)) + r"(?!\w)", re.I), e)
                         for v, e in variants]
        self._vietnamese = sorted(entries, key=lambda e: -len(e.vietnamese))

    @classmethod
    def load(cls, path: Path = GLOSSARY_FILE) -> "Glossary":
        entries = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            english, vietnamese, kind = line.split("\t")
            entries.append(GlossaryEntry(tuple(v.strip() for v in english.split("|")), normalize_text(vietnamese),
                                         kind))
        return cls(entries)

    def in_english(self, text: str) -> list[GlossaryEntry]:
        """Entries whose English form occurs in the text, longest match first, no overlaps."""
        found: list[GlossaryEntry] = []
        taken: list[tuple[int, int]] = []
        for pattern, entry in self._english:
            for match in pattern.finditer(text):
                span = match.span()
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue
                taken.append(span)
                if entry not in found:
                    found.append(entry)
        return found

    def to_vietnamese(self, text: str, entries: list[GlossaryEntry]) -> str:
        """The text with each English variant of these entries replaced by its Vietnamese form."""
        for pattern, entry in self._english:
            if entry in entries:
                text = pattern.sub(entry.vietnamese, text)
        return text

    def gloss(self, vietnamese: str) -> str | None:
        """The English gloss of a Vietnamese agency or place name, when the glossary knows it.

        A name that extends a known one is glossed by it: "Hội Hữu nghị Việt Nam - Hàn Quốc tỉnh" is the
        province's Vietnam-Korea Friendship Association.
        """
        folded = " ".join(fold_diacritics(normalize_text(vietnamese)).lower().replace("-", " ").split())
        for entry in self._vietnamese:  # longest first
            if entry.kind not in ("agency", "place", "country"):
                continue
            known = " ".join(fold_diacritics(entry.vietnamese).lower().replace("-", " ").split())
            if folded == known or (folded.startswith(known + " ") and len(folded) - len(known) <= 12):
                return entry.english[0]
        return None


def _variant(english: str) -> str:
    """An English form as a pattern: its shortened words either way, a hyphen with or without spaces."""
    pattern = re.sub(r"(?:\\ )?\\-(?:\\ )?", r"\\s*-\\s*", re.escape(english))
    for word, either in _SHORTENED.items():
        pattern = re.sub(rf"\b{word}\b", either.replace("\\", "\\\\"), pattern)
    return pattern


def _inflected(pattern: str) -> str:
    """An English variant matched in the singular and the plural ("solution" for "solutions", "duty" for
    "duties"): a question says either."""
    if not pattern[-1:].isalpha() or len(pattern) < 4:
        return pattern
    if pattern.endswith("ies"):
        return pattern[:-3] + "(?:ies|y)"
    if pattern.endswith("y"):
        return pattern[:-1] + "(?:ies|y)"
    if pattern.endswith("s") and not pattern.endswith("ss"):
        return pattern[:-1] + "s?"
    return pattern + "s?"


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    return Glossary.load()
