from ingest import parse
from ingest.records import Line, SourceDocument


def labels(plan, kinds=("section", "item", "subitem", "letter", "group")):
    return [c.label for c in plan.clauses if c.kind in kinds]


def test_gia_lai_ladder_and_its_two_sections_numbered_9(txt_plans):
    plan = txt_plans["gia-lai"]
    assert labels(plan, ("section",)) == ["I", "II", "III", "IV", "V"]
    assert "III › 2 › đ" in labels(plan)
    nines = [c.heading for c in plan.clauses if c.label == "V › 9"]
    assert nines == ["Sở Lao động – Thương binh và Xã hội", "Liên hiệp các tổ chức hữu nghị tỉnh"]
    assert plan.clause("V › 10").heading == "Báo Gia Lai, Đài Phát thanh - Truyền hình Gia Lai"
    assert plan.clause("III › 1 › a").heading == "Tăng cường nghiên cứu, tham mưu chính sách"


def test_hai_duong_decimal_items_and_stray_page_number(txt_plans):
    plan = txt_plans["hai-duong"]
    subitems = labels(plan, ("subitem",))
    assert subitems == [f"III › 1 › 1.{n}" for n in range(1, 7)] + [f"III › 2 › 2.{n}" for n in range(1, 4)]
    assert plan.clause("III › 1 › 1.3").heading == "Tăng cường cơ chế phối hợp, thực hiện"
    # The stray "5" page number between two '+' bullets is in no clause.
    assert not any(line.strip() == "5" for c in plan.clauses for line in c.text.split("\n"))
    assert plan.clause("V › 2").heading == "Văn phòng UBND tỉnh"


def test_kon_ray_footnote_is_apart_from_the_text_it_interrupts(txt_plans):
    plan = txt_plans["kon-ray"]
    assert [f.number for f in plan.footnotes] == ["1"]
    assert plan.footnotes[0].text.startswith("Cụ thể là: “Phát huy vai trò tiên phong của đối ngoại")
    assert not any("Cụ thể là" in c.text for c in plan.clauses)
    assert plan.clause("V › 5").heading == "Phòng Tài chính - Kế hoạch"


def test_dak_lak_body_and_appendix(txt_plans):
    plan = txt_plans["dak-lak-2024"]
    assert labels(plan, ("section",)) == ["I", "II", "III", "IV", "Phụ lục › I", "Phụ lục › II",
                                          "Phụ lục › III", "Phụ lục › IV"]
    row = plan.clause("Phụ lục › II › 10")
    assert row.kind == "row"
    assert "Jeonju (IFFE)" in row.text and "Thời gian thực hiện: Tháng 10/2024" in row.text
    assert plan.clause("II").heading.startswith("NỘI DUNG THỰC HIỆN")


def test_quang_ngai_group_of_items(txt_plans):
    plan = txt_plans["quang-ngai-2018"]
    assert labels(plan, ("letter", "group")) == [
        "II › 1 › a", "II › 1 › b", "II › 2 › a", "II › 2 › b", "II › 2 › c", "II › 2 › d", "II › 2 › đ",
        "II › 2 › a–đ", "II › 2 › e"]
    # The group note is not glued onto item đ.
    assert "Từ mục" not in plan.clause("II › 2 › đ").text


def test_text_is_normalised_and_original_kept(txt_plans):
    plan = txt_plans["dak-lak-2024"]
    clause = plan.clause("I › 1 › -1")
    assert "Ngoại giao văn hoá" in clause.original  # the plan's own spelling, for quoting
    assert "Ngoại giao văn hóa với quá trình" in clause.text


def _plan_from_lines(*texts):
    return parse(SourceDocument("x.txt", [Line(t, 1) for t in texts], 1, "txt"))


def test_ocr_misread_section_numbers_follow_the_sequence():
    plan = _plan_from_lines("I. MỤC ĐÍCH", "Nội dung.", "H. NỘI DUNG", "Nội dung.", "II. TỔ CHỨC THỰC HIỆN",
                            "1. Sở Ngoại vụ: theo dõi.", "HI. KINH PHÍ")
    assert labels(plan, ("section",)) == ["I", "II", "III", "IV"]
    assert plan.clause("III › 1").heading == "Sở Ngoại vụ"


def test_numbers_inside_sentences_are_not_headings():
    plan = _plan_from_lines(
        "1. Mục đích",
        "Thực hiện theo Kế hoạch số 603/KH-UBND của tỉnh, trong đó nêu các nhiệm vụ trọng tâm tại",
        "15. mục tiêu cụ thể của Chiến lược.",
        "2. Yêu cầu",
    )
    assert labels(plan, ("item",)) == ["1", "2"]
    assert "15. mục tiêu" in plan.clause("1").text
