import unicodedata

from ingest.normalize import fold_diacritics, join_lines, normalize_text, original_text
from ingest.records import Line


def test_tone_placement_moves_to_the_new_style():
    assert normalize_text("Ngoại giao văn hoá") == "Ngoại giao văn hóa"
    assert normalize_text("Uỷ ban nhân dân") == "Ủy ban nhân dân"
    assert normalize_text("thuỷ lợi, khoẻ mạnh, HOÁ") == "thủy lợi, khỏe mạnh, HÓA"


def test_tone_placement_leaves_other_syllables_alone():
    for word in ("hoàn thành", "quý", "thuyền", "khuyến khích", "hóa", "của", "thuế"):
        assert normalize_text(word) == word


def test_decomposed_unicode_and_stray_spaces_are_repaired():
    decomposed = unicodedata.normalize("NFD", "Đơn vị chủ   trì")
    assert decomposed != "Đơn vị chủ trì"
    assert normalize_text(decomposed) == "Đơn vị chủ trì"


def test_original_text_keeps_the_plans_spelling():
    assert original_text("xã hội hoá") == "xã hội hoá"


def test_fold_for_queries_without_diacritics():
    assert fold_diacritics("Đắk Lắk Hội chợ") == "dak lak hoi cho"


def test_lines_broken_mid_sentence_are_rejoined():
    lines = [Line(t, 1) for t in (
        "Thực hiện Quyết định số 2013/QĐ-TTg ngày 30/11/2021 của Thủ tướng",
        "Chính phủ phê duyệt Chiến lược Ngoại giao Văn hóa đến năm 2030, Ủy ban",
        "nhân dân tỉnh ban hành Kế hoạch triển khai thực hiện như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Nâng cao nhận thức của các cấp, các ngành, các tầng lớp Nhân dân về",
        "vị trí, vai trò của ngoại giao văn hóa đối với sự phát triển của đất",
        "nước và của tỉnh.",
    )]
    paragraphs, _ = join_lines(lines)
    assert [p.text[:12] for p in paragraphs] == ["Thực hiện Qu", "I. MỤC ĐÍCH,", "1. Mục đích", "- Nâng cao n"]
    assert paragraphs[0].text.endswith("Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai thực hiện như sau:")


def test_footnote_is_kept_apart_and_a_lone_page_number_dropped():
    lines = [Line(t, 1) for t in (
        "- Phát huy tính chủ động của các tổ chức, cá nhân trong xây dựng cơ chế,",
        "5",
        "1 Cụ thể là: “Phát huy vai trò tiên phong của đối ngoại”.",
        "chính sách của ngoại giao văn hóa.",
    )]
    paragraphs, footnotes = join_lines(lines)
    assert [p.text for p in paragraphs] == [
        "- Phát huy tính chủ động của các tổ chức, cá nhân trong xây dựng cơ chế, chính sách của ngoại giao văn hóa."
    ]
    assert [(f.number, f.text) for f in footnotes] == [("1", "Cụ thể là: “Phát huy vai trò tiên phong của đối ngoại”.")]
