"""Task records: appendix rows, group assignments and responsibility sections."""
import pytest

# Đắk Lắk 34/KH-UBND appendix, row by row: (section › row, lead, cooperating, time) as written.
DAK_LAK_ROWS = [
    ('I › 1', 'Các cơ quan, đơn vị, địa phương trong tỉnh', '', 'Thường xuyên trong năm 2024'),
    ('I › 2', 'Sở Ngoại vụ', 'Các cơ quan, đơn vị liên quan', 'Thường xuyên trong năm 2024'),
    ('I › 3', 'Sở Ngoại vụ', 'Các cơ quan, đơn vị liên quan', 'Trong năm 2024'),
    ('II › 1', 'Sở Ngoại vụ, Liên hiệp các tổ chức hữu nghị tỉnh và các Hội thành viên', '', 'Trong năm 2024'),
    ('II › 2', 'Sở Văn hóa, Thể thao và Du lịch, Sở Ngoại vụ và các cơ quan, đơn vị liên quan', '', 'Trong năm 2024'),
    ('II › 3', 'Sở Thông tin và Truyền thông', 'Các đơn vị liên quan', 'Trong năm 2024'),
    ('II › 4', 'Sở Ngoại vụ; Sở Văn hóa, Thể thao và Du lịch; các cơ quan, đơn vị liên quan', '', 'Trong năm 2024'),
    ('II › 5', 'Hội Hữu nghị Việt Nam - Lào tỉnh', 'Các cơ quan, đơn vị liên quan', 'Trong năm 2024'),
    ('II › 6', 'Hội hữu nghị Việt Nam - Campuchia tỉnh', 'Các cơ quan, đơn vị liên quan', 'Quý II/2024'),
    ('II › 7', 'Sở Văn hóa, Thể thao và Du lịch', 'Các cơ quan, đơn vị liên quan', 'Quý II/2024'),
    ('II › 8', 'Sở Văn hóa, Thể thao và Du lịch', 'Các cơ quan, đơn vị liên quan', 'Quý III/2024'),
    ('II › 9', 'UBND huyện Ea Súp', 'Các cơ quan, đơn vị liên quan', 'Quý III/2024'),
    ('II › 10', 'Sở Văn hóa, Thể thao và Du lịch', 'Các cơ quan, đơn vị liên quan', 'Tháng 10/2024'),
    ('III › 1', 'Liên hiệp các tổ chức hữu nghị tỉnh', 'Các đơn vị liên quan', 'Trong năm 2024'),
    ('III › 2', 'Liên hiệp các tổ chức hữu nghị tỉnh', 'Các đơn vị liên quan', 'Trong năm 2024'),
    ('III › 3', 'Liên hiệp các tổ chức hữu nghị tỉnh', 'Các đơn vị liên quan', 'Trong năm 2024'),
    ('III › 4', 'Hội Hữu nghị Việt Nam - Nhật Bản tỉnh', 'Các cơ quan, đơn vị liên quan', 'Trong năm 2024'),
    ('III › 5', 'Hội Hữu nghị Việt Nam - Nhật Bản tỉnh', 'Các cơ quan, đơn vị liên quan', 'Trong năm 2024'),
    ('III › 6', 'Hội Hữu nghị Việt Nam - Nhật Bản tỉnh', 'Các cơ quan, đơn vị liên quan', 'Trong năm 2024'),
    ('III › 7', 'Hội Hữu nghị Việt Nam - Hàn Quốc tỉnh', 'Các cơ quan, đơn vị liên quan', 'Trong năm 2024'),
    ('III › 8', 'Hội Hữu nghị Việt Nam - Hàn Quốc tỉnh', 'Các cơ quan, đơn vị liên quan', 'Trong năm 2024'),
    ('III › 9', 'Hội hữu nghị Việt Nam - Lào tỉnh, UBND huyện Buôn Đôn, các đơn vị liên quan', '', 'Tháng 4/2024'),
    ('III › 10', 'Sở Văn hóa, Thể thao và Du lịch', 'Sở Ngoại vụ, các đơn vị liên quan', 'Tháng 6/2024'),
    ('III › 11', 'Hội hữu nghị Việt Nam - Lào tỉnh', 'Các đơn vị liên quan', 'Tháng 12/2024'),
    ('IV › 1', 'Sở Ngoại vụ', '', 'Trong năm 2024'),
    ('IV › 2', 'Sở Ngoại vụ', '', 'Trong năm 2024'),
    ('IV › 3', 'Sở Ngoại vụ; Sở Văn hóa, Thể thao và Du lịch; các đơn vị, địa phương trong tỉnh', '', 'Trong năm 2024'),
    ('IV › 4', 'Các cơ quan, đơn vị, địa phương trong tỉnh', '', 'Trong năm 2024'),
    ('IV › 5', 'Sở Ngoại vụ', 'Các cơ quan, đơn vị liên quan', 'Trong năm 2024'),
    ('IV › 6', 'Sở Ngoại vụ', 'Sở Văn hóa, Thể thao và Du lịch', 'Trong năm 2024'),
    ('IV › 7', 'Các cơ quan, đơn vị, địa phương trên địa bàn tỉnh', '', 'Trong năm 2024'),
]


def appendix_rows(plan):
    return [(t.section.removeprefix("Phụ lục › "), t.lead, t.cooperating, t.time)
            for t in plan.tasks if t.source == "appendix"]


def test_dak_lak_appendix_rows(txt_plans):
    assert appendix_rows(txt_plans["dak-lak-2024"]) == DAK_LAK_ROWS


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_dak_lak_appendix_rows_from_real_tables(reader, rendered, fmt):
    plan = reader.run(rendered["dak-lak-2024"][fmt])
    assert appendix_rows(plan) == DAK_LAK_ROWS
    funding = {t.section: t.funding for t in plan.tasks}
    assert funding["Phụ lục › III › 10"] == "Nguồn xã hội hoá"
    assert funding["Phụ lục › I › 1"] == "Không phát sinh"


def test_agency_lists_beside_the_cell_text(txt_plans):
    tasks = {t.section: t for t in txt_plans["dak-lak-2024"].tasks}
    assert tasks["Phụ lục › II › 4"].lead_agencies == [
        "Sở Ngoại vụ", "Sở Văn hóa, Thể thao và Du lịch", "các cơ quan, đơn vị liên quan"]
    assert tasks["Phụ lục › III › 9"].lead_agencies == [
        "Hội hữu nghị Việt Nam - Lào tỉnh", "UBND huyện Buôn Đôn", "các đơn vị liên quan"]
    assert tasks["Phụ lục › IV › 6"].cooperating_agencies == ["Sở Văn hóa, Thể thao và Du lịch"]


def test_quang_ngai_group_assignments(txt_plans):
    tasks = [t for t in txt_plans["quang-ngai-2018"].tasks if t.source == "assignment"]
    by_section = {t.section: (t.lead, t.cooperating) for t in tasks}
    group = ("Sở Ngoại vụ", "Các sở, ban, ngành và UBND các huyện, thành phố")
    for letter in "abcdđ":
        assert by_section[f"II › 2 › {letter}"] == group
    assert by_section["II › 2 › e"] == ("Sở Văn hóa, Thể thao và Du lịch",
                                         "Sở Ngoại vụ và các cơ quan, đơn vị liên quan")
    assert by_section["II › 4"] == ("Sở Ngoại vụ", "Hội Thân nhân kiều bào tỉnh, các sở, ban ngành và UBND các huyện, "
                                                   "thành phố")
    assert by_section["II › 5"][0].startswith("Sở Kế hoạch và Đầu tư; Ban Quản lý Khu Kinh tế Dung Quất")
    assert by_section["II › 1 › b"][0].startswith("Sở Ngoại vụ, Sở Văn hóa, Thể thao và Du lịch")
    champask = next(t for t in tasks if t.section == "II › 2 › e")
    assert "Champask và Attapeu" in champask.content


def test_responsibility_sections_become_tasks(txt_plans):
    gia_lai = {t.section: t for t in txt_plans["gia-lai"].tasks if t.source == "responsibility"}
    assert gia_lai["V › 2"].lead == "Sở Ngoại vụ"
    assert "Bộ Ngoại giao" in gia_lai["V › 2"].content
    assert gia_lai["V › 1"].lead == "Ban Tuyên giáo Tỉnh ủy"
    assert gia_lai["V › 6"].lead == "Sở Tài chính"  # the duties start on the heading's next line
    # Gia Lai numbers two items "9.": each agency's duties stop where the other's heading begins.
    labour = next(t for t in txt_plans["gia-lai"].tasks if t.lead.startswith("Sở Lao động"))
    assert "ứng xử văn hóa" in labour.content and "Liên hiệp các tổ chức hữu nghị" not in labour.content
    kon_ray = {t.lead: t for t in txt_plans["kon-ray"].tasks}
    assert "xúc tiến đầu tư" in kon_ray["Phòng Tài chính - Kế hoạch"].content
    dak_lak = {t.section: t.lead for t in txt_plans["dak-lak-2024"].tasks if t.source == "responsibility"}
    assert dak_lak["IV › 2"] == "Sở Tài chính"
    quang_ngai = [t.lead for t in txt_plans["quang-ngai-2018"].tasks if t.source == "responsibility"]
    assert "Kinh phí" not in quang_ngai and "Sở Ngoại vụ" in quang_ngai


def test_table_rows_split_across_pages_are_merged_and_repeated_headers_skipped():
    from ingest.records import Table, TableRow
    from ingest.tables import read_task_table

    header = ("STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện", "Kinh phí thực hiện")
    rows = (
        TableRow(header, 3),
        TableRow(("I", "Thông tin, tuyên truyền", "", "", "", ""), 3),
        TableRow(("1", "Tuyên truyền về các chủ trương", "Sở Ngoại vụ", "Các cơ quan,", "Trong năm", ""), 3),
        TableRow(header, 4),  # the header repeated at the top of the next page
        TableRow(("", "của tỉnh", "", "đơn vị liên quan", "2024", "Không phát sinh"), 4),
        TableRow(("2", "Quảng bá", "Sở Văn hóa, Thể thao và Du lịch", "", "Quý II/2024", ""), 4),
    )
    clauses, tasks = read_task_table(Table(rows=rows))
    assert [(t.section, t.content, t.cooperating, t.time, t.funding, t.page) for t in tasks] == [
        ("Phụ lục › I › 1", "Tuyên truyền về các chủ trương của tỉnh", "Các cơ quan, đơn vị liên quan",
         "Trong năm 2024", "Không phát sinh", 3),
        ("Phụ lục › I › 2", "Quảng bá", "", "Quý II/2024", "", 4),
    ]
    assert [c.label for c in clauses] == ["Phụ lục › I", "Phụ lục › I › 1", "Phụ lục › I › 2"]
