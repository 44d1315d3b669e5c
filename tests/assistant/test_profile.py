"""Reading a question: shorthand, plan numbers, slots, times and places (no model needed)."""
import pytest

from assistant.profile import Profiler
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


@pytest.mark.parametrize("question, months, year", [
    ("Những nhiệm vụ nào của Đắk Lắk thực hiện trong Quý III/2024?", {7, 8, 9}, 2024),
    ("quy 3 co viec gi?", {7, 8, 9}, None),
    ("What is due in October 2024 in the Dak Lak plan?", {10}, 2024),
    ("t10 co hoat dong gi", {10}, None),
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
