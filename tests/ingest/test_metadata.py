import pytest

from ingest import PlanMetadata

EXPECTED = {
    "dak-lak-2024": PlanMetadata(
        title="NGOẠI GIAO VĂN HÓA NĂM 2024 CỦA TỈNH ĐẮK LẮK", issuer="UBND tỉnh Đắk Lắk", number="34/KH-UBND",
        date="2024-02-22", place="Đắk Lắk", province="Đắk Lắk", year=2024, horizon=2030,
        signer="Võ Văn Cảnh", signer_title="PHÓ CHỦ TỊCH"),
    "gia-lai": PlanMetadata(
        title="Triển khai thực hiện Quyết định số 2013/QĐ-TTg ngày 30/11/2021 của Thủ tướng Chính phủ về việc "
              "phê duyệt Chiến lược Ngoại giao văn hóa đến năm 2030 trên địa bàn tỉnh Gia Lai",
        issuer="Ủy ban nhân dân tỉnh Gia Lai", province="Gia Lai", horizon=2030,
        signer="Võ Ngọc Thành", signer_title="CHỦ TỊCH"),
    "hai-duong": PlanMetadata(
        title="Triển khai thực hiện Chiến lược Ngoại giao Văn hóa đến năm 2030 trên địa bàn tỉnh Hải Dương",
        issuer="Ủy ban nhân dân tỉnh Hải Dương", province="Hải Dương", horizon=2030,
        signer="Nguyễn Minh Hùng", signer_title="PHÓ CHỦ TỊCH"),
    "kon-ray": PlanMetadata(
        title="Triển khai Chiến lược ngoại giao văn hóa đến năm 2030 trên địa bàn huyện",
        issuer="Ủy ban nhân dân huyện Kon Rẫy", province="Kon Tum", district="Kon Rẫy", horizon=2030,
        signer="Đinh Thị Hồng Thu", signer_title="PHÓ CHỦ TỊCH"),
    # No number, date or signature in the text: those stay empty, never guessed.
    "quang-ngai-2018": PlanMetadata(
        title="TRIỂN KHAI CÔNG TÁC NGOẠI GIAO VĂN HÓA TRÊN ĐỊA BÀN TỈNH NĂM 2018",
        issuer="Chủ tịch UBND tỉnh Quảng Ngãi", province="Quảng Ngãi", year=2018, horizon=2020),
}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_metadata_from_text(txt_plans, key):
    assert txt_plans[key].metadata == EXPECTED[key]


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_metadata_same_from_pdf_and_docx(reader, rendered, key):
    for fmt in ("pdf", "docx"):
        assert reader.run(rendered[key][fmt]).metadata == EXPECTED[key], fmt


@pytest.mark.parametrize("header", [
    ["ỦY BAN NHÂN DÂN", "TỈNH ĐẮK LẮK", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK     CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],  # two columns read as one line
])
def test_issuer_from_the_letterhead(header):
    from ingest import parse
    from ingest.records import Line, SourceDocument

    lines = [*header, "Độc lập - Tự do - Hạnh phúc", "Số: 34/KH-UBND", "Đắk Lắk, ngày 22 tháng 02 năm 2024",
             "KẾ HOẠCH", "NGOẠI GIAO VĂN HÓA NĂM 2024", "Để triển khai, UBND tỉnh ban hành Kế hoạch như sau:",
             "I. MỤC ĐÍCH", "Nội dung."]
    meta = parse(SourceDocument("x.txt", [Line(t, 1) for t in lines], 1, "txt")).metadata
    assert (meta.issuer, meta.province, meta.number, meta.date, meta.title, meta.year) == (
        "Ủy ban nhân dân tỉnh Đắk Lắk", "Đắk Lắk", "34/KH-UBND", "2024-02-22", "NGOẠI GIAO VĂN HÓA NĂM 2024", 2024)


def test_a_web_copy_letterhead_with_cell_borders(reader):
    """Real openings flatten the letterhead's table into lines ending in " |" and rules ("-------")."""
    from tests.render_samples import PLANS_DIR
    plan = reader.run(PLANS_DIR / "real-openings" / "kon-tum-603-2022.txt")
    assert plan.metadata.number == "603/KH-UBND" and plan.metadata.date == "2022-03-04"
    assert "|" not in plan.clauses[0].text
    hanoi = reader.run(PLANS_DIR / "real-openings" / "ha-noi-94-2022.txt")
    assert hanoi.metadata.province == "Hà Nội" and hanoi.metadata.number == "94/KH-UBND"
