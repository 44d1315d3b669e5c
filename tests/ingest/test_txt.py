import unicodedata

import pytest

from tests.ingest.test_pdf import clause_signature
from tests.render_samples import sample_txt

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """How Vietnamese Windows files store text: base letter, then a combining tone mark."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS)) + tones)
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1258"])
def test_txt_encodings_are_detected(reader, txt_plans, tmp_path, encoding):
    text = sample_txt("quang-ngai-2018").read_text(encoding="utf-8")
    path = tmp_path / f"quang-ngai-2018-{encoding}.txt"
    path.write_bytes(windows_1258(text) if encoding == "cp1258" else text.encode(encoding))
    assert clause_signature(reader.run(path)) == clause_signature(txt_plans["quang-ngai-2018"])
