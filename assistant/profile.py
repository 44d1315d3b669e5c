"""The question understood once: language, which plans it is about, what it asks for, its key words.

A Profile is made before retrieval (so shorthand and plan numbers reach the search) and read by every
later step; nothing downstream looks at the question's wording again. What a question asks for (its
slot) is read from phrases, never from a single syllable: folded "ky" is both "ký" (signed) and the
"kỷ" of "kỷ niệm".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.vocabulary import (DOCUMENT_NUMBER, Agency, AgencyNames, TimeAsked, content_words, country_named,
                                  counted_noun, fold, folded_phrases, funding_sources, time_asked)
from index.glossary import Glossary
from index.retriever import YEAR, PlanPlaces
from ingest import Plan

# Slots, tried in this order; each pattern runs on the question folded to ASCII with shorthand expanded.
SLOTS: tuple[tuple[str, str], ...] = (
    ("signer", r"nguoi ky|\bai ky|\bky boi|ky ten|\bai la nguoi ky|(?:da|duoc) ky\b|who signed|signed (?:it|by|the)|"
               r"\bsigner|signatory|who sign\b|\b(?:his|her|their) (?:title|position|post|job|rank)\b|chuc vu|chuc danh"),
    ("number", r"so hieu|so van ban|so ky hieu|\bso may\b|mang so|reference number|document number|"
               r"plan number|what number|which number|number of (?:the|this|that) plan|so bao nhieu\b(?! nguoi)"),
    ("issuer", r"co quan ban hanh|\bai ban hanh|do ai ban hanh|don vi ban hanh|cap nao ban hanh|who issued|"
               r"issuing (?:body|authority|agency)|issued by (?:whom|who|which)|\bissuer"),
    ("date", r"ngay (?:ban hanh|ky)|ban hanh (?:ngay|khi|luc|nam|vao|bao gio)|ky (?:ngay|khi|luc|vao|bao gio)|"
             r"(?:ngay|khi) nao .{0,30}ban hanh|ban hanh .{0,30}(?:ngay|khi) nao|(?:issued|signed|dated|adopted) (?:on|in)\b|"
             r"when (?:was|were|is|did) .{0,60}(?:issued|signed|adopted|released|dated|issue|sign)|"
             r"date of (?:issue|issuance|signing)|issue date|\bdated\b|"
             r"(?:ke hoach|\bkh\b|plan|van ban)\s*(?:so\s*)?\S*\s*(?:\w+\s){0,6}ngay nao"),
    ("title", r"(?:ke hoach|\bkh\b|van ban)\s*(?:so\s*)?\S*\s*(?:\w+\s){0,4}(?:la )?(?:ke hoach )?ve (?:gi|viec gi|cai gi)|"
              r"la (?:ke hoach|\bkh|quyet dinh|\bqd|van ban|nghi quyet|chi thi|cong van) (?:gi|ve gi|ve viec gi)\b|"
              r"(?:quyet dinh|\bqd|van ban|nghi quyet|chi thi|cong van) (?:nay |do )?ve (?:gi|viec gi)\b|ten (?:day du |goi )?(?:cua )?(?:ke hoach|van ban|\bkh\b)|trich yeu|"
              r"(?<!his )(?<!her )(?<!their )\btitle\b|"
              r"full name|"
              r"(?:is it|is this|is that|is the) (?:a )?plan (?:for|about|on)\b|plan (?:for|about) what|"
              r"what (?:is|'s) (?:the |this |that )?plan (?:\S+ )?(?:for|about|called|titled)|what is it called"),
    ("basis", r"can cu (?:(?:vao|la|theo)\s)?(?:nhung |cac )?(?:van ban|quyet dinh|nghi quyet|chi thi|ke hoach|\bkh\b|"
              r"gi\b|nao\b)|"
              r"(?:dua tren|tren co so|theo) (?:van ban|quyet dinh)? ?(?:nao|gi)\b|"
              r"(?:trien khai|thuc hien|cu the hoa) (?:theo )?(?:quyet dinh|nghi quyet|chi thi|van ban|ke hoach) (?:nao|gi|so may)\b|"
              r"\bimplements? (?:which|what)|\bbased on\b|legal basis|\bits basis|"
              r"(?:which|what) (?:higher[- ]level )?(?:decisions?|documents?|resolutions?|directives?) "
              r"(?:does|do|did|is|are|it|they|each)\b"),
    ("recipients", r"noi nhan|(?:gui|phat hanh) (?:cho|den|toi|ve) (?:nhung |cac )?(?:noi|co quan|don vi|ai)\b|"
                   r"\brecipients?\b|(?:sent|sends|addressed|copied|distributed) to\b|distribution list"),
    ("horizon", r"den nam nao|giai doan nao|thoi han (?:cua )?(?:ke hoach|chien luoc)|horizon|until (?:what|which) year|"
                r"through (?:what|which) year|to what year|time ?frame of (?:the|this) plan"),
    ("contact", r"so dien thoai|dien thoai|hotline|e-?mail|phone|contact(?! point| body| agency| office)|lien he|lien lac|website nao|dia chi|"
                r"web address|\burl\b|website address|trang web nao"),
    ("sanction", r"xu ly (?:ky luat|vi pham|the nao|ra sao|nhu the nao)|bi xu ly|ky luat|che tai|xu phat|"
                 r"penalt|sanction|punish|disciplin"),
    ("person", r"\bho ten|\bten (?:nguoi|ong|ba|cua giam doc|giam doc)|\bong nao|\bba nao|(?:giam doc|chu tich|truong ban) (?:la ai|ten)|"
               r"(?:giam doc|chu tich|truong phong|truong ban|lanh dao)\b.{0,60}?\bten (?:gi|la gi)\b|"
               r"who is the (?:director|head|chair|chairman|leader)|name of the (?:director|person|head|official)"),
    # How an activity turned out: the plans say what is to be done, not who won or what came of it.
    ("outcome", r"giai nhat|giai nhi|giai ba|dat giai|doat giai|ai thang|vo dich|\bwho won\b|\bwinners?\b|won (?:the|first)|"
                r"ket qua (?:cua |ra sao|the nao|nhu the nao|cuoc thi|hoi thi|dat duoc)|results? of the (?:contest|competition|event|festival|trip|visit)|"
                r"how did (?:it|the \w+) go|how (?:it|the \w+) went|turned out|outcome|thanh cong (?:khong|ko|chua)"),
    ("amount", r"bao nhieu (?:tien|ty|trieu|dong|kinh phi|ngan sach|von)|(?:tong|so|muc) (?:kinh phi|tien|chi|ngan sach)|"
               r"how much|\bvnd\b|\bty dong|trieu dong|\bamount|total (?:budget|cost|funding)|dollars|\busd\b|"
               r"tien thuong|prize money|gia tri"),
    ("count", r"bao nhieu|so luong|how many|number of|\bco may\b|"
              r"\bmay (?:hoat dong|nhiem vu|viec|muc|noi dung|chuong trinh|co quan|don vi|su kien|ke hoach)\b"),
    ("funding", r"kinh phi|ngan sach|nguon (?:von|tien|kinh phi)|nguon nao|tai tro|xa hoi hoa|funding|funded|"
                r"budget|\bfunds?\b|\bcosts?\b|money|\bpay|financ|expense"),
    ("cooperating", r"phoi hop|cung voi|ho tro|cooperat|coordinat|support|assist|help|work(?:s|ing)? with|"
                    r"together with|partner agenc"),
    ("lead", r"chu tri|phu trach|dau moi|dam nhiem|duoc giao|giao cho|co quan nao|don vi nao|(?<!con )\bso nao|phong nao|"
             r"\bban nao|\bhoi nao|(?<!voi )(?<!nhung )(?<!cho )\bai\b|\bwho\b|which (?:agency|office|department|unit|body|organi[sz]ation|group)|"
             r"in charge|contact point|focal point|\bleads?\b|\bleading\b|responsible|\bruns?\b(?! (?:to|until|till|through|up to))|organi[sz]es?|handles?"),
    ("time", r"khi nao|thoi gian|bao gio|bao lau|how often|may lan|ngay nao|ngay may|tu ngay|ngay cu the|"
             r"what day|which day|what date|which date|exact date|luc nao|thang may|thang nao|quy may|quy nao|nam nao|tien do|\bwhen\b|"
             r"what month|which month|what time|what point in the year|time of (?:the )?year|deadline|\bdue\b|timeline|schedule|how long|what year"),
    ("venue", r"\bdia diem|noi to chuc|\bvenue|\blocation|\btai dau\b|\bo dau\b|(?:o|tai) (?:tinh|thanh pho|huyen) nao|"
              r"(?:held|take place|located|hosted) (?:in|at) (?:which|what)|in which (?:city|province|town)"),
    ("duties", r"trach nhiem|vai tro|nhiem vu (?:gi|nao|cua)|lam gi|(?:duoc )?giao (?:gi|nhung|viec|nhiem vu)|phai lam|lam nhung gi|nhung viec|viec gi|can lam|"
               r"\bduties|\bduty\b|responsibilit|what (?:must|should|does|do|will|did) .{0,60}\bdo\b|\brole\b|"
               r"tasks? (?:of|for)|\bjob\b|assigned|(?:supposed|expected|meant|required) to do|(?:has|have|need|needs) to do"),
)
# Words whose folded form is another word's too ("tiền" money, "tiến độ", "tiên tiến"): read only as typed
# with diacritics.
MARKED_SLOTS = {"funding": r"\btiền\b"}
SLOT_PATTERNS = dict(SLOTS)
DOCUMENT_SLOTS = frozenset({"signer", "number", "issuer", "date", "horizon", "title", "basis", "recipients"})
# Slots answered with a value (an agency, a date, an amount): a short answer whatever else the question says.
SHORT_SLOTS = frozenset({"lead", "cooperating", "time", "funding", "venue", "amount", "count", "person", "contact",
                         "signer", "number", "issuer", "date", "horizon"})
# Slots whose value the plans rarely state: asked and not found in good evidence, the answer declines.
DETAIL_SLOTS = frozenset({"contact", "person", "amount", "count", "venue", "sanction", "outcome"})
# The plan's purpose, aims and requirements: asked for, an answer as long as the contract gives a purpose.
_PURPOSE = r"muc dich|muc tieu|yeu cau|purpose|\baims?\b|goals?|objectives?|requirements?"
# Asked for in short: a summary.
_SUMMARY = r"tom tat|tom lai|tom gon|tom luoc|so luoc|khai quat|tong quan|ngan gon|summar|overview"
_LONG = re.compile(r"liet ke|gom nhung|bao gom|\blist\b|tat ca|toan bo|\bevery\b|\ball (?:the )?(?:tasks|activit|events)|"
                   rf"{_PURPOSE}|{_SUMMARY}|"
                   r"noi dung|main (?:points|contents|tasks)|compare|so sanh|khac nhau|giong nhau|"
                   r"difference|vai tro|nhiem vu|duties|responsibilit|what (?:does|do) .{0,40} (?:say|cover)|"
                   r"noi gi|de cap|mention")
_EVERY = re.compile(r"liet ke|\blist\b|tat ca|toan bo|\bevery\b|\ball\b|\beach\b|\bmoi\b")
# A summary of a part of the plan: its items are the answer, each in a line.
_OUTLINE = re.compile(rf"{_SUMMARY}|rundown|outline|short version|in short|"
                      r"\bbriefly|\bgist\b|tl;?dr|gom (?:nhung )?(?:gi|noi dung|muc|phan)|"
                      r"bao gom nhung|co nhung (?:noi dung|muc|phan|gi)|noi dung (?:chinh|gi)|noi ve (?:gi|nhung gi)\b|"
                      r"moi (?:don vi|so|co quan)|"
                      r"main (?:points|contents|parts)|what(?:'s| is) in\b")
# "mục IV phụ lục", "section 2.3", "phần V": a part of the plan named by its number.
_SECTION = re.compile(r"\b(?:muc|phan|nhom|section|part|group|chapter|chuong)\s+([ivx]{1,4}|\d{1,2}(?:\.\d{1,2})?)\b")
_APPENDIX = re.compile(r"phu luc|appendix|annex")
_COMPARING = r"so sanh|khac nhau|giong nhau|\bcompar\w*|differences?|\bvs\b|versus|ca hai|\bboth\b"
_COMPARE = re.compile(_COMPARING)
# Words asking for plans to be set side by side say how to answer, not what about: no clause is sought by them.
_COMPARING_WORDS = re.compile(rf"{_COMPARING}|\b(?:khac biet|giong|differ(?:s|ent)?|the same|similar(?:ly)?|alike)\b")
_WHICH_PLANS = re.compile(r"(?:nhung|cac)? ?ke hoach nao|which (?:of the )?plans?|what plans?|in which plan|plans? (?:that|which) "
                          r"|cac ke hoach|tinh nao|which provinces?|nhung tinh|cac tinh")
_REGISTRY = re.compile(r"nhiem vu|hoat dong|viec|noi dung|chuong trinh|su kien|(?:nhung|cac) muc|muc nao|tasks?|items?|"
                       r"everything|anything|phu luc|appendix|annex|\brows?\b|\bdong nao\b|"
                       r"activit|events?|programs?|"
                       r"programmes?|what (?:is|are) (?:due|planned|scheduled|happening)")
# Tasks held in another country: "việc nào tổ chức ở nước ngoài", "what is held abroad" (not "người Việt Nam ở
# nước ngoài", who live there).
_ABROAD = re.compile(r"\b(?:to chuc|dien ra|thuc hien|hoat dong|viec|di|doan|chuong trinh|su kien)\b(?:\s+\S+){0,3}?\s+"
                     r"(?:o|tai) nuoc ngoai|\b(?:ra|sang) nuoc ngoai|\b(?:held|take place|takes place|happen\w*|done|"
                     r"organi[sz]ed|events?|activit\w*|trips?|tasks?|things)\b(?:\s+\S+){0,2}?\s+(?:abroad|overseas|"
                     r"outside (?:vietnam|the country))|\bin (?:other|foreign) countries")
_BY_FUNDING = re.compile(r"(?:theo|moi|tung) (?:loai |nguon )?(?:kinh phi|nguon)|\bby (?:funding|source)|"
                         r"(?:each|every|per) (?:funding|source)")
# "bao nhiêu nhiệm vụ", "how many Japan activities": a count of tasks (rows, duties), not of people or money.
_TASKS_COUNTED = re.compile(r"(?:bao nhieu|\bmay|how many|so luong|number of)\s+(?:\S+\s+){0,2}?"
                            r"(?:nhiem vu|hoat dong|viec|cong viec|chuong trinh|su kien|noi dung|muc|dong|tasks?|items?|"
                            r"activit|events?|programs?|programmes?|duties|things|rows?)")
_LIST = re.compile(r"nhung|cac|liet ke|nao|\blist|\ball\b|which|what|bao nhieu|how many|gi\b|everything|anything|"
                   r"\b(?:tasks|activities|events|programs|programmes|items|rows)\b")  # "tasks with Cambodia?"
# "còn những danh hiệu ...", "and the budget for ...": a question that goes on from the one before.
_CONTINUES = re.compile(r"\s*(?:(?:the|vay|thi)\s+)?(?:con|va|and|also|what about|how about)\b")
# "Who runs the plan?": the agency in charge of the plan as a whole, not of one of its tasks.
_RUNS_PLAN = re.compile(r"(?:chu tri|dau moi|thuong truc|\bleads?|\bruns?|in charge of|coordinat\w*|responsible for)\s+"
                        r"(?:\w+\s+){0,3}?(?:(?:viec |to chuc )?(?:trien khai|thuc hien)(?: \w+){0,2}? (?:ke hoach|chien luoc)\b|"
                        r"implementation\b|implementing (?:the|this|each) plan|the (?:whole )?plans?\b|the whole thing|overall)|"
                        r"(?:co quan|don vi) (?:dau moi|thuong truc)|focal (?:point|agency)|lead agency (?:for|of) (?:the|this|each) plan")
_REFERS_BACK = re.compile(r"\b(?:do|nay|kia|ay|tren|vua roi|that|this|those|these|it|they|them|same)\b")
# Typed with diacritics, "do Sở Ngoại vụ chủ trì" (by) is not "đó" (that): the marked words are read instead.
_REFERS_BACK_MARKED = re.compile(r"\b(?:đó|này|kia|ấy|trên|vừa rồi|that|this|those|these|it|they|them|same)\b")
# A day asked, not only when: "từ ngày nào", "on what date".
_DAY_ASKED = re.compile(r"ngay nao|ngay may|ngay bao nhieu|tu ngay|ngay cu the|what day|which day|what date|which date|exact date")
_TYPED_NUMBER = re.compile(DOCUMENT_NUMBER.pattern, re.I)  # "1908/kh-ubnd" as typed in chat
# "(ko phai Dak Lak)", "not Hanoi's": a place named to say it is not the one meant (two syllables at most).
_NOT_MEANT = re.compile(r"\b(?:khong phai|ko phai|k phai|chu khong|not|rather than|instead of|ngoai tru)\s+"
                        r"(?:(?:cua|la|the|of|kh|ke hoach)\s+)*\w+(?:\s+\w+)?")
_NOT_MEANT_YEAR = re.compile(r"\b(?:rather than|instead of|not|khong phai|chu khong phai|thay vi)\s+(?:\S+\s+){0,3}?"
                             r"((?:19|20)\d\d)\b")
_OTHER_DOCUMENT = re.compile(r"quyet dinh|nghi quyet|nghi dinh|chi thi|thong tu|cong van|decision|decree|resolution|directive|circular")
_PLAN_NUMBER = re.compile(r"\b(?:kh|ke hoach|plan|so|no\.?|number)\s*(?:so\s*)?(\d{1,5})\b(?!\s*/\s*(?:qd|nq|ct))"
                          r"|\b(\d{1,5})\s*/\s*kh\b|(?<![\d/])\b(?!19\d\d|20\d\d)(\d{3,5})\b(?!\s*/)")


@dataclass(frozen=True)
class Profile:
    question: str  # as asked
    searched: str  # what retrieval reads: the question, shorthand spelled out, a follow-up's context
    language: str  # vi | en
    folded: str  # the searched text folded to ASCII
    slot: str | None  # what is asked for (SLOTS), None for "tell me about"
    asks: tuple[str, ...] = ()  # every slot the question's words ask for, in SLOTS order
    plans: tuple[str, ...] = ()  # plans named by number (603/KH-UBND, "kh 34") and place; () none named
    numbered: bool = False  # one of them by its number
    sides: int = 0  # how many plans (or places) are named apart: two or more are asked side by side
    agencies: tuple[Agency, ...] = ()  # agencies named (in words or shorthand)
    countries: tuple[str, ...] = ()  # partner countries named, in Vietnamese
    abroad: bool = False  # tasks held in another country are asked for
    time: TimeAsked | None = None  # a month or quarter asked about
    day: bool = False  # the day asked ("ngày nào"), which a month or quarter does not answer
    years: tuple[int, ...] = ()  # years named, not those of a cited number (2013/QĐ-TTg) or date (30/11/2021)
    terms: tuple[str, ...] = ()  # folded words of substance, in question order
    context_terms: tuple[str, ...] = ()  # a follow-up's words carried from the earlier question
    wants_long: bool = False  # a list, purpose, summary or duties: the whole passage, not a sentence
    compare: bool = False
    outline: bool = False  # a summary of a part of the plan ("tóm tắt phần tổ chức thực hiện")
    purpose: bool = False  # the plan's purpose, aims or requirements are asked about
    section: tuple[str, ...] = ()  # a part named by number: ("Phụ lục", "IV"), ("2", "3")
    funding: str | None = None  # a kind of funding asked about (FUNDING_SOURCES): a filter on tasks
    by_funding: bool = False  # tasks counted by the kind of funding each states
    which_plans: bool = False  # "which plans ...": one short line per plan
    registry: bool = False  # about tasks as data (filtered by time, agency or country)
    counts_tasks: bool = False  # a count of tasks or duties ("bao nhiêu nhiệm vụ"), not of people or money
    counted: str = ""  # what a count asks the number of, folded as the plans write it ("nguoi", "nam")
    runs_plan: bool = False  # who is in charge of the plan as a whole ("cơ quan đầu mối", "who runs the plan")
    other_plans: tuple[str, ...] = ()  # plan numbers named ("60/KH-UBND") that no indexed plan has
    other_documents: tuple[str, ...] = ()  # document numbers named that are not a plan's own
    refers_back: bool = False  # a follow-up leaning on the earlier answer ("Phòng đó", "and that one?")
    follow_up: bool = False

    @property
    def asks_who(self) -> bool:
        """Who leads or cooperates: the answer is an agency."""
        return self.slot in ("lead", "cooperating")

    @property
    def side_by_side(self) -> bool:
        """Plans named apart or compared: when several answer, each is given in full, a long answer."""
        return self.sides > 1 or self.compare

    @property
    def asks_document(self) -> bool:
        """About the plan itself; "which plans implement Quyết định X?" is asked of every plan's text."""
        return self.slot in DOCUMENT_SLOTS and not self.other_documents and \
            not (self.slot == "basis" and self.which_plans)


@dataclass
class Turn:
    """What an answer was about, kept for the next question of the conversation."""

    question: str
    profile: Profile | None = None
    plans: tuple[str, ...] = ()  # plans the answer cited
    sections: tuple[str, ...] = ()  # clauses it cited, as "plan key|section"
    agency: str = ""  # the agency it was about
    said: tuple[str, ...] = field(default=())  # the quoted units, so "còn gì nữa" gives the others


def _slot_words(folded: str) -> set[str]:
    """The words of the question that the slot patterns read."""
    return {w for _, pattern in SLOTS for m in re.finditer(pattern, folded) for w in m.group(0).split()}


def _own_subject(profile: Profile, about: list[str]) -> bool:
    """A follow-up with words of its own to look for beyond what it points back with."""
    return bool(about) and not (profile.refers_back and len(about) < 2)


def _section_named(folded: str) -> tuple[str, ...]:
    match = _SECTION.search(folded)
    if not match:
        return ()
    number = match.group(1)
    path = tuple(number.upper().split(".")) if number[0] in "ivx" else tuple(number.split("."))
    return ("Phụ lục", *path) if _APPENDIX.search(folded) else path


class Profiler:
    """Reads a question once. Built per version of the plan list with the names it needs."""

    def __init__(self, plans: tuple[Plan, ...], agencies: AgencyNames, terms: Glossary):
        self.plans = plans
        self.agencies = agencies
        self.glossary = terms
        self._numbers = {p.key: p.metadata.number.split("/")[0] for p in plans if p.metadata.number}
        self._own_numbers = {fold(p.metadata.number).replace(" ", "") for p in plans if p.metadata.number}
        self._number_words = frozenset(self._numbers.values()) | {"kh", "ubnd"}
        self._plan_years = frozenset(str(p.metadata.year) for p in plans if p.metadata.year)
        self._places = PlanPlaces(plans)
        self._phrases = folded_phrases(c.text for p in plans for c in p.clauses)

    def run(self, question: str, language: str, previous: Turn | None = None) -> Profile:
        expanded, spelled = self.agencies.expand(question)
        english = language == "en"
        if english:
            entries = self.glossary.in_english(question)
            vietnamese = " ".join(e.vietnamese for e in entries)
            readable = f"{spelled} {vietnamese}"
        else:
            entries = []
            readable = spelled
        folded = " ".join(fold(readable).split())
        marked = question.lower() if fold(question) != question.lower() else ""
        asks = tuple(name for name, pattern in SLOTS
                     if re.search(pattern, folded) or (name in MARKED_SLOTS and re.search(MARKED_SLOTS[name], marked)))
        if _OUTLINE.search(folded):  # a summary asks for no one value: "tóm tắt mục quảng bá giá trị văn hóa"
            asks = tuple(a for a in asks if a not in DETAIL_SLOTS | {"title"})  # the whole plan's outline holds its title
        if any(a in DOCUMENT_SLOTS for a in asks) and "date" not in asks and re.search(r"ngay nao|nam nao|\bwhen\b", folded):
            asks = (*asks, "date")  # "số mấy, ngày nào": the date of the same document
        slot = asks[0] if asks else None
        if slot in ("funding", "time", "lead") and "duties" in asks and self.agencies.named(readable):
            slot = "duties"  # "Sở Tài chính làm gì về kinh phí?": the agency's duties, about funding
        others = tuple(n for n in (f"{a}/{b}" for a, b in _TYPED_NUMBER.findall(question))
                       if fold(n).replace(" ", "") not in self._own_numbers)
        if slot in DOCUMENT_SLOTS and not others and _OTHER_DOCUMENT.search(folded) and slot not in ("number", "basis"):
            others = ("?",)  # "who issued Quyết định ..." is about a cited document, not the plan itself
        countries = tuple(dict.fromkeys(
            [e.vietnamese for e in entries if e.kind == "country"] +
            [e.vietnamese for e in self.glossary.entries if e.kind == "country" and not english
             and country_named(e.vietnamese, question)]))
        countries = tuple(c for c in countries if fold(c) != "viet nam")
        # In the plans of a place every clause is about it: its name tells none apart.
        words = content_words(self.agencies.without_places(_COMPARING_WORDS.sub(" ", fold(readable))),
                              english=english, phrases=self._phrases)
        if english:  # English words of things the glossary translated are read through their Vietnamese
            glossed = {w for e in entries for v in e.english for w in fold(v).split()}
            words = [w for w in words if w not in glossed or w in fold(vietnamese).split()]
        # Nor do the plan's number or the year of a yearly plan: it narrows the plans searched (the retriever),
        # and the plan writes it everywhere. Another year (a horizon, "đến năm 2030"; 2013 of 2013/QĐ-TTg) is a
        # word to find.
        words = [w for w in words if w not in self._number_words and w not in self._plan_years]
        agencies = tuple(self.agencies.named(readable))
        time = time_asked(question)
        plans, numbered, sides = self._named_plans(question, folded)
        # Nor, in a plan named, do the words of its title ("thông tin đối ngoại" in Lào Cai's): it is about them.
        titles = {w for p in self.plans if p.key in plans
                  for w in content_words(self.agencies.without_places(fold(p.metadata.title or "")))}
        words = [w for w in words if w not in titles] or words
        kinds = funding_sources(folded)
        funding = kinds[0] if kinds else None
        section = _section_named(folded)
        if kinds and "count" in asks and slot == "amount" and _TASKS_COUNTED.search(folded):
            # "bao nhiêu dòng dùng ngân sách nhà nước": rows counted, the budget a filter, no sum of money asked.
            slot, asks = "count", tuple(a for a in asks if a != "amount")
        counts_tasks = slot == "count" and bool(_TASKS_COUNTED.search(folded))
        # "bao nhiêu dòng ngân sách, bao nhiêu dòng không phát sinh": every row, counted by its funding.
        by_funding = counts_tasks and (len(kinds) > 1 or bool(_BY_FUNDING.search(folded)))
        if by_funding:
            funding = None
        abroad = bool(_ABROAD.search(folded))
        registry = (bool(time) or bool((counts_tasks or _REGISTRY.search(folded) and _LIST.search(folded))
                                       and (agencies or countries or counts_tasks or funding or section or abroad))) \
            and (slot != "count" or counts_tasks)  # "bao nhiêu học sinh" is a detail, not a count of rows
        profile = Profile(
            question=question, searched=expanded, language=language, folded=folded, slot=slot, asks=asks,
            plans=plans, numbered=numbered, sides=sides, agencies=agencies, countries=countries, abroad=abroad, time=time,
            # "to 2020 rather than the 2030 one": a year said not to be meant is not asked about.
            years=tuple(sorted({int(y) for y in YEAR.findall(folded)} - {int(y) for y in _NOT_MEANT_YEAR.findall(folded)})),
            # The glossary's words are no cue of length; nor is "nội dung" or "mục tiêu" in a question asking
            # who, when or how much, whose answer is a value, unless it asks that of every one of a list.
            terms=tuple(words), wants_long=bool(_LONG.search(fold(spelled))) and (
                slot not in SHORT_SLOTS or bool(_EVERY.search(fold(spelled)))),
            compare=bool(_COMPARE.search(folded)),
            outline=bool(_OUTLINE.search(folded)), purpose=bool(re.search(_PURPOSE, folded)), section=section, funding=funding, by_funding=by_funding,
            # "kh 34 căn cứ vào những kế hoạch nào?" asks for the documents a named plan cites, not which plans.
            which_plans=bool(_WHICH_PLANS.search(folded)) and not (slot == "basis" and plans),
            registry=registry, counts_tasks=counts_tasks, other_documents=others,
            day=slot == "time" and bool(_DAY_ASKED.search(folded)),
            counted=counted_noun(folded) if slot == "count" else "",
            runs_plan=bool(_RUNS_PLAN.search(folded)),
            other_plans=tuple(n for n in others if re.search(r"/KH\b", n, re.I)),
            refers_back=bool(_REFERS_BACK.search(fold(question)) if fold(question) == question.lower()
                             else _REFERS_BACK_MARKED.search(question.lower())))
        return self._follow(profile, previous) if previous and previous.profile else profile

    def _named_plans(self, question: str, folded: str) -> tuple[tuple[str, ...], bool, int]:
        """Plans named by number, by place (a place said not to be meant, "không phải Đắk Lắk", left out),
        or by both: "kh 34 của Lào Cai" is the one plan 34 of Lào Cai."""
        numbers = {a or b or c for a, b, c in _PLAN_NUMBER.findall(folded)}
        by_number = [k for k, n in self._numbers.items() if n in numbers]
        asked = _NOT_MEANT.sub(" ", f" {fold(question)} ")
        by_place = [p.key for p in self._places.named(asked, list(self.plans))]
        where = self._places.place_of
        # A number stands for the plan of a place named with it, if there is one; a place with no plan
        # named by number stands for its plans ("kh 171 và Quảng Ngãi 2018": one of each).
        chosen = [k for k in by_number if k in by_place
                  or not any(o in by_place for o in by_number if self._numbers[o] == self._numbers[k])]
        chosen += [k for k in by_place if k not in chosen and not any(where(n) == where(k) for n in by_number)]
        # Plans asked about side by side: named by different numbers or places, not one number two plans share.
        sides = len({self._numbers[k] if k in by_number else where(k) for k in chosen})
        return tuple(chosen), bool(by_number), sides

    def _follow(self, profile: Profile, previous: Turn) -> Profile:
        """A short question after another is read with it: what it does not say is carried over."""
        before = previous.profile
        # The words that ask for a slot ("cơ quan nào", "hỗ trợ") say nothing of what the question is about.
        about = [w for w in profile.terms if w not in _slot_words(profile.folded)]
        if len(about) > 4 and not profile.refers_back and not _CONTINUES.match(fold(profile.question)):
            return profile
        carried = tuple(w for w in before.terms if w not in profile.terms)
        # "còn bên Hải Dương thì sao?": the same question about other plans; the earlier place is not searched.
        elsewhere = bool(profile.plans) and not set(profile.plans) & set(before.plans or previous.plans)
        earlier = before.searched if not elsewhere else self._places.without(before.searched)
        return replace(
            profile,
            searched=f"{earlier} {profile.searched}",
            # "vậy mục đích của kh đó là gì?" points back to the plan, and asks of it what its own words say.
            slot=profile.slot or (before.slot if not _own_subject(profile, about) or elsewhere else None),
            plans=profile.plans or before.plans or (previous.plans if profile.refers_back else ()),
            numbered=profile.numbered or (not profile.plans and before.numbered),
            sides=profile.sides if profile.plans else before.sides,
            # "Phòng đó còn làm gì?": the agency the last answer was about, when neither question named one.
            agencies=profile.agencies or before.agencies or (
                tuple(self.agencies.named(previous.agency))[:1] if profile.refers_back and previous.agency else ()),
            countries=profile.countries or before.countries,
            abroad=profile.abroad or (before.abroad and not profile.countries),
            time=profile.time or before.time,
            context_terms=carried,
            wants_long=profile.wants_long or (before.wants_long and not profile.slot),
            outline=profile.outline or (before.outline and elsewhere),
            section=profile.section or (before.section if elsewhere or not profile.terms else ()),
            registry=profile.registry or (before.registry and not profile.slot),
            follow_up=True)
