"""Reading a question: shorthand, plan numbers, slots, times and places (no model needed)."""
import pytest

from assistant.profile import Profiler, Turn
from assistant.vocabulary import AgencyNames, initialisms, provinces_named, time_asked
from index.glossary import glossary


@pytest.fixture(scope="module")
def profiler(txt_plans):
    plans = tuple(txt_plans.values())
    return Profiler(plans, AgencyNames(plans), glossary())


def test_shorthand_comes_from_the_agency_names():
    assert {"svhttdl", "vhttdl", "svhttvdl"} <= initialisms("Sở Văn hóa, Thể thao và Du lịch", frozenset())
    assert "ldtbxh" in initialisms("Phòng Lao động - Thương binh và Xã hội", frozenset())


def test_shorthand_in_a_question_is_spelled_out(profiler):
    profile = profiler.run("svhttdl gia lai phoi hop viec gi?", "vi")
    assert "Sở Văn hóa, Thể thao và Du lịch" in profile.searched
    assert any(a.name.startswith("Sở Văn hóa, Thể thao và Du lịch") for a in profile.agencies)


def test_a_long_initialism_with_one_letter_mistyped_is_still_read(profiler):
    profile = profiler.run("lhcttchn tinh dak lak chu tri nhung nd nao", "vi")
    assert any(a.name.startswith("Liên hiệp các tổ chức hữu nghị") for a in profile.agencies)
    assert not profiler.run("svhdlll gia lai phoi hop viec gi", "vi").agencies  # letters off by more: not guessed


@pytest.mark.parametrize("question, months, year", [
    ("Những nhiệm vụ nào của Đắk Lắk thực hiện trong Quý III/2024?", {7, 8, 9}, 2024),
    ("quy 3 co viec gi?", {7, 8, 9}, None),
    ("What is due in October 2024 in the Dak Lak plan?", {10}, 2024),
    ("t10 co hoat dong gi", {10}, None),
    ("dak lak thang 4 va thang 6/2024 co hd gi", {4, 6}, 2024),
    ("t4-t6 co gi", {4, 5, 6}, None),
    ("what happens in april and june", {4, 6}, None),
    ("q2 va q3 co gi", {4, 5, 6, 7, 8, 9}, None),
    ("dak lak 2024 nhung hd nao co thoi gian theo thang cu the?", set(range(1, 13)), 2024),
])
def test_months_and_quarters_asked(question, months, year):
    asked = time_asked(question)
    assert asked.months == months and asked.year == year


def test_a_folded_syllable_does_not_decide_the_slot(profiler):
    # "kỷ niệm" folds to "ky niem": it is not "ký" (signed).
    profile = profiler.run("Kế hoạch Đắk Lắk 2024 có các hoạt động kỷ niệm quan hệ ngoại giao với những nước nào?", "vi")
    assert profile.slot != "signer" and not profile.asks_document


def test_a_count_of_tasks_in_a_numbered_plan(profiler, txt_plans):
    profile = profiler.run("Sở Ngoại vụ chủ trì bao nhiêu nhiệm vụ trong kế hoạch 34/KH-UBND?", "vi")
    assert profile.slot == "count" and profile.registry and not profile.asks_document
    assert profile.plans and all(k.startswith("dak-lak-2024") for k in profile.plans)


def test_a_date_and_signer_asked_together(profiler):
    profile = profiler.run("When was Đắk Lắk's plan No. 34/KH-UBND issued, and who signed it?", "en")
    assert {"date", "signer"} <= set(profile.asks)


def test_provinces_named():
    assert provinces_named("ke hoach ngoai giao van hoa tinh binh dinh nam 2023") == ["Bình Định"]
    assert provinces_named("What does Da Nang's plan say?") == ["Đà Nẵng"]
    assert provinces_named("hợp tác vì hòa bình và phát triển") == []


@pytest.fixture(scope="module")
def all_plans(txt_plans, opening_plans):
    return (*txt_plans.values(), *opening_plans.values())


@pytest.fixture(scope="module")
def wide_profiler(all_plans):
    return Profiler(all_plans, AgencyNames(all_plans), glossary())


def test_a_number_and_a_place_name_one_plan(wide_profiler):
    # Two plans are numbered 34; the province tells them apart, and a place said not to be meant is left out.
    profile = wide_profiler.run("kh 34 cua lao cai (ko phai dak lak) la ke hoach ve gi, nam nao", "vi")
    assert profile.plans == ("lao-cai-34-2021",) and profile.numbered
    assert set(wide_profiler.run("kh 34 ban hanh ngay nao", "vi").plans) == {
        "lao-cai-34-2021", "dak-lak-2024-ke-hoach-ngoai-giao-van-hoa"}


def test_a_follow_up_about_another_plan_asks_the_same_of_it(wide_profiler):
    first = wide_profiler.run("Sở Tài chính Gia Lai có nhiệm vụ gì?", "vi")
    turn = Turn(first.question, first, plans=first.plans)
    profile = wide_profiler.run("còn bên Hải Dương thì sao?", "vi", turn)
    assert profile.plans == ("hai-duong-ke-hoach-ngoai-giao-van-hoa-2030",)
    assert profile.slot == first.slot == "duties" and profile.agencies == first.agencies
    assert "Gia Lai" not in profile.searched and "Tài chính" in profile.searched


def test_plans_named_apart_are_asked_side_by_side(wide_profiler):
    profile = wide_profiler.run("ha tinh 171 and quang ngai 2018 - what decision does each cite as its basis?", "en")
    assert set(profile.plans) == {"ha-tinh-171-2015", "quang-ngai-2018-ke-hoach-ngoai-giao-van-hoa"}
    assert profile.sides == 2
    assert wide_profiler.run("kh 34 ban hanh ngay nao", "vi").sides == 1  # one number, two plans: not a comparison
    # A district named beside provinces: each place stands for its own plan.
    profile = wide_profiler.run("How do Gia Lai, Kon Rẫy and Đắk Lắk differ in the Cambodian partners they name?", "en")
    assert {k.split("-")[0] + "-" + k.split("-")[1] for k in profile.plans} == {"gia-lai", "kon-ray", "dak-lak"}
    assert profile.sides == 3
    # A province named only as the district's province is not a plan of its own.
    assert wide_profiler.run("huyen kon ray tinh kon tum giao phong nao lam dau moi", "vi").plans == \
        ("kon-ray-ke-hoach-ngoai-giao-van-hoa-2030",)


def test_a_place_name_is_left_out_whole_not_its_syllables_elsewhere(wide_profiler):
    terms = wide_profiler.run("Gia Lai phát huy giá trị văn hóa và đào tạo lao động thế nào?", "vi").terms
    assert "gia" in terms and "lao" in terms and "lai" not in terms  # giá trị, lao động; Gia Lai is the place


def test_the_year_of_a_cited_decision_is_a_word_to_find(wide_profiler):
    assert "2013" in wide_profiler.run("nhung kh nao trien khai qd 2013/qd-ttg?", "vi").terms


@pytest.mark.parametrize("question, slot", [
    ("kh 34 cua lao cai la ke hoach ve gi", "title"),
    ("hanoi 94 plan - what exactly is it a plan for? title pls", "title"),
    ("kon ray plan - what higher-level documents is it based on?", "basis"),
    ("Kế hoạch Lào Cai căn cứ những văn bản nào?", "basis"),
])
def test_document_questions_about_the_title_and_the_basis(wide_profiler, question, slot):
    profile = wide_profiler.run(question, "en" if "plan" in question else "vi")
    assert profile.slot == slot and profile.asks_document


@pytest.mark.parametrize("question", [
    "Kế hoạch 275/KH-UBND thực hiện Chiến lược Ngoại giao văn hóa đến năm 2030 của tỉnh Tuyên Quang nêu mục đích gì?",
    "quick rundown of the implementation part (tổ chức thực hiện) of the Quang Ngai 2018 plan pls",
])
def test_a_plan_described_by_what_it_implements_is_not_asked_for_its_basis(wide_profiler, question):
    assert not wide_profiler.run(question, "en" if "plan pls" in question else "vi").asks_document


def test_shorthand_without_the_kind_of_body_names_every_body_of_that_field(wide_profiler):
    # "lao" is a syllable of Lào Cai as well; only a place that ends a name is left out of its initials.
    names = {a.name for a in wide_profiler.run("ldtbxh lam gi trong kh ngoai giao van hoa", "vi").agencies}
    assert {"Phòng Lao động - Thương binh và Xã hội"} < names
    assert any(n.startswith("Sở Lao động") for n in names)
    only = {a.name for a in wide_profiler.run("so ldtbxh lam gi", "vi").agencies}
    assert only and all(n.startswith("Sở Lao động") for n in only)


def test_a_document_number_typed_in_lower_case_is_a_cited_document(wide_profiler):
    profile = wide_profiler.run("kh 1908/kh-ubnd cua gia lai co nhung nhiem vu cu the nao?", "vi")
    assert profile.other_plans == ("1908/kh-ubnd",)
    assert wide_profiler.run("kh 34/kh-ubnd ban hanh ngay nao", "vi").other_documents == ()


def test_the_plans_a_named_plan_cites_are_its_basis(wide_profiler):
    profile = wide_profiler.run("kh 34 dak lak can cu vao nhung ke hoach nao?", "vi")
    assert profile.slot == "basis" and profile.asks_document and not profile.which_plans


def test_a_contact_point_is_who_leads_not_a_phone_number(wide_profiler):
    assert wide_profiler.run("hai duong - who is the contact point with the Foreign Ministry?", "en").slot == "lead"


def test_an_agency_written_with_an_abbreviation_is_named_spelled_out_and_only_by_its_words_together(wide_profiler):
    profile = wide_profiler.run("ubnd huyen buon don duoc giao gi", "vi")
    assert [a.name for a in profile.agencies] == ["UBND huyện Buôn Đôn"]
    # "phòng nào ... ủy ban nhân dân ... văn hóa": the words of "Văn phòng UBND tỉnh", but scattered
    profile = wide_profiler.run("kon ray phong nao chu tri tham muu ubnd huyen trien khai hoat dong ngoai giao van hoa", "vi")
    assert "Văn phòng UBND tỉnh" not in [a.name for a in profile.agencies]


def test_the_agency_the_last_answer_was_about_is_what_that_office_means(profiler):
    first = profiler.run("Phòng nào ở huyện Kon Rẫy tham mưu bố trí kinh phí thực hiện kế hoạch?", "vi")
    turn = Turn(first.question, first, plans=first.plans, agency="Phòng Tài chính - Kế hoạch")
    profile = profiler.run("Phòng đó còn làm gì nữa không?", "vi", turn)
    assert [a.name for a in profile.agencies] == ["Phòng Tài chính - Kế hoạch"]


def test_do_typed_with_diacritics_is_by_not_that(profiler):
    assert not profiler.run("Quảng Ngãi 2018: các nội dung do Sở Ngoại vụ chủ trì?", "vi").refers_back
    assert profiler.run("Phòng đó còn làm gì nữa không?", "vi").refers_back
    assert profiler.run("phong do con lam gi nua?", "vi").refers_back


def test_contents_an_agency_leads_are_a_registry_question(profiler):
    profile = profiler.run("Quảng Ngãi 2018: liệt kê các nội dung do Sở Ngoại vụ làm cơ quan chủ trì.", "vi")
    assert profile.registry and profile.agencies


def test_a_question_made_of_slot_words_goes_on_from_the_one_before(profiler):
    first = profiler.run("Quảng Ngãi năm 2018 tổ chức lớp tập huấn ngoại giao văn hóa cho những ai?", "vi")
    turn = Turn(first.question, first, plans=first.plans)
    profile = profiler.run("Cơ quan nào đứng ra tổ chức, ai hỗ trợ?", "vi", turn)
    assert profile.follow_up and profile.plans == first.plans and "huấn" in profile.searched


def test_a_value_asked_gets_a_short_answer_unless_it_is_asked_of_a_list(profiler):
    assert not profiler.run("Kế hoạch Quảng Ngãi 2018: nội dung tuyên truyền ở mục 1 giao cho cơ quan nào?",
                            "vi").wants_long
    assert profiler.run("every dak lak 2024 activity with Cambodia, with who leads each", "en").wants_long
    assert profiler.run("so sanh muc dich ke hoach gia lai va hai duong", "vi").compare


def test_money_typed_with_diacritics_asks_for_the_funding(profiler):
    assert profiler.run("Hải Dương: tiền làm ngoại giao văn hóa do các sở tự lo hay tỉnh cấp riêng?", "vi").slot \
        == "funding"
    assert profiler.run("Kế hoạch Gia Lai muốn tiếp thu văn hóa tiên tiến nào?", "vi").slot != "funding"


def test_registry_filters_said_in_users_words(profiler):
    ongoing = profiler.run("which Dak Lak tasks are ongoing all through 2024 (thuong xuyen)?", "en")
    assert ongoing.registry and ongoing.time and not ongoing.time.months
    assert profiler.run("How many tasks in the Dak Lak 2024 appendix need no extra funding?", "en").funding \
        == "khong phat sinh"
    group = profiler.run("nhom III doi ngoai nhan dan trong phu luc dak lak co may hoat dong, ke ra", "vi")
    assert group.section == ("Phụ lục", "III") and group.slot == "count" and group.registry
    assert profiler.run("everything involving Laos in Dak Lak's 2024 cultural diplomacy appendix?", "en").registry


def test_a_year_said_not_to_be_meant_is_not_asked(profiler):
    profile = profiler.run("which plans were made under the old strategy to 2020 rather than the 2030 one?", "en")
    assert profile.years == (2020,)


def test_a_count_of_people_in_a_month_is_a_detail_not_a_count_of_rows(profiler):
    people = profiler.run("bao nhieu hoc sinh lao duoc tang qua thang 12", "vi")
    assert people.slot == "count" and people.time and not people.registry and not people.counts_tasks
    rows = profiler.run("quy 3 co bao nhieu hoat dong voi Lao", "vi")
    assert rows.registry and rows.counts_tasks


def test_con_so_typed_without_diacritics_is_a_number_not_a_department(profiler):
    profile = profiler.run("muc tieu cu the den 2030 co con so nao ko", "vi")
    assert profile.slot != "lead" and not profile.asks_who


def test_a_summary_asks_for_no_one_value(profiler):
    # "giá trị" is a value in money too; in a summary it is the plan's own words ("giá trị văn hóa").
    profile = profiler.run("tóm tắt phần bảo tồn, phát huy giá trị di sản của Hải Dương", "vi")
    assert profile.outline and profile.slot != "amount"
    assert profiler.run("giá trị hợp đồng tổ chức lễ hội là bao nhiêu?", "vi").slot == "amount"


def test_a_summary_of_the_purpose_is_told_from_a_summary_of_the_rest(profiler):
    # The contract gives a summary more room than a purpose: the profile says which was asked.
    assert not profiler.run("tom tat nhiem vu svhttdl hai duong", "vi").purpose
    assert profiler.run("tóm tắt mục tiêu cụ thể của kế hoạch Hải Dương", "vi").purpose
    assert profiler.run("summarize the plan's aims", "en").purpose


def test_a_persons_title_is_the_signers_not_the_plans(profiler):
    assert profiler.run("what's her title?", "en").asks == ("signer",)
    assert profiler.run("chức vụ người ký kế hoạch Kon Rẫy?", "vi").slot == "signer"
    assert profiler.run("what is the title of the kon ray plan?", "en").slot == "title"


def test_officials_shorthand_for_funding_is_read(profiler):
    profile = profiler.run("su kien nay co ton kp ko", "vi")
    assert "kinh phí" in profile.searched and profile.slot == "funding"


def test_rows_counted_by_their_funding_ask_no_sum_of_money(profiler):
    profile = profiler.run("bao nhieu dong dung ngan sach nha nuoc, bao nhieu dong khong phat sinh kinh phi?", "vi")
    assert profile.slot == "count" and profile.by_funding and profile.funding is None
    one = profiler.run("bao nhiêu nhiệm vụ không phát sinh kinh phí?", "vi")
    assert one.funding == "khong phat sinh" and not one.by_funding


def test_tasks_held_abroad_are_told_from_people_living_abroad(profiler):
    assert profiler.run("kh dak lak co nhung viec nao to chuc o nuoc ngoai?", "vi").abroad
    assert profiler.run("which activities take place abroad?", "en").abroad
    assert not profiler.run("kế hoạch làm gì với cộng đồng người Việt Nam ở nước ngoài?", "vi").abroad


def test_a_country_of_several_syllables_is_read_in_lower_case(profiler):
    assert profiler.run("nhung viec voi myanmar trong kh quang ngai", "vi").countries == ("Myanmar",)
    assert profiler.run("phong lao dong huyen lam gi", "vi").countries == ()  # "lao" is also a syllable


@pytest.mark.parametrize("question, agency", [
    ("hoi huu nghi viet - lao lam nhung viec gi", "Hội Hữu nghị Việt Nam - Lào tỉnh"),
    ("hoi huu nghi viet - han lam nhung viec gi", "Hội Hữu nghị Việt Nam - Hàn Quốc tỉnh"),  # Hàn Quốc, shortened
])
def test_countries_shortened_in_an_agency_name(profiler, question, agency):
    assert [a.name for a in profiler.run(question, "vi").agencies] == [agency]


def test_a_party_body_is_named_without_its_level(profiler):
    names = {a.name for a in profiler.run("ban tuyen giao duoc de nghi lam gi", "vi").agencies}
    assert names == {"Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo Huyện ủy"}


def test_a_word_that_folds_to_a_question_word_is_kept_where_the_plans_write_it(profiler):
    # "thi" of "cuộc thi" (a contest) is not "thì"; typed bare, the plans' own phrase tells them apart.
    assert "thi" in profiler.run("co nhung cuoc thi nao", "vi").terms
    assert "thi" not in profiler.run("con so tai chinh thi sao", "vi").terms


def test_a_day_asked_is_a_time_finer_than_a_month(profiler):
    profile = profiler.run("Tết Bun Pi May tổ chức ngày nào?", "vi")
    assert profile.slot == "time" and profile.day
    assert not profiler.run("Tết Bun Pi May tổ chức khi nào?", "vi").day


def test_what_an_agency_is_given_asks_for_its_duties(profiler):
    assert profiler.run("so tai chinh hai duong duoc giao gi?", "vi").slot == "duties"
    assert profiler.run("viec nay giao cho ai?", "vi").slot == "lead"


def test_a_place_by_its_initials_beside_a_year_or_a_plan_word(profiler):
    assert profiler.run("kh dak lak va qn 2018 co gui bo ngoai giao ko", "vi").plans == (
        "dak-lak-2024-ke-hoach-ngoai-giao-van-hoa", "quang-ngai-2018-ke-hoach-ngoai-giao-van-hoa")
    assert profiler.run("kh hd muc 2.3 co gi", "vi").plans == ("hai-duong-ke-hoach-ngoai-giao-van-hoa-2030",)
    assert profiler.run("dl va kt co gi", "vi").plans == ()  # "du lịch", "kinh tế" alone


@pytest.mark.parametrize("question, slot", [
    ("kh gia lai ky ngay thang nam nao", "date"),  # "lai ky" holds no "ai ky" (who signed)
    ("kh gia lai ban hanh ngay nao", "date"),  # nor "lai ban hanh" "ai ban hanh" (who issued)
    ("ai ky kh gia lai", "signer"),
    ("giam doc so van hoa hai duong ten gi", "person"),
])
def test_slot_cues_are_whole_words(profiler, question, slot):
    assert profiler.run(question, "vi").slot == slot


def test_a_month_is_read_only_from_its_whole_name():
    assert time_asked("what is decision 979/QĐ-UBND that the plan builds on?") is None  # no December
    assert time_asked("tasks in sept 2024").months == {9}


def test_a_country_inside_a_province_name_is_not_the_country():
    from assistant.vocabulary import country_named
    assert not country_named("Lào", "Lao Cai plan 34 who issued it")
    assert country_named("Lào", "hop tac voi Lao nam 2024")


def test_words_asking_for_a_comparison_are_not_looked_for(wide_profiler):
    profile = wide_profiler.run("muc dich kh 603 kon tum va kh huyen kon ray giong nhau ko", "vi")
    assert set(profile.plans) == {"kon-tum-603-2022", "kon-ray-ke-hoach-ngoai-giao-van-hoa-2030"}
    assert profile.compare and set(profile.terms) == {"muc", "dich"}
    assert not {"compare", "differ"} & set(wide_profiler.run("compare the funding of gia lai and hai duong, "
                                                              "how do they differ?", "en").terms)


def test_chat_spellings_are_read_only_in_lower_case(wide_profiler):
    assert "ko" not in wide_profiler.run("kh dak lak co hoat dong voi nhat ban ko", "vi").terms
    assert "ko" in wide_profiler.run("Hoạt động với huyện Ko Nhéc do ai chủ trì?", "vi").terms


def test_a_count_knows_what_it_counts(wide_profiler):
    assert wide_profiler.run("doan di se kong gom bao nhieu nguoi?", "vi").counted == "nguoi"
    assert wide_profiler.run("the sweden anniversary - how many years?", "en").counted == "nam"


def test_the_plan_a_district_plan_implements_is_its_basis(wide_profiler):
    assert wide_profiler.run("kh huyen kon ray thuc hien theo kh nao cua tinh", "vi").slot == "basis"
    assert wide_profiler.run("tom tat phan to chuc thuc hien kh gia lai, moi noi lam gi", "vi").slot != "basis"


def test_a_follow_up_pointing_back_to_the_plan_asks_what_its_own_words_say(wide_profiler):
    first = wide_profiler.run("kh 275 tuyen quang noi ve cai gi?", "vi")
    turn = Turn(first.question, first, plans=first.plans)
    profile = wide_profiler.run("vay muc dich cua kh do la gi", "vi", turn)
    assert first.slot == "title" and profile.slot is None and profile.plans == first.plans
    assert wide_profiler.run("thế còn cái đó?", "vi", turn).slot == "title"


def test_the_names_the_plans_write_are_read_from_them(all_plans):
    from assistant.vocabulary import proper_names
    names = proper_names(all_plans)
    assert {"Suwon", "Kagoshima", "Viêng Chăn", "Kon Hà Nừng", "Yên Tử", "UNESCO", "Mondulkiri"} <= names
    # Words also written in lower case, the start of an agency's name, an initialism, the home country: not names.
    assert not {"Nhân dân", "Bộ Khoa", "Sở Văn", "HĐND", "UBND", "Việt Nam"} & names


@pytest.mark.parametrize("question, runs", [
    ("hai duong co quan nao chu tri trien khai kh ngoai giao vh den 2030?", True),
    ("Gia Lai vs Hai Duong: which department actually runs the plan in each?", True),
    ("co quan dau moi cua ke hoach la ai", True),
    ("ai chu tri hoat dong giao luu voi han quoc", False),
    ("who leads the Yoga event", False),
])
def test_who_runs_the_whole_plan_is_told_from_who_leads_a_task(wide_profiler, question, runs):
    assert wide_profiler.run(question, "vi").runs_plan is runs


@pytest.mark.parametrize("question, slot", [
    ("ket qua cuoc thi hung bien viet han dak lak 2024, ai giai nhat?", "outcome"),
    ("who won the japanese speech contest?", "outcome"),
    ("results of the plan get reported to which office?", "lead"),  # reporting the results is a duty, not an outcome
])
def test_how_an_activity_turned_out_is_its_own_slot(wide_profiler, question, slot):
    assert wide_profiler.run(question, "vi").slot == slot
