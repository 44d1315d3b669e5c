"""Plan -> Chunks that follow the plan's structure.

A chunk is what retrieval returns and what an answer cites. Its `text` is the
plan's own wording (a clause, a run of short sibling clauses, or a sentence
window of one long clause), led by the heading line of the clause it belongs
to. Its `context` names the plan and the heading path, because many clauses
say only "tỉnh" and never which province: the embedder reads it as the
document title and the lexical index indexes it beside the text.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ingest import Clause, Plan
from ingest.records import PATH_SEPARATOR

TARGET_CHARS = 900  # pack siblings up to this size
MAX_CHARS = 1500  # no chunk text is longer (the scorer and the model both stay far from their limits)
OUTLINE_LINE_CHARS = 110
METADATA_SECTION = "Thông tin văn bản"
STANDALONE = ("preamble", "closing")  # never packed with a neighbour: they answer questions about the document
_SENTENCE_END = re.compile(r"(?<=[.;!?…])\s+|\n")
_SOFT_BREAK = re.compile(r"(?<=[,:])\s+")


@dataclass(frozen=True)
class Chunk:
    id: str
    plan: str  # plan key (file name without extension)
    document: str  # file name
    section: str  # clause path label, "Phụ lục › II › 10"
    page: int
    kind: str  # clause, group, row, split, outline, metadata
    text: str  # the plan's wording, shown and cited
    context: str  # plan identity and heading path
    province: str = ""
    district: str = ""
    year: int = 0  # 0: the plan is not a yearly plan
    pages: tuple[int, ...] = field(default=())
    labels: tuple[str, ...] = field(default=())  # path labels of the clauses it holds (tasks attach by these)

    def holds(self, section: str) -> bool:
        """True when the clause at `section`, or part of it, is in this chunk."""
        return any(label == section or label.startswith(section + PATH_SEPARATOR) for label in self.labels)


@dataclass
class _Node:
    clause: Clause
    children: list[_Node] = field(default_factory=list)

    @property
    def first_line(self) -> str:
        return self.clause.text.split("\n", 1)[0]

    @property
    def has_body(self) -> bool:
        """False for a bare heading ("2. Yêu cầu"), whose words live on in its children's context."""
        return "\n" in self.clause.text.strip() or len(self.clause.text) > len(self.clause.heading) + 12

    def clauses(self) -> list[Clause]:
        found = [self.clause]
        for child in self.children:
            found.extend(child.clauses())
        return found

    def size(self) -> int:
        return sum(len(c.text) + 1 for c in self.clauses())


def plan_identity(plan: Plan) -> str:
    """'Kế hoạch 34/KH-UBND của UBND tỉnh Đắk Lắk: Ngoại giao văn hóa năm 2024 ... (2024)'."""
    meta = plan.metadata
    parts = ["Kế hoạch"]
    if meta.number:
        parts.append(meta.number)
    if meta.issuer:
        parts.append(f"của {meta.issuer}")
    identity = " ".join(parts)
    if meta.title:
        identity += f": {_sentence_case(meta.title)}"
    places = [p for p in (meta.district, meta.province) if p]
    if places:
        identity += f" ({', '.join(places)})"
    return identity


def chunk_plan(plan: Plan) -> list[Chunk]:
    identity = plan_identity(plan)
    chunks = [_metadata_chunk(plan, identity)]
    # The plan itself is the root, so short top-level sections pack together like any siblings.
    document = _Node(Clause(path=(), kind="document", heading="", text="", original="", pages=[1]),
                     children=_tree(plan.clauses))
    for piece in _pack(document, ancestors=()):
        chunks.extend(_make_chunks(plan, identity, piece))
    return _unique(chunks)


def holding(chunks: list[Chunk], label: str) -> list[Chunk]:
    """The chunks that hold the clause at `label` (or part of it), outlines aside: what a line about it cites."""
    return [c for c in chunks if c.holds(label) and c.kind != "outline"]


def smallest_holding(chunks: list[Chunk], label: str) -> Chunk | None:
    return min(holding(chunks, label), key=lambda c: len(c.text), default=None)


def metadata_chunk(plan: Plan) -> Chunk:
    """The chunk that states the plan's number, date, issuer and signer."""
    return _metadata_chunk(plan, plan_identity(plan))


def _metadata_chunk(plan: Plan, identity: str) -> Chunk:
    meta = plan.metadata
    lines = []
    if meta.issuer:
        lines.append(meta.issuer.upper())
    if meta.number:
        lines.append(f"Số: {meta.number}")
    if meta.date:
        year, month, day = meta.date.split("-")
        lines.append(f"{meta.place or ''}, ngày {day} tháng {month} năm {year}".lstrip(", "))
    if meta.title:
        lines.append(f"KẾ HOẠCH {meta.title}")
    if meta.horizon:
        lines.append(f"Thực hiện Chiến lược Ngoại giao văn hóa đến năm {meta.horizon}")
    if meta.year:
        lines.append(f"Kế hoạch năm {meta.year}")
    if meta.signer:
        lines.append(f"Người ký: {meta.signer_title or ''} {meta.signer}".replace("  ", " "))
    lines.append(f"Tệp: {plan.document}, {plan.page_count} trang")
    return _chunk(plan, identity, METADATA_SECTION, "metadata", "\n".join(lines), [1])


def _tree(clauses: list[Clause]) -> list[_Node]:
    """Clauses in document order -> forest; a repeated number (two `V › 9`) stays two nodes."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for clause in clauses:
        node = _Node(clause)
        while stack and stack[-1].clause.path != clause.path[:len(stack[-1].clause.path)]:
            stack.pop()
        if stack and len(stack[-1].clause.path) < len(clause.path):
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)
    return roots


@dataclass
class _Piece:
    label: str  # section path label of the chunk
    kind: str
    clauses: list[Clause]
    path: str  # heading path of the ancestors (goes into the context)
    lead: list[str]  # heading lines shown above the clauses: the parent's, in full


def _pack(node: _Node, ancestors: tuple[_Node, ...]) -> list[_Piece]:
    """Whole subtree when small; otherwise the node, then its children packed into runs."""
    path = _heading_path(ancestors)
    parent_line = [ancestors[-1].first_line] if ancestors and ancestors[-1].first_line else []
    clause = node.clause
    if clause.kind == "row":
        return [_Piece(clause.label, "row", [clause], path, parent_line)]
    if (node.size() <= TARGET_CHARS and clause.kind != "document"
            and not any(c.clause.kind == "row" for c in node.children)):
        kind = "clause" if not node.children else "group"
        return [_Piece(clause.label, kind, node.clauses(), path, parent_line)]
    pieces: list[_Piece] = []
    if node.children and len(node.children) >= 2 and clause.kind in ("section", "appendix"):
        pieces.append(_Piece(clause.label, "outline", [clause] + [c.clause for c in node.children], path, []))
    own_path = _heading_path(ancestors + (node,))
    run: list[_Node] = [node] if node.has_body else []
    run_label = clause.label
    announced = node.has_body  # some chunk's text carries this node's heading line

    def flush():
        nonlocal run, announced
        if run:
            announced = True
            members = [c for n in run for c in ([n.clause] if n is node else n.clauses())]
            label = run_label if len(run) == 1 else _span_label(run)
            kind = "clause" if len(members) == 1 else "group"
            if run[0] is node:
                pieces.append(_Piece(label, kind, members, path, parent_line))
            else:
                pieces.append(_Piece(label, kind, members, own_path, [node.first_line] if node.first_line else []))
        run = []

    for child in node.children:
        small = (child.size() <= TARGET_CHARS and child.clause.kind not in STANDALONE
                 and not any(c.clause.kind == "row" for c in child.children))
        if small and child.clause.kind != "row" and sum(n.size() for n in run) + child.size() <= TARGET_CHARS:
            if not run:
                run_label = child.clause.label
            run.append(child)
            continue
        flush()
        if small and child.clause.kind != "row":
            run_label = child.clause.label
            run.append(child)
        else:
            child_pieces = _pack(child, ancestors + (node,))
            first = next((p for p in child_pieces if p.kind != "outline"), None)
            if not announced and first and node.first_line and node.first_line not in first.lead:
                # A bare heading ("b) Tăng cường cơ chế phối hợp") whose first child is itself split:
                # its line leads that child's first chunk, or it would be in no chunk's text.
                first.lead = [node.first_line] + first.lead
            announced = True
            pieces.extend(child_pieces)
    flush()
    return pieces


def _span_label(run: list[_Node]) -> str:
    first, last = run[0].clause.path, run[-1].clause.path
    if first[:-1] == last[:-1] and first != last:
        return PATH_SEPARATOR.join(first[:-1] + (f"{first[-1]}…{last[-1]}",))
    return PATH_SEPARATOR.join(first)


def _heading_path(ancestors: tuple[_Node, ...]) -> str:
    return PATH_SEPARATOR.join(_short(a.first_line) for a in ancestors if a.first_line)


def _short(line: str, limit: int = OUTLINE_LINE_CHARS) -> str:
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + " …"


def _make_chunks(plan: Plan, identity: str, piece: _Piece) -> list[Chunk]:
    label, kind, clauses = piece.label, piece.kind, piece.clauses
    pages = sorted({p for c in clauses for p in c.pages}) or [1]
    context = f"{identity} › {piece.path}" if piece.path else identity
    if kind == "outline":
        lines = [clauses[0].text.split("\n")[0]] + [_outline_line(c) for c in clauses[1:]]
        return [_chunk(plan, context, label, kind, _cap("\n".join(lines)), pages, [clauses[0].label])]
    lead = "\n".join(_short(line, 400) for line in piece.lead)
    body = "\n".join(c.text for c in clauses)
    if len(lead) + 1 + len(body) <= MAX_CHARS:
        return [_chunk(plan, context, label, kind, f"{lead}\n{body}" if lead else body, pages,
                       [c.label for c in clauses])]
    # A clause too long for one chunk: sentence windows, each led by the clause's heading line.
    heading = clauses[0].text.split("\n", 1)[0]
    heading = _short(heading) if len(clauses[0].text) > len(heading) else ""
    windows = split_sentences(body, TARGET_CHARS)
    chunks = []
    for n, window in enumerate(windows, start=1):
        lines = [line for line in (lead, heading if n > 1 else "", window) if line]
        chunks.append(_chunk(plan, context, label, "split", "\n".join(lines), pages, [c.label for c in clauses]))
    return chunks


def _outline_line(clause: Clause) -> str:
    marker = clause.path[-1]
    line = clause.text.split("\n", 1)[0]
    if clause.kind == "section" and not line.startswith(marker):
        line = f"{marker}. {line}"
    return _short(line)


def _chunk(plan: Plan, context: str, label: str, kind: str, text: str, pages: list[int],
           labels: list[str] = ()) -> Chunk:
    meta = plan.metadata
    digest = hashlib.sha256(f"{context}\n{text}".encode()).hexdigest()[:12]
    return Chunk(id=f"{plan.key}|{label}|{digest}", plan=plan.key, document=plan.document, section=label,
                 page=pages[0], kind=kind, text=text, context=context, province=meta.province or "",
                 district=meta.district or "", year=meta.year or 0, pages=tuple(pages), labels=tuple(labels))


def _cap(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS].rsplit("\n", 1)[0]


def _unique(chunks: list[Chunk]) -> list[Chunk]:
    seen: set[str] = set()
    result = []
    for chunk in chunks:
        if chunk.id not in seen:
            seen.add(chunk.id)
            result.append(chunk)
    return result


def split_sentences(text: str, limit: int) -> list[str]:
    """Windows of whole sentences no longer than `limit`; a sentence longer than that breaks at commas."""
    pieces: list[str] = []
    for sentence in filter(None, (s.strip() for s in _SENTENCE_END.split(text))):
        if len(sentence) <= limit:
            pieces.append(sentence)
            continue
        pieces.extend(_hard_wrap(sentence, limit))
    windows: list[str] = []
    for piece in pieces:
        if windows and len(windows[-1]) + 1 + len(piece) <= limit:
            windows[-1] += ("\n" if windows[-1].endswith((".", ";", ":")) else " ") + piece
        else:
            windows.append(piece)
    return windows


def _hard_wrap(sentence: str, limit: int) -> list[str]:
    out, current = [], ""
    for part in _SOFT_BREAK.split(sentence):
        while len(part) > limit:  # no comma in reach: break between words
            cut = part[:limit].rsplit(" ", 1)[0] or part[:limit]
            out.append(cut)
            part = part[len(cut):].strip()
        if current and len(current) + 1 + len(part) > limit:
            out.append(current)
            current = part
        else:
            current = f"{current} {part}".strip()
    if current:
        out.append(current)
    return out


def _sentence_case(title: str) -> str:
    letters = [c for c in title if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        return title[:1] + title[1:].lower()
    return title
