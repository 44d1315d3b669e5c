"""Bad input gets a clear error naming the file and the reason."""
import time
import zipfile
import zlib

import pypdf
import pytest

from ingest import IngestError


def error_of(reader, path) -> str:
    with pytest.raises(IngestError) as caught:
        reader.run(path)
    assert caught.value.source == path.name
    assert str(caught.value).startswith(path.name + ": ")
    return caught.value.reason


def test_empty_file(reader, tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert "empty" in error_of(reader, path)


def test_truncated_pdf(reader, rendered, tmp_path):
    data = rendered["gia-lai"]["pdf"].read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    reason = error_of(reader, path)
    assert "damaged" in reason or "no text" in reason


def test_encrypted_pdf(reader, rendered, tmp_path):
    writer = pypdf.PdfWriter(clone_from=str(rendered["quang-ngai-2018"]["pdf"]))
    writer.encrypt(user_password="secret", algorithm="AES-128")
    path = tmp_path / "locked.pdf"
    writer.write(str(path))
    assert "encrypted" in error_of(reader, path)


def test_pdf_with_zero_pages(reader, tmp_path):
    path = tmp_path / "zero.pdf"
    pypdf.PdfWriter().write(str(path))
    assert "no pages" in error_of(reader, path)


def test_not_a_pdf_despite_the_name(reader, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("KẾ HOẠCH\nI. MỤC ĐÍCH", encoding="utf-8")
    assert "not a PDF" in error_of(reader, path)


def test_ten_thousand_pages_refused_before_reading_them(reader, tmp_path):
    writer = pypdf.PdfWriter()
    for _ in range(10_000):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "huge.pdf"
    writer.write(str(path))
    assert "10000 pages" in error_of(reader, path)


def test_docx_zip_bomb(reader, tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    assert path.stat().st_size < 2_000_000
    assert "zip bomb" in error_of(reader, path)


def test_docx_that_is_not_a_zip(reader, tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 100)
    assert "damaged DOCX" in error_of(reader, path)


def test_binary_garbage_as_txt(reader, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(bytes(range(256)) * 40)
    assert "binary" in error_of(reader, path)


def test_unsupported_type(reader, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"PK\x03\x04")
    assert "unsupported" in error_of(reader, path)


def pdf_with_content(stream: bytes) -> bytes:
    """A one-page PDF whose page content is the given (Flate-compressed) stream."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_stream_decompression_bomb(reader, tmp_path):
    compressor = zlib.compressobj(9)
    stream = compressor.compress(b"0 0 m " * (200 * 2**20 // 6)) + compressor.flush()
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf_with_content(stream))
    assert path.stat().st_size < 1_000_000
    assert "decompression bomb" in error_of(reader, path)


def test_500_mb_file_refused_before_it_is_read(reader, tmp_path):
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(500 * 2**20)  # sparse: 500 MB by its size, nothing to read
    started = time.perf_counter()
    assert "500 MB, over the 100 MB limit" in error_of(reader, path)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("name", ["..%2F..%2Fetc%2Fpasswd.txt", "$(rm -rf ~); `id` | & > x.txt",
                                  "'quoted' \"name\" *.txt", "-rf.txt", "..txt"])
def test_file_names_with_path_and_shell_characters_are_just_names(reader, tmp_path, name):
    path = tmp_path / name
    path.write_text("KẾ HOẠCH\nThực hiện Chiến lược Ngoại giao văn hóa\nI. MỤC ĐÍCH\n1. Quảng bá văn hóa.\n",
                    encoding="utf-8")
    plan = reader.run(path)
    assert plan.document == name
    assert plan.clauses
