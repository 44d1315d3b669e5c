"""The offline answerer on the sample plans: right facts, cited, in the question's language, honest."""
import re

import pytest

from assistant.compose import Composer, clip_middle, focused, templates, window
from assistant.evidence import Unit
from assistant.vocabulary import folded_words
from index.chunks import Chunk
from index.retriever import Retrieval


def _check_citations(answer):
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.n for c in answer.citations}, answer.text
    for citation in answer.citations:
        assert citation.quote and citation.quote in citation.text
        assert citation.section and citation.page >= 1 and citation.document.endswith(".txt")


def test_english_task_question_lists_every_task_with_the_country(sample_assistant):
    answer = sample_assistant.ask("Which agency leads Korean exchange in 2024?")
    assert not answer.abstained
    assert answer.text.startswith("Under plan 34/KH-UBND (Đắk Lắk, 2024), 3 tasks match")
    assert "lead: Hội Hữu nghị Việt Nam - Hàn Quốc tỉnh (" in answer.text  # glossed in English
    assert {c.section for c in answer.citations} == {"Phụ lục › III › 7", "Phụ lục › III › 8", "Phụ lục › II › 10"}
    _check_citations(answer)


def test_time_question_typed_without_diacritics(sample_assistant):
    answer = sample_assistant.ask("hoi cho IFFE jeonju dak lak tham gia thang may?")
    assert "Tháng 10/2024" in answer.text and answer.text.startswith("Theo Kế hoạch 34/KH-UBND")
    assert answer.citations[0].section == "Phụ lục › II › 10"
    _check_citations(answer)


def test_agency_duties_get_one_line_per_plan(sample_assistant):
    answer = sample_assistant.ask("Sở Tài chính có trách nhiệm gì?")
    lines = [line for line in answer.text.split("\n") if line.startswith("- ")]
    assert len(lines) >= 3 and len(answer.text) <= 800
    assert all("Sở Tài chính" in line for line in lines)
    assert {"Đắk Lắk", "Gia Lai", "Hải Dương"} <= {p for p in ("Đắk Lắk", "Gia Lai", "Hải Dương", "Kon Rẫy")
                                                    if p in answer.text}
    assert all("Sở Tài chính" in c.text for c in answer.citations)
    _check_citations(answer)


def test_follow_up_about_the_same_office(sample_assistant):
    history = [{"role": "user", "content": "Phòng nào ở huyện Kon Rẫy tham mưu bố trí kinh phí thực hiện kế hoạch?"}]
    answer = sample_assistant.ask("Phòng đó còn làm gì nữa không?", history=history)
    assert not answer.abstained
    assert "Phòng Tài chính - Kế hoạch" in answer.text and "xúc tiến đầu tư" in answer.text
    _check_citations(answer)


def test_document_question_uses_the_plan_metadata(sample_assistant):
    answer = sample_assistant.ask("When was Đắk Lắk's plan No. 34/KH-UBND issued, and who signed it?")
    assert "22 February 2024" in answer.text and "ngày 22 tháng 02 năm 2024" in answer.text
    assert "Võ Văn Cảnh" in answer.text
    _check_citations(answer)


@pytest.mark.parametrize("question, says", [
    ("Kế hoạch ngoại giao văn hóa năm 2025 của Quảng Ngãi có những hoạt động gì?", "2025"),
    ("Which Korean province is Gia Lai twinned with according to its plan?", "do not contain"),
    ("Hải Dương dành bao nhiêu tỷ đồng mỗi năm cho hoạt động ngoại giao văn hóa?", "không nêu số tiền"),
    ("What is the reference number of Gia Lai's implementation plan?", "does not state its number"),
    ("What is the capital of France?", "do not contain"),
])
def test_questions_the_plans_do_not_answer_are_declined(sample_assistant, question, says):
    answer = sample_assistant.ask(question)
    assert answer.abstained, answer.text
    assert says in answer.text
    _check_citations(answer)


def test_answers_stay_short(sample_assistant):
    for question in ("Mục đích của kế hoạch ngoại giao văn hóa năm 2024 của Đắk Lắk?",
                     "What are the duties of Gia Lai's Department of Culture, Sports and Tourism?",
                     "Which plans mention UNESCO?"):
        answer = sample_assistant.ask(question)
        assert not answer.abstained and len(answer.text) <= 1400, question
        _check_citations(answer)


@pytest.mark.parametrize("question", ["", "😀😀😀", "<script>alert(1)</script> SELECT * FROM chunks;",
                                      "' OR 1=1; DROP TABLE chunks; -- \" NEAR(a b) *", ("Sở Tài chính " * 1600)[:20_000],
                                      "Что делает департамент финансов?", "财政厅负责什么？"])
def test_odd_questions_get_a_polite_answer(sample_assistant, question):
    answer = sample_assistant.ask(question)
    assert answer.text and len(answer.question) <= 1000
    assert "<script>" not in answer.text
    if not question.strip("😀 "):
        assert answer.abstained


def test_tasks_of_a_quarter_come_from_the_registry(sample_assistant):
    answer = sample_assistant.ask("Những nhiệm vụ nào của Đắk Lắk thực hiện trong Quý III/2024?")
    assert not answer.abstained
    assert "Chương trình nghệ thuật giao lưu văn hóa tại Lào" in answer.text and "Ko Nhéc" in answer.text
    assert {"Phụ lục › II › 8", "Phụ lục › II › 9"} <= {c.section for c in answer.citations}
    _check_citations(answer)


def test_a_province_with_no_plan_is_declined(sample_assistant):
    answer = sample_assistant.ask("ke hoach ngoai giao van hoa tinh binh dinh nam 2023")
    assert answer.abstained and "Bình Định" in answer.text


def test_a_summary_of_a_part_lists_its_items(sample_assistant):
    answer = sample_assistant.ask("tom tat phan to chuc thuc hien kh hai duong, moi don vi lam gi")
    assert answer.text.startswith("Theo Kế hoạch của Ủy ban nhân dân tỉnh Hải Dương, V (TỔ CHỨC THỰC HIỆN) gồm 12 mục")
    for agency in ("Sở Văn hóa, Thể thao và Du lịch", "Văn phòng UBND tỉnh", "Liên hiệp các tổ chức hữu nghị tỉnh"):
        assert agency in answer.text
    assert all(c.section.startswith("V › ") for c in answer.citations)
    _check_citations(answer)


def test_a_part_named_by_number_filters_the_tasks_with_a_kind_of_funding(sample_assistant):
    answer = sample_assistant.ask("In section IV of Đắk Lắk's appendix, which activities draw on the state budget?")
    rows = [line for line in answer.text.split("\n") if line.startswith("- ")]
    assert rows and all("Nguồn ngân sách nhà nước" in row for row in rows)
    assert all(c.section.startswith("Phụ lục › IV › ") for c in answer.citations)
    _check_citations(answer)


def test_an_agency_with_no_duties_clause_is_answered_with_the_tasks_it_leads(sample_assistant):
    answer = sample_assistant.ask("what does the Department of Planning and Investment have to do for cultural diplomacy?")
    assert "Gia Lai" in answer.text and "Quảng Ngãi" in answer.text
    assert "Dung Quất" in answer.text and len(answer.text) <= 800
    _check_citations(answer)


def test_an_agency_the_plan_asked_about_never_names_is_declined(sample_assistant):
    answer = sample_assistant.ask("Kế hoạch Quảng Ngãi 2018 giao Sở Lao động - Thương binh và Xã hội việc gì?")
    assert answer.abstained and "không nhắc đến Sở Lao động" in answer.text
    answer = sample_assistant.ask("Kế hoạch Hải Dương giao Sở Lao động - Thương binh và Xã hội việc gì?")
    assert not answer.abstained and "Sở Lao động - Thương binh và Xã hội" in answer.text


def test_a_who_question_naming_no_plan_is_answered_by_each_plan_with_the_task(sample_assistant):
    answer = sample_assistant.ask("ai to chuc gap mat kieu bao dip tet")
    rows = [line for line in answer.text.split("\n") if line.startswith("- ")]
    assert any(row.startswith("- (Đắk Lắk)") for row in rows) and any(row.startswith("- (Quảng Ngãi)") for row in rows)
    assert "Hội Thân nhân kiều bào" in answer.text  # "who" gives the cooperating agencies too
    _check_citations(answer)


def test_a_document_only_cited_is_not_answered_for(sample_assistant):
    answer = sample_assistant.ask("Quyết định 979/QĐ-UBND năm 2014 của Quảng Ngãi giao chỉ tiêu cụ thể nào cho từng sở?")
    assert answer.abstained and "979/QĐ-UBND" in answer.text
    assert not sample_assistant.ask("Kế hoạch Quảng Ngãi 2018 căn cứ quyết định nào?").abstained


def test_a_summary_of_a_whole_plan_lists_its_parts_and_what_is_under_them(sample_assistant):
    answer = sample_assistant.ask("tom tat kh ngoai giao van hoa qn 2018 gom nhung nhom viec gi")
    first = answer.text.split("\n", 1)[0]
    assert first.startswith("Kế hoạch của Chủ tịch UBND tỉnh Quảng Ngãi (2018) (“KẾ HOẠCH TRIỂN KHAI CÔNG TÁC")
    assert first.endswith("gồm 3 phần:") and "979/QĐ-UBND" in answer.text  # its title, what it implements
    # the longest part keeps every item, each shortened, rather than losing the last ones
    assert "5. Gắn kết ngoại giao văn hóa với ngoại giao chính trị" in answer.text and len(answer.text) <= 1500
    _check_citations(answer)


def test_a_summary_in_english_finds_the_part_by_the_heading_above_the_best_clause(sample_assistant):
    answer = sample_assistant.ask("give me a quick overview of Gia Lai's main solutions")
    rows = [line for line in answer.text.split("\n") if line.startswith("- ")]
    assert len(rows) >= 5 and "Tăng cường nguồn lực" in answer.text
    assert all(c.section.startswith("III") for c in answer.citations)
    _check_citations(answer)


def test_which_plans_of_a_year_is_answered_from_every_plans_metadata(sample_assistant):
    answer = sample_assistant.ask("nhung ke hoach nao den nam 2030")
    assert all(place in answer.text for place in ("Đắk Lắk", "Gia Lai", "Hải Dương", "Kon Rẫy"))
    assert "Quảng Ngãi" not in answer.text  # its strategy ran to 2020
    answer = sample_assistant.ask("which plans still run to 2020?")
    assert "Quảng Ngãi" in answer.text and "Hải Dương" not in answer.text
    _check_citations(answer)


def test_a_funding_question_that_asks_only_for_the_funding_part_gets_its_items(sample_assistant):
    answer = sample_assistant.ask("kinh phi thuc hien kh ngvh hai duong lay tu nguon nao")
    assert "IV (KINH PHÍ THỰC HIỆN)" in answer.text and "xã hội hóa" in answer.text
    assert len(answer.text) <= 800  # not a summary: a short answer
    _check_citations(answer)


def test_a_full_title_is_quoted_with_the_heading_word_above_it(sample_assistant):
    answer = sample_assistant.ask("ten day du cua kh ngoai giao van hoa quang ngai 2018")
    assert "KẾ HOẠCH TRIỂN KHAI CÔNG TÁC NGOẠI GIAO VĂN HÓA" in answer.text


def test_tasks_an_agency_leads_name_it_once_and_keep_each_row_whole_enough(sample_assistant):
    answer = sample_assistant.ask("list every task the culture dept (SVHTTDL) leads in dak lak's 2024 plan")
    first = answer.text.split("\n", 1)[0]
    assert "Sở Văn hóa, Thể thao và Du lịch" in first and " leads " in first
    assert "IFFE" in answer.text and "Yoga" in answer.text  # rows with short fields give room to long ones
    assert len(answer.text) <= 1500
    _check_citations(answer)


def test_a_quarter_asked_lists_what_who_and_when(sample_assistant):
    answer = sample_assistant.ask("dak lak – what's on the schedule for Q3?")
    assert "UBND huyện Ea Súp" in answer.text and "Quý III/2024" in answer.text


def _unit_of(text: str, section: str, span: str | None = None) -> Unit:
    """A unit of a one-chunk clause: `span` of the text (the whole text when None)."""
    chunk = Chunk("c", "p", "p.txt", section, 1, "clause", text, "")
    start = text.index(span) if span else 0
    return Unit(chunk, start, start + len(span or text), 0)


def test_a_quote_of_a_heading_shows_what_follows_it_before_the_headings_above():
    text = ("V. TỔ CHỨC THỰC HIỆN\n8. Sở Khoa học và Công nghệ\n"
            "Căn cứ hướng dẫn của Bộ Khoa học và Công nghệ, phối hợp với Sở Ngoại vụ và các Sở, ban, ngành liên "
            "quan tham mưu Ủy ban nhân dân tỉnh triển khai nghiên cứu ứng dụng khoa học công nghệ vào các hoạt "
            "động ngoại giao văn hóa ở trong và ngoài nước.")
    heading = _unit_of(text, "V › 8", "8. Sở Khoa học và Công nghệ")
    quoted = " ".join(u.text for u in window(heading, 140))
    assert quoted.startswith("8. Sở Khoa học và Công nghệ Căn cứ hướng dẫn")  # the duty, not "V. TỔ CHỨC ..."


def test_a_unit_longer_than_the_room_is_shown_where_it_answers():
    text = ("- Thực hiện đa dạng các hình thức quảng bá hình ảnh và giá trị các di sản văn hóa, nghệ thuật truyền "
            "thống tiêu biểu của Hải Dương: các lễ hội truyền thống, nghệ thuật hát chèo, hát văn, hát tuồng, múa rối "
            "nước...; các danh lam thắng cảnh, giá trị kiến trúc, nghệ thuật, lịch sử của các di tích lịch sử văn hóa "
            "tiêu biểu; các nghề thủ công truyền thống: thêu ren, chạm khắc gỗ, nghề gốm...")
    asked = {"nghe", "thu", "cong", "gom"}
    part = focused(_unit_of(text, "III › 2 › 2.2 › -2"), 120, lambda t: len(asked & set(folded_words(t))) / len(asked))
    assert len(part.text) <= 120 and "thêu ren, chạm khắc gỗ, nghề gốm" in part.text
    assert part.start > 0


def test_a_field_of_that_task_is_asked_of_the_task_not_of_its_lead(sample_assistant):
    # The last answer named the task's lead; "who cooperates on that?" is about the task, not the lead's other work.
    history = [{"role": "user", "content": "Who leads the Yoga day event in the Dak Lak 2024 plan?"}]
    answer = sample_assistant.ask("who cooperates on that, and when is it?", history=history)
    assert "Sở Ngoại vụ" in answer.text and "Tháng 6/2024" in answer.text
    assert [c.section for c in answer.citations] == ["Phụ lục › III › 10"]


def test_who_handles_that_is_asked_of_the_task_the_last_answer_quoted(sample_assistant):
    history = [{"role": "user", "content": "Quảng Ngãi 2018 có mua tặng phẩm cho khách quốc tế không?"}]
    answer = sample_assistant.ask("Ai lo khoản đó?", history=history)
    assert "Sở Ngoại vụ" in answer.text and "tặng phẩm" in answer.text
    assert [c.section for c in answer.citations] == ["II › 2 › a…d"]


@pytest.mark.parametrize("question", ["TQ 275 — sở nào làm đầu mối theo dõi, tổng hợp báo cáo?",
                                      "kh 94 ha noi giao so nao chu tri to chuc cac hoat dong thong tin doi ngoai?"])
def test_who_is_declined_when_the_plan_at_hand_gives_no_agency_a_part(sample_assistant, question):
    answer = sample_assistant.ask(question)
    assert answer.abstained and "không nêu cơ quan nào" in answer.text


def test_the_plan_of_a_year_no_plan_is_for_is_declined_though_the_year_is_named(sample_assistant):
    answer = sample_assistant.ask("Kế hoạch ngoại giao văn hóa năm 2025 của Đắk Lắk gồm những hoạt động gì?")
    assert answer.abstained and "2025" in answer.text


def test_a_summary_writes_whole_the_items_its_room_holds(sample_assistant):
    answer = sample_assistant.ask("hai duong plan main tasks & solutions – short version?")
    assert "1.6. Gắn kết các hoạt động ngoại giao văn hóa với cộng đồng người Việt Nam ở nước ngoài" in answer.text


def test_tasks_done_all_year_round_are_filtered_as_a_time(sample_assistant):
    answer = sample_assistant.ask("which Dak Lak tasks are ongoing all through 2024 (thuong xuyen)?")
    rows = [line for line in answer.text.split("\n") if line.startswith("- ")]
    assert len(rows) == 2 and all("Thường xuyên trong năm 2024" in row for row in rows)


def test_an_agency_written_with_an_abbreviation_heads_its_duties(sample_assistant):
    answer = sample_assistant.ask("who's in charge of foreign reporters coming to work in the province?")
    assert "Sở Ngoại vụ" in answer.text and "Văn phòng UBND tỉnh" in answer.text


def test_a_focused_part_of_a_long_sentence_is_where_the_quote_starts():
    text = ("1. Sở Văn hóa, Thể thao và Du lịch\n- Chủ trì tổ chức các cuộc giao lưu văn hóa (biểu diễn nghệ thuật, "
            "triển lãm tranh - ảnh nghệ thuật), tổ chức giao lưu thi đấu thể thao với địa phương của các nước bạn có ký "
            "kết hợp tác với tỉnh Hải Dương như: thành phố Suwon - Hàn Quốc, tỉnh Kagoshima - Nhật Bản, tỉnh Viêng "
            "Chăn - CHDCND Lào… khi được cấp có thẩm quyền cho phép theo quy định.")
    sentence = _unit_of(text, "V › 1 › -5", text.split("\n", 1)[1])
    part = focused(sentence, 150, lambda t: float("Nhật Bản" in t))
    quoted = " ".join(u.text for u in window(part, 160))
    assert "Kagoshima - Nhật Bản" in quoted and not quoted.startswith("1. Sở Văn hóa")


def test_a_title_cut_in_its_middle_keeps_where_it_happens():
    title = ("Tổ chức đoàn cán bộ, công chức phụ trách công tác ngoại giao văn hóa của một số sở, ngành liên quan đi "
             "học tập kinh nghiệm về công tác ngoại giao văn hóa tại một số tỉnh Tây Nguyên và tại Myanmar.")
    cut = clip_middle(title, 110)
    assert len(cut) <= 110 and cut.startswith("Tổ chức đoàn cán bộ") and cut.endswith("tại Myanmar.") and " … " in cut


def test_a_title_cut_in_its_middle_keeps_a_name_it_holds_there():
    title = ("Lồng ghép giao lưu văn hóa trong triển khai các hoạt động hợp tác với huyện Ko Nhéc, tỉnh Mondulkiri, "
             "Vương quốc Campuchia và các địa phương có quan hệ hợp tác, hữu nghị truyền thống với tỉnh")
    cut = clip_middle(title, 110, frozenset({"Ko Nhéc", "Mondulkiri"}))
    assert len(cut) <= 110 and cut.startswith("Lồng ghép giao lưu") and "Ko Nhéc" in cut
    assert "Ko Nhéc" not in clip_middle(title, 110)  # without the names, the middle goes


def test_every_row_of_a_long_list_is_shown_or_counted(sample_assistant):
    answer = sample_assistant.ask("nhom III doi ngoai nhan dan trong phu luc dak lak co may hoat dong, ke ra")
    rows = [line for line in answer.text.split("\n") if line.startswith("- ")]
    count = int(re.search(r"(\d+) nhiệm vụ", answer.text).group(1))
    assert count == len(rows) or "nhiệm vụ khác" in rows[-1]
    assert "Thụy Điển" in answer.text and "Yoga" in answer.text and len(answer.text) <= 1500
    _check_citations(answer)


def test_a_country_asked_of_every_plan_is_answered_by_plans_without_rows_too(sample_assistant):
    answer = sample_assistant.ask("nhung ke hoach nao co hoat dong voi Nhat Ban")
    assert "Hùng biện tiếng Nhật" in answer.text and "Kagoshima" in answer.text
    _check_citations(answer)


def test_who_asked_of_every_plan_names_the_agency_whose_duties_answer(sample_assistant):
    answer = sample_assistant.ask("ai lo pho bien kien thuc van hoa, ung xu van hoa cho nguoi di lao dong nuoc ngoai")
    assert "Sở Lao động – Thương binh và Xã hội" in answer.text
    assert "Phòng Lao động - Thương binh và Xã hội" in answer.text  # Kon Rẫy's "7. Phòng ...: Chủ trì ..."


def test_a_follow_up_about_them_asks_it_of_every_row_the_last_answer_listed(sample_assistant):
    history = [{"role": "user", "content": "Which Dak Lak 2024 tasks are in Q2?"}]
    answer = sample_assistant.ask("and who helps them?", history=history)
    assert "Mondulkiri" in answer.text and "Yoga" in answer.text and "cooperating" in answer.text
    _check_citations(answer)


def test_a_task_singled_out_by_its_words_is_not_joined_by_every_plan_naming_its_country(sample_assistant):
    answer = sample_assistant.ask("Ai chủ trì Tết cổ truyền Bun Pi May Lào tại huyện Buôn Đôn?")
    assert "Hội hữu nghị Việt Nam - Lào tỉnh" in answer.text
    assert {c.document.split("-")[0] for c in answer.citations} == {"dak"}  # "Phòng Lao động" is not Lào


def test_plans_compared_are_each_given_in_full(sample_assistant):
    answer = sample_assistant.ask("compare the funding sections of the kon ray and hai duong plans")
    assert "gửi về Phòng Tài chính - Kế hoạch" in answer.text  # the long item of one is not cut for the other
    assert re.search(r"theo quy định của pháp luật\.? \[\d\]", answer.text)  # and the other's is whole
    assert len(answer.text) <= 1500
    _check_citations(answer)


def test_lines_sharing_an_answer_give_the_room_of_short_ones_to_long_ones():
    compose = Composer(templates()["vi"], Retrieval("q", "vi", False, [], None), None, None, "q")
    short, long = "ngắn. " * 5, "dài dòng hơn nhiều. " * 40
    lines = compose.shared([lambda room: short[:room], lambda room: long[:room]], 400)
    assert lines == [short, long[:400 - len(short)]]


def test_a_part_named_by_the_number_the_plan_gives_it(sample_assistant):
    answer = sample_assistant.ask("kh hai duong muc 2.3 gom nhung gi")  # the plan's "2.3." under III › 2
    assert "III › 2 › 2.3" in answer.text and "Đẩy mạnh công tác bảo tồn" in answer.text
    _check_citations(answer)


def test_task_rows_are_not_chosen_by_words_the_plans_do_not_have(sample_assistant):
    # No word of this question is in the plans or the glossary: every row would "cover" it equally, and only
    # the rows of the clauses retrieval found may answer.
    answer = sample_assistant.ask("who is meant to be a cheerleader for the province overseas?")
    rows = [line for line in answer.text.split("\n") if "— lead:" in line]
    retrieved = {item.chunk.text for item in answer.retrieval.items[:5]}
    cited = {c.n: c.text for c in answer.citations}
    assert rows and all(cited[int(n)] in retrieved for row in rows for n in re.findall(r"\[(\d+)\]", row))


def test_whom_a_plan_is_sent_to_is_its_recipients_list(sample_assistant):
    answer = sample_assistant.ask("kế hoạch Hải Dương gửi cho những cơ quan nào?")
    assert "Bộ Ngoại giao" in answer.text and "Liên hiệp các tổ chức hữu nghị tỉnh" in answer.text
    assert "Lưu" not in answer.text  # the filing line is no recipient
    assert [c.section for c in answer.citations] == ["Nơi nhận"]
    _check_citations(answer)


def test_a_day_asked_of_a_task_done_in_a_month_is_declined_with_the_month(sample_assistant):
    answer = sample_assistant.ask("hoi thi hung bien tieng Nhat to chuc vao ngay nao?")
    assert answer.abstained and "Trong năm 2024" in answer.text
    answer = sample_assistant.ask("hội chợ IFFE Jeonju diễn ra tháng mấy?")  # a month asked is answered
    assert not answer.abstained and "Tháng 10/2024" in answer.text


def test_a_part_numbered_under_another_is_found_by_its_heading_words(sample_assistant):
    answer = sample_assistant.ask("tom tat muc 4 kh quang ngai 2018 ve nguoi viet nam o nuoc ngoai")
    assert "II › 4" in answer.text and "NVNONN" in answer.text
    _check_citations(answer)


def test_a_count_of_tasks_says_how_many_in_each_group_of_the_table(sample_assistant):
    answer = sample_assistant.ask("phụ lục kế hoạch Đắk Lắk có tất cả bao nhiêu nhiệm vụ, mỗi mục mấy việc?")
    assert "31" in answer.text and "I. Thông tin, tuyên truyền về Ngoại giao văn hóa: 3" in answer.text
    assert len(answer.text) <= 1500
    _check_citations(answer)


def test_the_agencies_a_part_assigns_duties_to_are_listed_by_name(sample_assistant):
    answer = sample_assistant.ask("gia lai muc to chuc thuc hien giao viec cho nhung co quan nao")
    rows = [line for line in answer.text.split("\n") if line.startswith("- ")]
    assert len(rows) == 12 and "Báo Gia Lai" in answer.text and "Ban Tuyên giáo Tỉnh ủy" in answer.text
    # One agency asked of the same part is answered with that agency's duty, not the list.
    answer = sample_assistant.ask("Trong kế hoạch của Gia Lai, cơ quan nào chủ trì tổ chức triển khai Kế hoạch?")
    assert "Sở Ngoại vụ" in answer.text and "Báo Gia Lai" not in answer.text
    _check_citations(answer)


def test_which_plans_are_of_a_kind_is_read_from_their_titles(sample_assistant):
    answer = sample_assistant.ask("kh nao la ke hoach thong tin doi ngoai chu ko phai ngoai giao van hoa")
    assert "94/KH-UBND" in answer.text and "Lào Cai" in answer.text and "Gia Lai" not in answer.text
    _check_citations(answer)
    # A document number in the question is what the plans cite, not a kind of plan.
    answer = sample_assistant.ask("nhung kh nao trien khai qd 2013/qd-ttg?")
    assert "Hải Dương" in answer.text and "Gia Lai" in answer.text


def test_the_issuer_is_quoted_as_written_with_the_short_form_officials_use(sample_assistant):
    answer = sample_assistant.ask("kh 34 lao cai do ai ban hanh")
    assert "Ủy ban nhân dân tỉnh Lào Cai (UBND tỉnh Lào Cai)" in answer.text
    _check_citations(answer)


def test_what_a_cited_document_is_is_answered_from_each_plan_citing_it(sample_assistant):
    answer = sample_assistant.ask("what is decision 979/QĐ-UBND that quang ngai's 2018 plan builds on?")
    assert not answer.abstained and "14/7/2014" in answer.text and "Kế hoạch hành động" in answer.text
    answer = sample_assistant.ask("Ha Noi and Lao Cai both cite Circular 22/2016/TT-BTTTT — do they give it the same date?")
    assert "19/10/2016" in answer.text and "19/10/2012" in answer.text
    _check_citations(answer)


def test_a_country_asked_of_no_plan_is_answered_by_each_plan_naming_it(sample_assistant):
    answer = sample_assistant.ask("which plans name Thailand or Myanmar?")
    assert "Ubon Ratchathani" in answer.text and "Myanmar" in answer.text
    assert "Lào Cai" not in answer.text
    _check_citations(answer)


def test_rows_retrieval_did_not_find_do_not_answer_a_question_whose_words_cannot_be_read(sample_assistant):
    answer = sample_assistant.ask("who deals with unhealthy foreign cultural products?")
    assert "Công an tỉnh" in answer.text and "OCOP" not in answer.text
    _check_citations(answer)


def test_a_short_outline_says_what_its_bare_labels_label(sample_assistant):
    answer = sample_assistant.ask("kh 275 tuyen quang noi ve gi")
    assert "2013/QĐ-TTg" in answer.text and "thu hút đầu tư" in answer.text  # its purpose, not "1. Mục đích" alone
    _check_citations(answer)


def test_a_foreign_name_asked_of_a_plan_that_never_writes_it_is_declined_saying_where_it_is(sample_assistant):
    answer = sample_assistant.ask("kon ray plan: which southern lao province exactly is the partner, attapeu?")
    assert answer.abstained and "Attapeu" in answer.text and "Quảng Ngãi" in answer.text
    answer = sample_assistant.ask("chuong trinh nghe thuat o Champask do ai chu tri")
    assert not answer.abstained and "Sở Văn hóa, Thể thao và Du lịch" in answer.text


def test_how_often_is_answered_by_the_unit_that_states_a_time(sample_assistant):
    answer = sample_assistant.ask("Dak Lak 2024 - how often must agencies report what they did, and to whom?")
    assert "6 tháng, hằng năm" in answer.text
    _check_citations(answer)


def test_a_district_plan_and_its_provinces_plan_compared_each_give_the_part_asked(sample_assistant):
    answer = sample_assistant.ask("muc dich kh 603 kon tum va kh huyen kon ray giong nhau ko")
    assert {c.document.split(".")[0][:8] for c in answer.citations} == {"kon-tum-", "kon-ray-"}
    assert answer.text.count("Tôn vinh, nâng tầm văn hóa Việt Nam") == 2
    _check_citations(answer)


def test_a_count_of_people_is_not_answered_by_a_number_of_years(sample_assistant):
    answer = sample_assistant.ask("doan di so ket 3 nam thoa thuan voi hoi huu nghi se kong gom bao nhieu nguoi?")
    assert answer.abstained
    assert not sample_assistant.ask("dak lak, the sweden anniversary - how many years?").abstained


def test_who_runs_the_plan_is_the_agency_told_to_follow_it_up_and_report_on_it(sample_assistant):
    answer = sample_assistant.ask("compare who leads implementation in gia lai vs hai duong")
    lines = {line.split(" (")[0]: line for line in answer.text.split("\n- ")}
    assert "Sở Ngoại vụ" in lines["Gia Lai"] and "Sở Văn hóa, Thể thao và Du lịch" in lines["Hải Dương"]
    _check_citations(answer)


def test_an_agency_the_plans_never_write_and_an_outcome_are_declined(sample_assistant):
    answer = sample_assistant.ask("whats So Cong Thuong (dept of industry and trade) supposed to do in the hai duong plan?")
    assert answer.abstained and "Sở Công Thương" in answer.text
    assert sample_assistant.ask("ket qua cuoc thi hung bien viet han dak lak 2024, ai giai nhat?").abstained
    assert not sample_assistant.ask("kh hanh dong ngvh ha tinh den nam 2020 so bao nhieu, nam nao").abstained


@pytest.mark.parametrize("question, given, not_given", [
    # A plan's date and basis asked together: both.
    ("kh 94 ha noi ban hanh ngay nao, can cu nhung van ban gi", ("25 tháng 3 năm 2022", "5406/BTTTT-TTĐN"), ()),
    # A summary names the partners its cut lines leave out.
    ("tom tat nhiem vu svhttdl hai duong", ("Suwon", "Kagoshima", "Viêng Chăn"), ()),
    # The rows held in another country: where each is held, or where its delegation goes; not a Lào row at home.
    ("kh dak lak 2024 co nhung viec nao to chuc o nuoc ngoai?", ("Sê Kông", "tại Lào", "Jeonju", "Mondulkiri"),
     ("Buôn Đôn", "Tây Nguyên")),
    # Rows counted by two kinds of funding: every row, counted by the kind its funding cell states.
    ("phu luc dak lak co bao nhieu dong dung ngan sach nha nuoc, bao nhieu dong khong phat sinh kinh phi?",
     ("31", ": 19", "Không phát sinh: 11", "Nguồn xã hội hoá: 1"), ()),
    # An agency's duties cut short name them too ("tóm gọn" is a summary).
    ("svhttdl hai duong dc giao nhung viec gi, tóm gọn", ("Suwon", "Kagoshima", "Viêng Chăn"), ()),
    # The rows given a month, each with its time; none timed only by the year.
    ("dak lak 2024 nhung hd nao co thoi gian theo thang cu the?",
     ("Tháng 4/2024", "Tháng 6/2024", "Tháng 10/2024", "Tháng 12/2024"), ("Trong năm 2024",)),
])
def test_the_answer_gives_what_was_asked_and_cites_it(sample_assistant, question, given, not_given):
    answer = sample_assistant.ask(question)
    assert all(text in answer.text for text in given), answer.text
    assert not any(text in answer.text for text in not_given) and len(answer.text) <= 1500
    _check_citations(answer)
