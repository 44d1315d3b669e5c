"""Read a file into body-order lines and tables with page numbers.

PDF text comes from pypdf; pages that carry a ruled table are read with
pdfplumber so the table keeps its cells; pages with almost no text layer are
scans and go through Tesseract, within the file's bounds (pages, seconds, and a
stop when a file with no text layer reads blank on its first pages). DOCX is walked paragraph by paragraph and table
by table in body order. TXT is decoded as UTF-8, UTF-16 or cp1258.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ingest.records import IngestError, Line, SourceDocument, Table, TableRow

SCAN_TEXT_THRESHOLD = 25  # characters: a page with less text than this is a scan


@dataclass(frozen=True)
class LoadLimits:
    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    max_docx_uncompressed: int = 200 * 1024 * 1024
    ocr_language: str = "vie"
    ocr_dpi: int = 300
    ocr_timeout_s: int = 180  # one page
    ocr_max_pages: int = 200  # pages OCR'd in one file (about 3 s each here)
    ocr_max_seconds: int = 900  # OCR time for one file
    ocr_blank_pages: int = 3  # a file with no text layer whose first pages OCR finds blank is not read further


def detect_kind(path: Path, head: bytes) -> str:
    """The real type of a file, from its first bytes; the extension only has to agree."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        kind = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        kind = "docx"
    else:
        kind = "txt"
    expected = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".text": "txt", ".md": "txt"}.get(suffix)
    if suffix == ".doc":
        raise IngestError(path.name, "old Word .doc format is not supported; save it as .docx or PDF")
    if expected is None:
        raise IngestError(path.name, f"unsupported file type '{suffix or 'no extension'}' (PDF, DOCX or TXT)")
    if expected != kind:
        raise IngestError(path.name, f"not a {expected.upper()} file despite its {suffix} name")
    return kind


def load(path: Path, limits: LoadLimits = LoadLimits()) -> SourceDocument:
    path = Path(path)
    if not path.is_file():
        raise IngestError(path.name, "file not found")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path.name, "empty file (0 bytes)")
    if size > limits.max_bytes:
        raise IngestError(path.name, f"file is {size / 2**20:.0f} MB, over the {limits.max_bytes / 2**20:.0f} MB limit")
    with path.open("rb") as f:
        head = f.read(2048)
    kind = detect_kind(path, head)
    try:
        if kind == "pdf":
            return _load_pdf(path, limits)
        if kind == "docx":
            return _load_docx(path, limits)
        return _load_txt(path)
    except IngestError:
        raise
    except RecursionError:
        raise IngestError(path.name, "document structure is nested too deeply to read") from None
    except MemoryError:
        raise IngestError(path.name, "document expands to more data than memory allows") from None
    except Exception as exc:  # a parser library's own failure on a damaged file
        raise IngestError(path.name, f"damaged or unreadable {kind.upper()} ({type(exc).__name__}: {exc})") from exc


# --- PDF ---------------------------------------------------------------------

def _load_pdf(path: Path, limits: LoadLimits) -> SourceDocument:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path.name, "encrypted PDF: remove the password and upload it again")
        page_count = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        if "crypt" in str(exc).lower():
            raise IngestError(path.name, "encrypted PDF: remove the password and upload it again") from exc
        raise IngestError(path.name, f"damaged PDF ({exc})") from exc
    if page_count == 0:
        raise IngestError(path.name, "PDF has no pages")
    if page_count > limits.max_pages:
        raise IngestError(path.name, f"PDF has {page_count} pages, over the limit of {limits.max_pages}")

    texts = [(page.extract_text() or "") for page in reader.pages]
    scanned = [i for i, t in enumerate(texts) if len(t.strip()) < SCAN_TEXT_THRESHOLD]
    for i in scanned:
        _check_page_streams(reader.pages[i], path.name, i + 1)
    if len(scanned) > limits.ocr_max_pages:
        raise IngestError(path.name, f"{len(scanned)} pages need OCR, over the limit of {limits.ocr_max_pages} "
                                     f"pages a file (OCR_MAX_PAGES)")
    kind = "scan" if len(scanned) == page_count else "pdf"
    ocr = _OcrRun(path, limits, page_count, text_layer=kind == "pdf")
    table_pages = _pdf_tables(path, [i for i in range(page_count) if i not in scanned])
    blocks: list[Line | Table] = []
    for i, text in enumerate(texts):
        page = i + 1
        if i in scanned:
            text = ocr.page(i)
        if i in table_pages:
            blocks.extend(table_pages[i])
        else:
            blocks.extend(Line(line, page) for line in text.splitlines())
    return SourceDocument(name=path.name, blocks=blocks, page_count=page_count, kind=kind)


def _check_page_streams(page, source: str, number: int) -> None:
    """pypdf stops decompressing a stream at its limit and then reports the page as empty, which would
    send it to the renderer for OCR, and the renderer has no limit: a few hundred KB can expand to GBs."""
    from pypdf.errors import LimitReachedError

    try:
        contents = page.get_contents()
        if contents is not None:
            contents.get_data()
    except LimitReachedError:
        raise IngestError(source, f"page {number} is a decompression bomb (its content expands past the "
                                  f"decompression limit)") from None


def _pdf_tables(path: Path, pages: list[int]) -> dict[int, list[Line | Table]]:
    """Pages with ruled tables, read with pdfplumber: text lines and tables in reading order."""
    import pdfplumber

    found: dict[int, list[Line | Table]] = {}
    with pdfplumber.open(str(path)) as pdf:
        for i in pages:
            page = pdf.pages[i]
            tables = [t for t in page.find_tables() if len(t.rows) >= 2]
            if not tables:
                continue
            boxes = [t.bbox for t in tables]

            def outside(obj, boxes=boxes):
                mid = (obj["top"] + obj["bottom"]) / 2
                return not any(b[1] - 1 <= mid <= b[3] + 1 for b in boxes)

            placed: list[tuple[float, Line | Table]] = []
            for line in page.filter(outside).extract_text_lines():
                placed.append((line["top"], Line(line["text"], i + 1)))
            for table in tables:
                rows = tuple(
                    TableRow(tuple(" ".join((cell or "").split()) for cell in row), i + 1)
                    for row in table.extract()
                )
                placed.append((table.bbox[1], Table(rows=rows)))
            found[i] = [block for _, block in sorted(placed, key=lambda p: p[0])]
    return found


class _OcrRun:
    """The OCR of one file, within its bounds: the file's seconds, and a stop when a file with no text layer
    gives no text on its first pages either (a blank or unreadable file is not read to its end)."""

    def __init__(self, path: Path, limits: LoadLimits, page_count: int, text_layer: bool):
        self.path = path
        self.limits = limits
        self.page_count = page_count
        self.found_text = text_layer
        self.read = 0
        self.deadline = time.monotonic() + limits.ocr_max_seconds

    def page(self, index: int) -> str:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self._out_of_time()
        try:
            text = _ocr_pdf_page(self.path, index, self.limits, min(self.limits.ocr_timeout_s, left))
        except subprocess.TimeoutExpired:
            raise self._out_of_time() from None
        self.read += 1
        if len(text.strip()) >= SCAN_TEXT_THRESHOLD:
            self.found_text = True
        elif not self.found_text and self.read >= self.limits.ocr_blank_pages:
            raise IngestError(self.path.name, f"no text found in the document: OCR found none on the first "
                                              f"{self.read} of its {self.page_count} pages, which have no text "
                                              f"layer either, so the rest was not read")
        return text

    def _out_of_time(self) -> IngestError:
        return IngestError(self.path.name, f"OCR stopped at {self.limits.ocr_max_seconds} s, the limit a file "
                                           f"(OCR_MAX_SECONDS), with {self.read} of {self.page_count} pages read")


def _ocr_pdf_page(path: Path, index: int, limits: LoadLimits, timeout_s: float) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        image = pdf[index].render(scale=limits.ocr_dpi / 72).to_pil()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PNG")
    return ocr_image(buffer.getvalue(), path.name, limits, timeout_s)


def ocr_image(png: bytes, source: str, limits: LoadLimits, timeout_s: float | None = None) -> str:
    """The text of one page image, read in at most `timeout_s` (default: the page limit). Past a shorter
    `timeout_s` (what is left of the file's time) TimeoutExpired goes to the caller, which names the file's
    bound; past the page limit, IngestError names that one."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise IngestError(source, "scanned pages need OCR, but tesseract is not installed (apt install tesseract-ocr-vie)")
    # One OpenMP thread: several threads are 2-3x slower on a shared 2-core machine.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run(
            [tesseract, "stdin", "stdout", "-l", limits.ocr_language, "--psm", "4"],
            input=png, capture_output=True, env=env, timeout=timeout_s or limits.ocr_timeout_s, check=False,
        )
    except subprocess.TimeoutExpired:
        if timeout_s is not None and timeout_s < limits.ocr_timeout_s:
            raise
        raise IngestError(source, f"OCR took longer than {limits.ocr_timeout_s} s on one page") from None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["unknown error"]
        raise IngestError(source, f"OCR failed: {reason[0]}")
    return result.stdout.decode("utf-8", "replace")


# --- DOCX --------------------------------------------------------------------

def _load_docx(path: Path, limits: LoadLimits) -> SourceDocument:
    import docx

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise IngestError(path.name, f"damaged DOCX (not a valid zip: {exc})") from exc
    if "word/document.xml" not in names:
        raise IngestError(path.name, "not a Word document (no word/document.xml inside)")
    if expanded > limits.max_docx_uncompressed:
        raise IngestError(path.name, f"DOCX expands to {expanded / 2**20:.0f} MB, over the "
                                     f"{limits.max_docx_uncompressed / 2**20:.0f} MB limit (zip bomb?)")
    document = docx.Document(str(path))
    blocks: list[Line | Table] = []
    page = 1
    for item in document.iter_inner_content():
        if isinstance(item, docx.table.Table):
            rows = []
            for row in item.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                rows.append(TableRow(tuple(cells), page))
            blocks.append(Table(rows=tuple(rows)))
            continue
        if _has_page_break(item):
            page += 1
        for line in item.text.split("\n"):
            blocks.append(Line(line, page))
    return SourceDocument(name=path.name, blocks=blocks, page_count=page, kind="docx")


def _has_page_break(paragraph) -> bool:
    xml = paragraph._p.xml
    return 'w:type="page"' in xml or "pageBreakBefore" in xml


# --- TXT ---------------------------------------------------------------------

def _load_txt(path: Path) -> SourceDocument:
    raw = path.read_bytes()
    text = decode_text(raw, path.name)
    blocks: list[Line | Table] = []
    pages = text.split("\f")  # a form feed is the only page break plain text has
    for number, page_text in enumerate(pages, start=1):
        blocks.extend(Line(line, number) for line in page_text.splitlines())
    return SourceDocument(name=path.name, blocks=blocks, page_count=len(pages), kind="txt")


def decode_text(raw: bytes, source: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
    elif raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8", "replace")
    elif raw.count(b"\x00") > len(raw) // 4 and len(raw) % 2 == 0:
        text = raw.decode("utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be", "replace")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1258", "replace")
    control = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if "\x00" in text or control > max(10, len(text) // 100):
        raise IngestError(source, "binary data, not text")
    return text
