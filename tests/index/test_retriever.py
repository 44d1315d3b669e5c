"""Retrieval over the five sample plans with the real model, real Chroma and the lexical index."""
from index.embedders import SentenceTransformerEmbedder
from index.plan_index import PlanIndex
from index.plans import StoreError
from index.retriever import Filters

import pytest


def _sections(retrieval, n=5):
    return [(item.chunk.plan.split("-ke-hoach")[0], item.chunk.section) for item in retrieval.items[:n]]


def test_english_question_finds_the_korean_rows(sample_assistant):
    retrieval = sample_assistant.search("Which agency leads Korean exchange in 2024?")
    assert retrieval.language == "en"
    top = _sections(retrieval, 3)
    assert ("dak-lak-2024", "Phụ lục › III › 7") in top or ("dak-lak-2024", "Phụ lục › III › 8") in top
    assert retrieval.plans == ["dak-lak-2024-ke-hoach-ngoai-giao-van-hoa"]
    assert any("2024" in note for note in retrieval.notes)


def test_question_without_diacritics_finds_the_row(sample_assistant):
    retrieval = sample_assistant.search("ai chu tri cuoc thi hung bien tieng Nhat o Dak Lak?")
    assert retrieval.language == "vi" and retrieval.folded
    assert ("dak-lak-2024", "Phụ lục › III › 5") in _sections(retrieval, 3)
    assert "Hội Hữu nghị Việt Nam - Nhật Bản tỉnh" in retrieval.items[0].chunk.text or \
        "Hội Hữu nghị Việt Nam - Nhật Bản tỉnh" in retrieval.items[1].chunk.text


def test_vietnamese_agency_question_finds_its_clause(sample_assistant):
    retrieval = sample_assistant.search("Huyện Kon Rẫy giao phòng nào bồi dưỡng kiến thức văn hóa cho công dân "
                                        "đi lao động nước ngoài?")
    assert retrieval.plans == ["kon-ray-ke-hoach-ngoai-giao-van-hoa-2030"]
    assert any("Phòng Lao động - Thương binh và Xã hội" in i.chunk.text for i in retrieval.items[:3])


def test_a_year_with_no_plan_is_reported_not_filtered(sample_assistant):
    retrieval = sample_assistant.search("Kế hoạch ngoại giao văn hóa năm 2025 của Quảng Ngãi có những hoạt động gì?")
    assert retrieval.plans == ["quang-ngai-2018-ke-hoach-ngoai-giao-van-hoa"]
    assert any("2025" in note for note in retrieval.notes)


def test_explicit_filters_limit_every_result(sample_assistant):
    retrieval = sample_assistant.search("Sở Tài chính có trách nhiệm gì?", k=10,
                                        filters=Filters(plans=("hai-duong-ke-hoach-ngoai-giao-van-hoa-2030",)))
    assert len(retrieval.items) == 10
    assert {i.chunk.plan for i in retrieval.items} == {"hai-duong-ke-hoach-ngoai-giao-van-hoa-2030"}
    assert [i.score for i in retrieval.items] == sorted((i.score for i in retrieval.items), reverse=True)


def test_no_chunk_is_cut_by_the_model(sample_assistant, txt_plans):
    from index.chunks import chunk_plan
    embedder = sample_assistant.index.embedder
    longest = max((c for p in txt_plans.values() for c in chunk_plan(p)), key=lambda c: len(c.text) + len(c.context))
    assert embedder.count_tokens(f"title: {longest.context} | text: {longest.text}") < embedder.max_tokens()


def test_reingest_embeds_only_changes_and_removes_stale_chunks(tmp_path, txt_plans, sample_assistant):
    import dataclasses
    index = PlanIndex(tmp_path / "store", sample_assistant.index.embedder)
    plan = txt_plans["quang-ngai-2018"]
    first = index.add(plan)
    assert first.embedded == first.chunks > 10
    assert index.add(plan).embedded == 0
    clauses = [dataclasses.replace(c, text=c.text + " Nội dung sửa đổi.") if c.label == "II › 3" else c
               for c in plan.clauses]
    changed = dataclasses.replace(plan, clauses=clauses)
    change = index.add(changed)
    assert change.embedded == 1 and change.removed == 1
    assert index.vectors.count() == first.chunks
    assert len(index.lexical.chunk_ids(plan.key)) == first.chunks
    as_pdf = index.add(dataclasses.replace(changed, document=f"{plan.key}.pdf"))  # same words, from a PDF
    assert as_pdf.embedded == 1  # only the document-information chunk, which names the file
    stored = index.vectors.get(sorted(index.vectors.ids(plan.key)))
    assert stored and all(c.document.endswith(".pdf") for c in stored)
    index.remove(plan.key)
    assert index.vectors.count() == 0 and not index.lexical.chunk_ids(plan.key)


def test_a_store_embedded_with_another_model_is_refused(sample_store):
    other = PlanIndex(sample_store, SentenceTransformerEmbedder("/models/some-other-model"))
    with pytest.raises(StoreError, match="embeddinggemma-300m.*some-other-model"):
        other.check_model()


@pytest.mark.parametrize("question, language, folded", [
    ("yoga day dak lak who is in charge", "en", False),
    ("When was Đắk Lắk's plan No. 34/KH-UBND issued?", "en", False),
    ("to chuc doan di Mondulkiri do ai chu tri", "vi", True),
    ("Sở Tài chính có trách nhiệm gì?", "vi", False),
])
def test_language_of_the_question(sample_assistant, question, language, folded):
    assert sample_assistant.retriever.language(question) == (language, folded)


def test_plans_the_question_names_are_not_narrowed_again_by_its_place_names(sample_assistant):
    # Kon Rẫy is a district of Kon Tum: the province named beside it would stand for the district alone.
    both = ("kon-tum-603-2022", "kon-ray-ke-hoach-ngoai-giao-van-hoa-2030")
    question = "muc dich kh 603 kon tum va kh huyen kon ray giong nhau ko"
    assert sample_assistant.search(question, filters=Filters(plans=both)).plans == [both[1]]
    named = sample_assistant.search(question, filters=Filters(plans=both, named=True))
    assert set(named.plans) == set(both) and named.narrowed
    assert {i.chunk.plan for i in named.items} == set(both)
