"""The words of questions and plans, each rule written once: folding, function words, officials'
shorthand, agency names, dates asked about, and the sentences a clause is cut into.

Shorthand is derived from the agencies the plans themselves name (their initials, with and without
the small words: Sở Văn hóa, Thể thao và Du lịch -> SVHTTDL, VHTTDL), plus the usual administrative
abbreviations, so a new plan's agencies are understood in shorthand without anyone listing them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.glossary import glossary
from index.lexical import QUESTION_WORDS, syllables
from ingest import Plan
from ingest.normalize import HEADING_MARKER, fold_diacritics, normalize_text
from ingest.tasks import AGENCY_START

# Abbreviations of administrative Vietnamese that are not the initials of one agency in a plan.
ADMINISTRATIVE = {
    "ubnd": "Ủy ban nhân dân", "hdnd": "Hội đồng nhân dân", "mttq": "Mặt trận Tổ quốc",
    "sngv": "Sở Ngoại vụ", "songv": "Sở Ngoại vụ", "tttt": "Thông tin và Truyền thông",
    "ttdn": "thông tin đối ngoại", "ngvh": "ngoại giao văn hóa", "vhdn": "văn hóa đối ngoại",
    "dnnd": "đối ngoại nhân dân", "kh": "kế hoạch", "qd": "quyết định", "ttg": "Thủ tướng",
    "tw": "trung ương", "nd": "nội dung", "ktxh": "kinh tế - xã hội", "nvnonn": "người Việt Nam ở nước ngoài",
    "ngan sach": "ngân sách", "hnqt": "hội nhập quốc tế", "cq": "cơ quan", "dv": "đơn vị", "vn": "Việt Nam",
    "pl": "phụ lục", "vh": "văn hóa", "vb": "văn bản", "kp": "kinh phí", "dn": "doanh nghiệp", "nsnn": "ngân sách nhà nước",
}
# Chat spellings of everyday words, read only as typed in lower case ("Ko Nhéc" is a place).
CHAT = {"ko": "không", "kg": "không", "hok": "không", "dc": "được", "đc": "được", "ntn": "như thế nào",
        "bn": "bao nhiêu", "j": "gì"}
SMALL_WORDS = frozenset("và các của cho với về".split())
ADMIN_LEVELS = frozenset("tinh huyen thanh pho thi xa quan".split())
# Question words beside QUESTION_WORDS that only point back into the conversation or soften the tone.
FILLER = frozenset("đó này kia còn nữa vậy thế cái nhé nha ạ ơi hả hở à vay the con nua do nay kia nhi a "
                   "ha roi bên ben sao như nhu what about how giúp giùm dùm giup gium dum pls plz".split())
ENGLISH_STOP = frozenset(
    "the of and in to for which what who whom whose when where why how is are was were be been does do did "
    "has have had will would should can could must may might a an that this these those their its it they "
    "them one any all each me according plan plans with on at by from about as there not no or but if than "
    "into named give tell show list please thing things stuff main there's what's who's kind sort any some "
    "i we you our your my get got need needs want wants doing done say says said".split())
# Words about how a plan is laid out (its parts, items, groups of work), not about what it is about: a
# summary question made only of these and the plan's own title asks for the whole plan.
LAYOUT_WORDS = frozenset("tom tat gon luoc khai quat tong quan gom bao phan muc nhom noi dung chinh viec nhiem vu co gi "
                         "summary summarise summarize overview rundown outline brief quick key parts sections points "
                         "items contents content cover covers structure".split())
# Words so common in these plans that they tell no clause from another.
GENERIC = frozenset("ke hoach tinh huyen ngoai giao van hoa thuc hien cac nhung theo trong cua cho".split())

_MONTHS_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                   "november", "december")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ENGLISH_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
# A sentence ends at . ; ! ? before a capital, or after a closing bracket or quote.
_SENTENCE_END = re.compile(r"(?<=[^\W\d_][.;!?])\s+(?=[A-ZĐÀ-Ỹ\"“(])|(?<=[)”\"][.;!?])\s+(?=[A-ZĐÀ-Ỹ\"“(])")
# Sentences in a document that address the model rather than the reader (prompt injection). A plan
# never tells its reader to ignore instructions; such a sentence is left out of what the model reads and of every quote.
INSTRUCTION = re.compile(
    r"\b(bo qua|phot lo|khong tuan theo|quen)\b.{0,40}\b(huong dan|chi dan|chi thi|yeu cau|quy tac|lenh)\b"
    r"|\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules?|guidelines?)\b"
    r"|\b(system prompt|you are now|ban bay gio la|tu nay ban la|developer mode|jailbreak)\b"
    r"|\b(tra loi|answer|reply|respond)\b.{0,20}\b(rang|that|with)\b.{0,80}\b(moi|every|all|always|luon)\b",
    re.I)
DOCUMENT_NUMBER = re.compile(r"\b(\d{1,5})\s*/\s*((?:(?:19|20)\d\d\s*/\s*)?[A-ZĐ][A-ZĐa-zđ0-9-]*)")  # 22/2016/TT-BTTTT too
# The words that say what kind of document a number is ("Quyết định 979/QĐ-UBND"), folded.
DOCUMENT_KINDS = frozenset("quyet dinh nghi thong tu cong van chi thi ke hoach kh decision resolution directive "
                           "circular".split())
# A document cited by its number as the plans write it: "số 2013/QĐ-TTg", "số 07-QC/TU", "số 603/KH- UBND".
CITED_NUMBER = re.compile(r"\bsố\s+[\w.-]*\d[\w.-]*\s*/\s*[\w/.-]+", re.I)


def fold(text: str) -> str:
    """Lower case, no diacritics, đ -> d: what typing without diacritics gives."""
    return fold_diacritics(text)


def folded_words(text: str) -> list[str]:
    return [fold(w) for w in syllables(text)]


@lru_cache(maxsize=65536)
def wordset(text: str) -> frozenset[str]:
    """The folded words of a text; cached, since the same clauses are weighed against every question."""
    return frozenset(folded_words(text))


def phrase_in(phrase: str, text: str) -> bool:
    """True when the folded words of `phrase` occur in a row in `text` (whole syllables only)."""
    words = " ".join(folded_words(phrase))
    return bool(words) and f" {words} " in f" {' '.join(folded_words(text))} "


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the lines of a text, and of the sentences within long lines; a heading's own number
    ("1.", "I.") never ends a sentence."""
    spans, offset = [], 0
    for line in text.split("\n"):
        marker = HEADING_MARKER.match(line)
        start = marker.end() if marker else 0
        cuts = [m.end() for m in _SENTENCE_END.finditer(line, start)]
        bounds = [0] + cuts + [len(line)]
        for a, b in zip(bounds, bounds[1:]):
            if line[a:b].strip():
                spans.append((offset + a, offset + b))
        offset += len(line) + 1
    return spans


def is_instruction(sentence: str) -> bool:
    return bool(INSTRUCTION.search(" ".join(re.findall(r"\w+", fold(sentence)))))


def is_heading(text: str) -> bool:
    text = text.strip()
    return bool(HEADING_MARKER.match(text)) and text[:1] not in "-–+•*" and len(text) < 160


_FOLDED_QUESTION_WORDS = frozenset(fold(w) for w in QUESTION_WORDS)


def content_words(text: str, english: bool = False,
                  phrases: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """The folded words of a question that say what it is about. `phrases`: pairs of words the plans write
    whose second folds to a question word ("cuộc thi" is not "cuộc thì"): such a second word is kept."""
    stop = ENGLISH_STOP if english else _FOLDED_QUESTION_WORDS | FILLER
    order = folded_words(text)
    words = [w for i, w in enumerate(order) if (w not in stop or (i and (order[i - 1], w) in phrases))
             and w not in FILLER]
    return [w for w in dict.fromkeys(words) if w not in GENERIC and (len(w) > 1 or w.isdigit())]


def folded_phrases(texts: Iterable[str]) -> frozenset[tuple[str, str]]:
    """Pairs of folded words in these texts whose second is a question word once folded, but not as
    written ("Cuộc thi", "Hội thi" against "thì"): what `content_words` keeps of a question typed bare."""
    pairs = set()
    for text in texts:
        written = re.findall(r"\w+", text.lower())
        for before, word in zip(written, written[1:]):
            if fold(word) in _FOLDED_QUESTION_WORDS and word not in QUESTION_WORDS and fold(before) not in \
                    _FOLDED_QUESTION_WORDS:
                pairs.add((fold(before), fold(word)))
    return frozenset(pairs)


# -- agencies and their shorthand ---------------------------------------------------------------
def initialisms(name: str, places: frozenset[str]) -> set[str]:
    """SVHTTDL, VHTTDL, SVHTTVDL for "Sở Văn hóa, Thể thao và Du lịch" (place words left out)."""
    # Only a place that ends the name is left out: "Lao" of "Lao động" is a syllable of Lào Cai too.
    words = folded_words(_without_place(name, places))
    if len(words) < 2:
        return set()
    small = {fold(w) for w in SMALL_WORDS}
    every = "".join(w[0] for w in words)
    core = "".join(w[0] for w in words if w not in small)
    found = {every, core}
    if AGENCY_START.match(name):
        found |= {every[1:], core[1:]}
    return {a for a in found if len(a) >= 3}


MIN_MISTYPED = 5  # letters of an initialism from which one mistyped letter is still read as it


def _one_edit(a: str, b: str) -> bool:
    """The two differ by exactly one letter inserted, dropped or replaced."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


@dataclass(frozen=True)
class Agency:
    name: str  # as a plan writes it
    core: frozenset[str]  # its folded words, place words aside: what a question must name
    body: frozenset[str] = frozenset()  # the core without the kind of body ("Sở", "Phòng"): its field


class AgencyNames:
    """Every agency the plans name, how a question can name it, and which one it names.

    Built once per version of the plan list (PlanStore.derived)."""

    def __init__(self, plans: tuple[Plan, ...]):
        # Whole place names: a syllable of one ("lao" of Lào Cai) is also a word of many agency names.
        self.places = frozenset(" ".join(folded_words(n)) for p in plans
                                for n in (p.metadata.province, p.metadata.district) if n)
        longest = sorted(self.places, key=len, reverse=True)
        self._place_names = re.compile(r"\b(?:" + "|".join(map(re.escape, longest)) + r")\b") if longest else None
        names: dict[str, str] = {}
        for plan in plans:
            for task in plan.tasks:
                for name in [task.lead, *task.lead_agencies, *task.cooperating_agencies]:
                    name = name.strip(" .;,")
                    if AGENCY_START.match(name) and len(name) < 90:
                        names.setdefault(_key(name, self.places), name)
        self.agencies = [_agency(n, self.places) for n in names.values()]
        self.shorthand: dict[str, str] = dict(ADMINISTRATIVE)
        vocabulary = {w for a in self.agencies for w in a.core}
        for agency in sorted(self.agencies, key=lambda a: len(a.name)):  # the shortest name wins a clash
            full = _without_place(agency.name, self.places)
            field = full.split(" ", 1)[1] if AGENCY_START.match(full) and " " in full else full
            for alias in initialisms(agency.name, self.places):
                if alias not in vocabulary:
                    # "ldtbxh" names the field, whichever body has it: Sở of a province, Phòng of a district.
                    self.shorthand.setdefault(alias, full if alias[0] == fold(full)[0] else field)

    def without_places(self, folded_text: str) -> str:
        """The folded text minus the plans' place names, each read whole: "gia" of "giá trị" or "lao" of
        "lao động" is no syllable of Gia Lai or Lào Cai there."""
        return self._place_names.sub(" ", folded_text) if self._place_names else folded_text

    def of(self, name: str) -> Agency:
        """An agency by its name, read as the plans' agencies are (one the plans may not name)."""
        return _agency(name, self.places)

    def expand(self, question: str) -> tuple[str, str]:
        """The question with each shorthand word followed by its full form (for the search, which then
        matches both), and with each replaced by it (for reading what is asked)."""
        found: list[str] = []
        out: list[str] = []
        replaced: list[str] = []
        for token in re.findall(r"[\w&.-]+|\W+", question):
            key = re.sub(r"[&.-]", "", fold(token))
            full = CHAT.get(token) or (self.shorthand.get(key) or self._mistyped(key)
                                       if key.isalpha() and len(key) >= 2 else None)
            if full and not any(fold(full) == fold(f) for f in found):
                found.append(full)
                out.append(f"{token} ({full})")
                replaced.append(full)
            else:
                out.append(token)
                replaced.append(full or token)
        return "".join(out), "".join(replaced)

    def _mistyped(self, key: str) -> str | None:
        """A long initialism typed with one letter too many, too few or wrong ("lhcttchn" for LHCTCHN): a word
        with no vowel is no Vietnamese or English word, so the one shorthand a letter away is what was meant."""
        if len(key) < MIN_MISTYPED or re.search(r"[aeiouy]", key):
            return None
        near = {full for alias, full in self.shorthand.items()
                if len(alias) >= MIN_MISTYPED and alias[0] == key[0] and _one_edit(alias, key)}
        return near.pop() if len(near) == 1 else None

    def named(self, text: str) -> list[Agency]:
        """Agencies every core word of which the text holds, longest first, none inside another found;
        a field named without the kind of body ("Lao động - Thương binh và Xã hội") names each body of it."""
        order = _short_countries(folded_words(text))
        words = frozenset(order)
        hits = [a for a in self.agencies if len(a.core) >= 2 and a.core <= words and _together(a.core, order)]
        fields = {a.body for a in hits}
        hits += [a for a in self.agencies if len(a.body) >= 3 and a.body <= words and a.body not in fields
                 and a not in hits and _together(a.body, order)]
        hits.sort(key=lambda a: -len(a.core))
        kept: list[Agency] = []
        for agency in hits:
            if not any(agency.core < k.core for k in kept):
                kept.append(agency)
        return kept


    def named_in_text(self, text: str) -> list[Agency]:
        """`named` for a plan's own text, which writes some names short ("Văn phòng UBND tỉnh")."""
        return self.named(self.expand(text)[1])


def mentions(text: str, agency: Agency, places: frozenset[str]) -> bool:
    """True when the text names the agency: its name in order (small words aside, so "Sở Thông tin -
    Truyền thông" is "Sở Thông tin và Truyền thông") or its initials with the kind of body (SVHTTDL)."""
    small = {fold(w) for w in SMALL_WORDS}
    needle = " ".join(w for w in folded_words(_without_place(agency.name, places)) if w not in small)
    words = [w for w in folded_words(text) if w not in small]
    if f" {needle} " in f" {' '.join(words)} ":
        return True
    kind = fold(agency.name)[:1]
    tokens = set(words)
    return any(alias in tokens for alias in initialisms(agency.name, places) if alias.startswith(kind))


def _together(name_words: frozenset[str], words: list[str]) -> bool:
    """The words of a name stand close together in the text (a few others between, "các", a place), not
    scattered over it: "văn" of "văn hóa" and "phòng" of "phòng nào" are no "Văn phòng"."""
    best, have, start = len(words) + 1, {}, 0
    for end, word in enumerate(words):
        if word in name_words:
            have[word] = have.get(word, 0) + 1
        while len(have) == len(name_words):
            best = min(best, end - start + 1)
            first = words[start]
            if first in have:
                have[first] -= 1
                if not have[first]:
                    del have[first]
            start += 1
    return best <= len(name_words) + 3


@lru_cache(maxsize=1)
def _two_syllable_countries() -> frozenset[tuple[str, str]]:
    return frozenset(tuple(fold(e.vietnamese).split()) for e in glossary().entries
                     if e.kind == "country" and len(e.vietnamese.split()) == 2)


def _short_countries(words: list[str]) -> list[str]:
    """A country of two syllables as its first ("viet" for "Việt Nam", "han" for "Hàn Quốc"): a question writes
    "Hội hữu nghị Việt - Hàn" or "VN-Nhật" for the plans' "Hội Hữu nghị Việt Nam - Hàn Quốc"."""
    pairs = _two_syllable_countries()
    return [w for i, w in enumerate(words) if not (i and (words[i - 1], w) in pairs)]


def _agency(name: str, places: frozenset[str]) -> Agency:
    words = _short_countries(_spelled_words(name))
    # "Tỉnh ủy", "Huyện ủy" are the level of a party body, like "tỉnh": "Ban Tuyên giáo" names either.
    words = [w for i, w in enumerate(words) if not (w == "uy" and i and words[i - 1] in ADMIN_LEVELS)]
    core = frozenset(w for w in _without_places(words, places) if w not in ADMIN_LEVELS)
    kind = words[0] if AGENCY_START.match(name) else ""
    return Agency(name, core, core - {kind} if kind else frozenset())


def _key(name: str, places: frozenset[str]) -> str:
    return " ".join(_without_places(_spelled_words(name), places))


def _spelled_words(name: str) -> list[str]:
    """An agency name's folded words with its abbreviations spelled out ("UBND huyện Buôn Đôn" is
    "uy ban nhan dan huyen buon don"), as a question's are before they are read."""
    return [w for word in folded_words(name) for w in (folded_words(ADMINISTRATIVE[word]) if word in ADMINISTRATIVE
                                                       else [word])]


def _without_places(words: list[str], places: frozenset[str]) -> list[str]:
    """Folded words minus every place name in them (whole names of one to three syllables)."""
    kept, i = [], 0
    while i < len(words):
        span = next((n for n in (3, 2, 1) if " ".join(words[i:i + n]) in places), 0)
        if span:
            i += span
            continue
        kept.append(words[i])
        i += 1
    return kept


def _without_place(name: str, places: frozenset[str]) -> str:
    """The name without the place and administrative level that end it ("… tỉnh Đắk Lắk")."""
    words = name.split()
    while words:
        tail = next((n for n in (3, 2, 1) if len(words) >= n
                     and " ".join(fold(w).strip(",.") for w in words[-n:]) in places), 0)
        if tail:
            del words[-tail:]
        elif fold(words[-1]).strip(",.") in ADMIN_LEVELS:
            words.pop()
        else:
            break
    return " ".join(words)


def names_agency(text_words: frozenset[str], agency: str, places: frozenset[str]) -> bool:
    """True when the words hold every core word of one part of `agency` ("Báo và Đài ... tỉnh" names
    "Báo Gia Lai, Đài Phát thanh - Truyền hình Gia Lai" part by part). One word left ("Báo") is too
    common to name anything on its own."""
    for part in re.split(r",|;|\bvà các\b", agency):
        if not AGENCY_START.match(part.strip()):
            continue
        core = [w for w in _without_places(folded_words(part), places) if w not in ADMIN_LEVELS]
        if len(core) >= 2 and all(w in text_words for w in core):
            return True
    return False


def plays(agency: Agency, value: str, places: frozenset[str]) -> bool:
    """True when a lead or cooperating cell (or a responsibility heading) names this agency."""
    words = wordset(value)
    return agency.core <= words or names_agency(words, agency.name, places)


def country_named(name: str, question: str) -> bool:
    """True when a Vietnamese question names the country. Written with its capital ("Lào", or "Lao"
    typed without diacritics) it is the country; in lower case only a name of two syllables is, since
    "lao động", "giáo dục" and "hình ảnh" hold "Lào", "Đức" and "Anh" once folded, or one of several
    syllables ("campuchia")."""
    text = without_provinces(normalize_text(question))
    written, typed = normalize_text(name), " ".join(w.capitalize() for w in fold(name).split())
    if re.search(rf"(?<!\w){re.escape(written)}(?!\w)", text):
        return True
    # Typed without diacritics, a capital is only the country's inside the sentence ("Lao dong ..." opens one).
    if typed != written and re.search(rf"(?<=\s){re.escape(typed)}(?!\w)", text):
        return True
    return (len(name.split()) > 1 or not _syllable(fold(name))) and phrase_in(name, question)


def _syllable(word: str) -> bool:
    """A Vietnamese syllable has one run of vowels ("lao", "duc"); a name borrowed whole ("campuchia",
    "myanmar") has several, and is no other word when typed in lower case."""
    return len(re.findall(r"[aeiouy]+", word)) == 1


# -- where the money comes from -------------------------------------------------------------------
# Each kind of funding a task's cell gives (folded), and how a question names it.
FUNDING_SOURCES: tuple[tuple[str, re.Pattern], ...] = (
    ("xa hoi hoa", re.compile(r"xa hoi hoa|sociali[sz]|non-state|sponsor|"
                              r"private (?:funds|sources|money|contributions)")),
    ("khong phat sinh", re.compile(r"khong phat sinh|khong ton kinh phi|no cost|costs? nothing|free of charge|"
                                   r"without (?:any )?(?:cost|funding)|no (?:extra |additional |separate )?(?:funding|money|cost)|"
                                   r"(?:don't|do not|doesn't|does not) (?:need|require|cost) (?:any )?(?:extra |additional )?"
                                   r"(?:funding|money)")),
    ("ngan sach", re.compile(r"ngan sach (?:nha nuoc|dia phuong|tinh|huyen)|nguon ngan sach|state budget|state funds|"
                             r"public funds|government (?:budget|funds|money)")),
)


def funding_sources(folded_text: str) -> tuple[str, ...]:
    """The kinds of funding a question asks about, or a row's funding cell states ("xa hoi hoa" for
    "socialized sources"), folded, in FUNDING_SOURCES order."""
    return tuple(kind for kind, pattern in FUNDING_SOURCES if pattern.search(folded_text))


# -- what a count counts ---------------------------------------------------------------------------
# What the plans count ("50 người", "03 đoàn", "55 năm"), and the English a count question may use for it.
COUNT_NOUNS = ("người", "đoàn", "nghệ sĩ", "nghệ nhân", "đại biểu", "học viên", "lớp", "chương trình", "hoạt động",
               "nhiệm vụ", "sự kiện", "cuộc", "lượt", "tiết mục", "ngày", "buổi", "đêm", "gian hàng", "bài", "tin",
               "ấn phẩm", "đội", "thành viên", "lần", "di sản", "danh nhân", "quốc gia", "nước", "tỉnh", "địa phương",
               "diễn viên", "năm", "tháng", "tuần")
_COUNTED_EN = {"people": "người", "persons": "người", "participants": "người", "members": "thành viên",
               "years": "năm", "months": "tháng", "weeks": "tuần", "days": "ngày", "times": "lần",
               "delegations": "đoàn", "artists": "nghệ sĩ", "artisans": "nghệ nhân", "performers": "diễn viên",
               "delegates": "đại biểu", "events": "sự kiện", "programs": "chương trình", "programmes": "chương trình",
               "provinces": "tỉnh", "countries": "nước", "heritages": "di sản", "sites": "di sản", "booths": "gian hàng"}
_COUNT_ASKED = re.compile(r"(?:bao nhieu|\bmay|how many|so luong|number of)\s+(\w+(?: \w+)?)")


def counted_noun(folded: str) -> str:
    """The noun a count question counts, folded, when it is one the plans count: "bao nhiêu người" ->
    "nguoi", "how many years" -> "nam"; "" otherwise."""
    m = _COUNT_ASKED.search(folded)
    if not m:
        return ""
    words = m.group(1).split()
    if words[0] in _COUNTED_EN:
        return fold(_COUNTED_EN[words[0]])
    known = {fold(n) for n in COUNT_NOUNS}
    return next((c for c in (" ".join(words[:2]), words[0]) if c in known), "")


# -- when a question is about ---------------------------------------------------------------------
REGULARLY = "Thường xuyên"  # a task's time cell for work done all year round
SPECIFIC_MONTH = "tháng cụ thể"  # asked for the tasks given a month or quarter
@dataclass(frozen=True)
class TimeAsked:
    """The months a question asks about (1-12), with the year when it names one."""

    months: frozenset[int]
    year: int | None
    label: str  # as the question put it: "Quý III/2024", "Tháng 10"


def time_asked(question: str) -> TimeAsked | None:
    """The months asked; a task done all year round ("thường xuyên") is asked with no months."""
    folded = fold(question)
    year = next((int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", folded)), None)
    if re.search(r"thuong xuyen|\bongoing\b|on an ongoing basis|year-round|all year round|\bregularly\b", folded):
        return TimeAsked(frozenset(), year, REGULARLY)
    # "hoạt động nào có tháng cụ thể": any month or quarter, not only "Trong năm 2024".
    if re.search(r"(?:thang|quy|moc thoi gian|thoi gian) (?:\w+ )?cu the|(?:specific|particular|exact|given) (?:month|quarter)s?", folded):
        return TimeAsked(frozenset(range(1, 13)), year, SPECIFIC_MONTH)
    # Every quarter and month named counts: "tháng 4 và tháng 6", "t4-t6", "Q2, Q3", "April and June".
    months: set[int] = set()
    labels: list[str] = []
    for m in re.finditer(r"\b(?:(?:quy|q)\s*(iv|iii|ii|i|[1-4])|(first|1st|second|2nd|third|3rd|fourth|4th) quarter)\b", folded):
        token = m.group(1) or m.group(2)
        n = _ROMAN.get(token) or _ENGLISH_ORDINAL.get(token) or int(token)
        months |= set(range(3 * n - 2, 3 * n + 1))
        labels.append(f"Quý {'I' * n if n < 4 else 'IV'}")
    for m in re.finditer(r"\b(?:thang|t)\s*(\d{1,2})\b(?!\s*(?:nam|năm)\b)"
                         r"(?:\s*(-|den|toi|to|va|and|,)\s*(?:thang|t)?\s*(\d{1,2})\b(?!\s*(?:nam|năm)\b|/\d{1,2}/))?", folded):
        first, last = int(m.group(1)), int(m.group(3) or m.group(1))
        if not 1 <= first <= 12 or not 1 <= last <= 12:
            continue
        named = range(first, last + 1) if m.group(2) in ("-", "den", "toi", "to") and first < last else {first, last}
        months |= set(named)
        labels += [f"Tháng {n}" for n in sorted(set(named))]
    # A month's name or its short form, as a whole word: "decision" is no December.
    for m in re.finditer(r"\b(" + "|".join(_MONTHS_EN) + r")(?:" + "|".join(n[3:] for n in _MONTH_NAMES_EN if n[3:])
                         + r"|t)?\b\.?", folded):
        if m.group(1) == "may" and not re.search(r"\bmay\s+(20\d\d|\d{1,2}\b)|\bin may\b", folded):
            continue
        month = _MONTHS_EN.index(m.group(1)) + 1
        months.add(month)
        labels.append(f"Tháng {month}")
    if months:
        return TimeAsked(frozenset(months), year, ", ".join(dict.fromkeys(labels)))
    return None


def months_of(time: str) -> frozenset[int] | None:
    """The months a task's time cell covers ("Quý II/2024" -> 4-6, "Tháng 10/2024" -> 10);
    None when it names no month or quarter ("Trong năm 2024", "Thường xuyên")."""
    folded = fold(time)
    quarters = [_ROMAN.get(q) or int(q) for q in re.findall(r"quy\s+(iv|iii|ii|i|[1-4])\b", folded)]
    months = {int(x) for x in re.findall(r"thang\s+(\d{1,2})\b", folded) if 1 <= int(x) <= 12}
    for n in quarters:
        months |= set(range(3 * n - 2, 3 * n + 1))
    return frozenset(months) or None


# -- places ----------------------------------------------------------------------------------------
PROVINCES_FILE = Path(__file__).resolve().parents[1] / "index" / "provinces.tsv"


@lru_cache(maxsize=1)
def _provinces() -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    rows = []
    for line in PROVINCES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, english, *flag = line.split("\t")
            forms = tuple({" ".join(folded_words(f)) for f in (name, *english.split("|"))})
            rows.append((name, forms, bool(flag)))
    return tuple(rows)


def foreign_names(plans: tuple[Plan, ...]) -> dict[str, str]:
    """The names the plans write that are no Vietnamese word: written without diacritics, of several vowel
    runs, and always with a capital ("Attapeu", "Kagoshima", "OCOP"); folded -> as first written."""
    written: dict[str, str] = {}
    lower: set[str] = set()
    for plan in plans:
        for clause in plan.clauses:
            for word in re.findall(r"[^\W\d_]{4,}", clause.text):
                folded = word.lower()
                if fold(word) != folded or _syllable(folded):
                    continue
                if word[0].isupper():
                    written.setdefault(folded, word)
                else:
                    lower.add(folded)
    return {w: name for w, name in written.items() if w not in lower}


_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")
MAX_NAME_WORDS = 4


def name_runs(text: str) -> list[tuple[str, str]]:
    """Runs of capitalised words inside a sentence ("Kon Hà Nừng", "Suwon"), each with the word right after
    it: a sentence's or line's first word, a heading in capitals and a document number ("KH-UBND") are not
    read as names."""
    runs = []
    for line in text.split("\n"):
        run: list[re.Match] = []
        for m in [*_WORD.finditer(line), None]:
            word = m.group(0) if m else ""
            capital = word[:1].isupper() and "-" not in word
            touching = bool(run) and m is not None and not line[run[-1].end():m.start()].strip()
            if capital and touching and len(run) < MAX_NAME_WORDS:
                run.append(m)
                continue
            if run:
                before = line[:run[0].start()].rstrip()
                first = not before or before[-1] in ".:;!?-–+•*(\"“" or re.fullmatch(r"[\w.]{1,5}[.)]", before.split()[-1])
                name = line[run[0].start():run[-1].end()]
                if not first and len(name) >= 3 and not (name.isupper() and " " in name):
                    runs.append((name, word if touching else ""))
            run = [m] if capital else []
    return runs


def proper_names(plans: tuple[Plan, ...]) -> frozenset[str]:
    """The names of places, partners, heritage and people the plans write ("Suwon", "Kon Hà Nừng", "Yên
    Tử"): runs of capitalised words never written in lower case, that begin no agency's name and that
    most plans do not write ("Việt Nam")."""
    seen: dict[str, set[str]] = {}
    after: set[tuple[str, str]] = set()
    lower: set[tuple[str, ...]] = set()  # runs of up to MAX_NAME_WORDS words the plans write in lower case
    for plan in plans:
        for clause in plan.clauses:
            for name, next_word in name_runs(clause.text):
                seen.setdefault(name, set()).add(plan.key)
                after.add((name, next_word))
            for line in clause.text.split("\n"):
                words = [w if w.islower() else "" for w in _WORD.findall(line)]
                lower.update(tuple(words[i:i + n]) for n in range(1, MAX_NAME_WORDS + 1) for i in range(len(words) - n + 1)
                             if all(words[i:i + n]))

    def written_as_name(name: str) -> bool:
        words = name.split()
        # One capitalised syllable begins a sentence's words often enough; an initialism ("HĐND") is shorthand.
        if len(words) == 1 and len(re.findall(r"[aeiouy]+", fold(name))) < 2:
            return False
        # "Bộ Khoa" of "Bộ Khoa học": its last word begins a word the plans write in lower case.
        cut = any((words[-1].lower(), w) in lower for n, w in after if n == name and w)
        return not cut and tuple(w.lower() for w in words) not in lower  # "Nhân dân" and "nhân dân"
    return frozenset(name for name, keys in seen.items()
                     if not AGENCY_START.match(name) and fold(name) != "viet nam"
                     and 2 * len(keys) <= max(len(plans), 2) and written_as_name(name))


def without_provinces(text: str) -> str:
    """The text with the names of Việt Nam's provinces blanked ("Lào Cai", "Lao Cai"): a country's name
    inside one is not the country."""
    for name in _province_names_with_countries():
        text = re.sub(rf"(?<!\w){name}(?!\w)", " ", text, flags=re.I)
    return text


@lru_cache(maxsize=1)
def _province_names_with_countries() -> tuple[str, ...]:
    """Patterns of the province names that hold a syllable a country is named by (Lào Cai), as written
    or typed without diacritics."""
    countries = {fold(e.vietnamese) for e in glossary().entries if e.kind == "country"}
    syllables = {w for c in countries for w in c.split()}
    names = [n for n, _, _ in _provinces() if set(fold(n).split()) & syllables]
    return tuple(dict.fromkeys(p for n in names for p in (re.escape(normalize_text(n)), re.escape(
        " ".join(w.capitalize() for w in fold(n).split())))))


def provinces_named(question: str) -> list[str]:
    """The provinces and cities of Việt Nam a question names, as Vietnamese writes them."""
    text = f" {' '.join(folded_words(question))} "
    found = []
    for name, forms, needs_level in _provinces():
        for form in forms:
            before = r"(?:tinh|province|thanh pho|tp) " if needs_level else ""
            if re.search(rf" {before}{re.escape(form)} ", text):
                found.append(name)
                break
    return found
