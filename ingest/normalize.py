"""Repair what text extraction breaks: Unicode form, tone placement, spacing,
lines broken mid-sentence, page numbers, running headers and footnotes."""
from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ingest.records import Footnote, Line

VI_UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
VI_LOWER = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# Old-style placement puts the tone on the second vowel of a syllable-final
# oa/oe/uy (hoá, khoẻ, thuỷ); the new style, used by most current documents,
# puts it on the first (hóa, khỏe, thủy). "qu" + y is the same in both styles.
_OLD_TONE = re.compile(
    rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![a-zA-ZđĐ\u0300-\u036f])"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200c\u200d\u2060\ufeff\u00ad]")


def normalize_tones(text: str) -> str:
    """hoá -> hóa, Uỷ -> Ủy, thuỷ -> thủy; other syllables are left alone."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_TONE.sub(_move_tone, decomposed))


def _move_tone(match: re.Match) -> str:
    first, second, tone = match.groups()
    if first in "uU" and second in "aAeE":  # "ua"/"ue" are not part of the rule
        return match.group(0)
    if first in "oO" and second in "yY":
        return match.group(0)
    return first + tone + second


def clean_spacing(text: str) -> str:
    text = _ZERO_WIDTH.sub("", text)
    return _SPACES.sub(" ", text).strip()


def normalize_text(text: str) -> str:
    """The form every comparison and index uses: NFC, new tone placement, single spaces."""
    return normalize_tones(clean_spacing(unicodedata.normalize("NFC", text)))


def normalize_text_lines(text: str) -> str:
    return "\n".join(normalize_text(line) for line in text.split("\n"))


def original_text(text: str) -> str:
    """The plan's own spelling (tone placement kept), only Unicode form and spaces repaired."""
    return clean_spacing(unicodedata.normalize("NFC", text))


def fold_diacritics(text: str) -> str:
    """Lowercase ASCII folding for queries typed without diacritics ("Đắk Lắk" -> "dak lak")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# --- Lines into paragraphs ---------------------------------------------------

HEADING_MARKER = re.compile(
    r"^(?:"
    r"(?:[IVXL]{1,5}|H{1,2}I{0,3}|[Il1]{2,3})\.\s"  # I. II. (OCR: HI. for III., Il. for II.)
    r"|\d{1,2}\.(?:\d{1,2}\.?){0,2}\s*(?=[^\d\s])"  # 1. 1.1. 1.3.Tăng
    r"|\d{1,2}\.\d{1,2}\s"  # 2.3 Tên
    r"|[a-zđ]\)\s"  # a) đ)
    r"|[-–+•*]\s?"  # bullets
    r"|Từ mục\s"
    r"|PHỤ LỤC"
    r"|Nơi nhận"
    r")"
)
_TERMINAL = re.compile(r"[.:;!?…](?:[”\"’)]*)$|/\.$")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:Trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?$", re.I)
# "1 Cụ thể là: ..." starts a footnote; "10 năm (2021-2030)" in a wrapped sentence does not.
_FOOTNOTE_START = re.compile(rf"^(\d{{1,2}})\s+(?=[{VI_UPPER}“\"])")
_LONE_NUMBER = re.compile(r"^\d{1,3}$")
_SEPARATOR = re.compile(r"^[\s_\-–—]{10,}$")


@dataclass
class Paragraph:
    """A logical paragraph: lines rejoined, in the plan's own spelling."""

    text: str
    pages: list[int] = field(default_factory=list)
    last_line: int = 0  # length of the last physical line, to tell a wrap from a paragraph end


def drop_page_furniture(lines: list[Line], page_count: int) -> list[Line]:
    """Remove page-number lines and running headers/footers, only at page edges."""
    by_page: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.text.strip():
            by_page.setdefault(line.page, []).append(i)
    edges: set[int] = set()
    for indices in by_page.values():
        edges.update(indices[:2] + indices[-2:])
    repeated: Counter[str] = Counter()
    if page_count >= 3:
        for indices in by_page.values():
            for i in set(indices[:2] + indices[-2:]):
                repeated[_edge_signature(lines[i].text)] += 1
    running = {sig for sig, n in repeated.items() if sig and n >= max(3, page_count // 2)}
    kept = []
    for i, line in enumerate(lines):
        text = line.text.strip()
        if i in edges and (_PAGE_NUMBER.match(text) or _edge_signature(text) in running):
            continue
        if _RULE.match(line.text):
            continue  # a letterhead rule ("-------") or a table cell border left by a web copy ("|")
        kept.append(line)
    return kept


def drop_cell_borders(lines: list) -> list:
    """Cell borders a web copy leaves at a line's end ("Số: 603/KH-UBND |") are not the plan's text."""
    return [Line(_CELL_END.sub("", line.text), line.page) if isinstance(line, Line) and _CELL_END.search(line.text)
            else line for line in lines]


# Lines that are only rules or cell borders, and cell borders left at a line's end ("Số: 603/KH-UBND |").
_RULE = re.compile(r"^[\s\u00a0]*(?:[-_=*|.·]{2,}|\|)[\s\u00a0]*$")
_CELL_END = re.compile(r"[\s\u00a0]+\|[\s\u00a0]*$")


def _edge_signature(text: str) -> str:
    # Running headers differ only by their page number.
    return re.sub(r"\d+", "#", clean_spacing(text)).lower()


def join_lines(lines: list[Line]) -> tuple[list[Paragraph], list[Footnote]]:
    """Rejoin lines broken mid-sentence into paragraphs and set footnotes apart.

    A line continues the previous one when it starts in lower case, or when the
    previous line ran to the wrap width without ending a sentence. Wrap width is
    learnt from the document itself, so files with one paragraph per line are
    never glued together.
    """
    texts = [(original_text(line.text), line.page) for line in lines]
    wrap = _wrap_width([t for t, _ in texts])
    breaks = _paragraph_breaks([line.text for line in lines])
    paragraphs: list[Paragraph] = []
    footnotes: list[Footnote] = []
    footnote: Footnote | None = None
    pending_break = False
    for i, (text, page) in enumerate(texts):
        if not text:
            pending_break = pending_break or i in breaks
            continue
        if _SEPARATOR.match(text) or _LONE_NUMBER.match(text):
            continue  # a footnote rule, or a page number that was not at a page edge
        if footnote is not None:
            if page == footnote.page and not HEADING_MARKER.match(text) and not _ends_sentence(footnote.text):
                footnote.text = f"{footnote.text} {text}"
                continue
            footnote = None
        start = _FOOTNOTE_START.match(text)
        if start:
            footnote = Footnote(number=start.group(1), text=text[start.end():], page=page)
            footnotes.append(footnote)
            continue
        joins = paragraphs and _continues(paragraphs[-1], text, wrap)
        if joins and pending_break and not text[0].islower():
            joins = False
        pending_break = False
        if joins:
            last = paragraphs[-1]
            last.text = f"{last.text} {text}"
            last.last_line = len(text)
            if page not in last.pages:
                last.pages.append(page)
        else:
            paragraphs.append(Paragraph(text=text, pages=[page], last_line=len(text)))
    return paragraphs, footnotes


def _paragraph_breaks(raw: list[str]) -> set[int]:
    """Indices of blank lines that end a paragraph.

    Some extractions put an empty line after every line; there only a line of
    spaces (an empty paragraph in the source) marks a break. Elsewhere any
    blank line does.
    """
    filled = [i for i, t in enumerate(raw) if t.strip()]
    followed = sum(1 for i in filled if i + 1 < len(raw) and raw[i + 1] == "")
    double_spaced = len(filled) > 10 and followed >= 0.6 * len(filled)
    if double_spaced:
        return {i for i, t in enumerate(raw) if t and not t.strip()}
    return {i for i, t in enumerate(raw) if not t.strip()}


def _ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text.rstrip()))


def _continues(paragraph: Paragraph, text: str, wrap: int | None) -> bool:
    previous = paragraph.text
    if HEADING_MARKER.match(text):
        return False
    first = text[0]
    if first.islower() or first in ",;)”’":
        return True  # Vietnamese sentences and headings start in upper case
    if wrap is None:
        return False
    # ";" ends list items, but a full-width line ending in ";" is a wrap inside one.
    if _ends_sentence(previous) and not (previous.endswith(";") and paragraph.last_line >= 0.9 * wrap):
        return False
    # An all-caps title line is its own paragraph even when long.
    if previous.isupper() != text.isupper():
        return False
    return paragraph.last_line >= 0.75 * wrap


def _wrap_width(texts: list[str]) -> int | None:
    """The line width at which this document wraps, from lines certainly wrapped."""
    wrapped = [
        len(texts[i]) for i in range(len(texts) - 1)
        if texts[i] and not _ends_sentence(texts[i])
        and _next_nonempty(texts, i) and _next_nonempty(texts, i)[0].islower()
    ]
    if len(wrapped) < 3:
        return None
    width = statistics.median(wrapped)
    return int(width) if width < 160 else None


def _next_nonempty(texts: list[str], i: int) -> str:
    for text in texts[i + 1:i + 3]:
        if text:
            return text
    return ""
