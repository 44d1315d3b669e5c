"""What a plan says about itself: issuer, number, date, place, year, title, signer.

Every field comes from the text; a field the text does not give stays None.
"""
from __future__ import annotations

import re
from collections import Counter

from ingest.normalize import VI_LOWER, VI_UPPER, normalize_text
from ingest.records import Clause, PlanMetadata
from ingest.structure import CLOSING, PREAMBLE

_NUMBER = re.compile(r"Số\s*:\s*(\d{1,5})\s*/\s*([A-ZĐ][A-ZĐ0-9\-]*)")
_DATE = re.compile(
    rf"(?:^|\s)(?P<place>[{VI_UPPER}][^\n,;:]{{1,40}}?),\s*ngày\s+(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})\s+năm\s+(?P<y>\d{{4}})"
)
# A place name: capitalised syllables, not a capitalised sentence start ("Năm 2018", "Thực hiện").
_WORD = rf"[{VI_UPPER}][{VI_LOWER}]*"
_NAME = rf"(?P<name>(?!(?:Năm|Thực|Trong|Về|Và|Theo|Ban)\b){_WORD}(?:\s+{_WORD}){{0,3}})"
_ISSUER_HEADER = re.compile(rf"(?:ỦY BAN NHÂN DÂN|UBND)\s+(?P<level>TỈNH|HUYỆN|THÀNH PHỐ|THỊ XÃ)\s+(?P<name>[{VI_UPPER} ]{{2,40}}?)(?=\s{2,}|\s*CỘNG|\s*$|\n)")
_ISSUER_SENTENCE = re.compile(
    r"(?P<who>Chủ tịch (?:UBND|Ủy ban nhân dân)|Ủy ban nhân dân|UBND)\s+(?P<level>tỉnh|huyện|thành phố|thị xã)"
    r"(?:\s+" + _NAME + r")?\s+ban hành"
)
_PLACE_MENTION = re.compile(r"\b(?P<level>tỉnh|huyện)\s+" + _NAME)
_TITLE_STARTS_BODY = re.compile(r"^(?:Thực hiện|Để|Trên cơ sở|Căn cứ|Nhằm|Triển khai thực hiện Kế hoạch số)")
_SIGNER_TITLE = re.compile(r"\b(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG BAN|BÍ THƯ)\b")
_PERSON = re.compile(rf"^[{VI_UPPER}][{VI_LOWER}]+(?:\s+[{VI_UPPER}][{VI_LOWER}]+){{1,4}}$")


def read_metadata(clauses: list[Clause], full_text: str) -> PlanMetadata:
    preamble = _paragraphs(clauses, PREAMBLE)
    closing = _paragraphs(clauses, CLOSING)
    head = "\n".join(preamble)
    meta = PlanMetadata()

    if m := _NUMBER.search(head):
        meta.number = f"{m.group(1)}/{m.group(2)}"
    if m := _DATE.search(head):
        meta.place = m.group("place").strip()
        meta.date = f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
    meta.title = _title(preamble)
    title = meta.title or ""
    if m := re.search(r"(?<!ĐẾN )(?<!đến )NĂM (\d{4})|(?<!đến )năm (\d{4})", title, re.I):
        year = m.group(1) or m.group(2)
        if not re.search(rf"đến năm {year}", title, re.I):
            meta.year = int(year)
    if m := re.search(r"đến năm (\d{4})", f"{title}\n{head}", re.I):
        meta.horizon = int(m.group(1))

    mentions = _place_mentions(full_text)
    level, name, who = _issuer(head)
    if level and not name:
        titled = re.search(rf"(?i:{level})\s+{_NAME}", _title_case(title))
        name = titled.group("name") if titled else _most_mentioned(mentions, level)
    if level:
        meta.issuer = f"{who} {level} {name}" if name else f"{who} {level}"
        if level in ("tỉnh", "thành phố"):  # a city's plan at this level is a centrally-run city's (Hà Nội)
            meta.province = name
        elif level == "huyện":
            meta.district = name
            meta.province = _most_mentioned(mentions, "tỉnh")
    meta.signer, meta.signer_title = _signer(closing)
    return meta


def _paragraphs(clauses: list[Clause], root: str) -> list[str]:
    return [p for c in clauses if c.path[:1] == (root,) for p in c.text.split("\n") if p]


def _title(preamble: list[str]) -> str | None:
    for i, paragraph in enumerate(preamble):
        if normalize_text(paragraph).upper() == "KẾ HOẠCH":
            parts = []
            for following in preamble[i + 1:i + 4]:
                if _TITLE_STARTS_BODY.match(following) and parts:
                    break
                parts.append(following)
            title = " ".join(parts)
            # A title line can run into the first sentence when the PDF has no blank line between them.
            title = re.split(r"\s(?=(?:Thực hiện|Căn cứ|Trên cơ sở|Để)\s)", title, maxsplit=1)[0]
            return title or None
    return None


def _issuer(head: str) -> tuple[str | None, str | None, str | None]:
    if m := _ISSUER_HEADER.search(head):
        return m.group("level").lower(), _title_case(m.group("name").strip()), "Ủy ban nhân dân"
    if m := _ISSUER_SENTENCE.search(head):
        return m.group("level"), m.group("name"), m.group("who")
    return None, None, None


def _place_mentions(text: str) -> Counter:
    return Counter((m.group("level"), m.group("name")) for m in _PLACE_MENTION.finditer(text))


def _most_mentioned(mentions: Counter, level: str) -> str | None:
    named = [(n, name) for (lvl, name), n in mentions.items() if lvl == level]
    return max(named)[1] if named else None


def _title_case(text: str) -> str:
    return " ".join(w.capitalize() if w.isupper() else w for w in text.split())


def _signer(closing: list[str]) -> tuple[str | None, str | None]:
    for i in range(len(closing) - 1, -1, -1):
        if _SIGNER_TITLE.search(closing[i]) and closing[i].isupper():
            for name in closing[i + 1:i + 3]:
                if _PERSON.match(name.strip()):
                    return name.strip(), closing[i].strip()
            return None, closing[i].strip()
    return None, None
