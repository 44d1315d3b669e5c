"""Bad input gets a clear error naming the file and the reason."""
import zipfile

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
