"""Chunks follow the plan's structure and keep every word of it, within the length cap."""
import dataclasses

from index.chunks import MAX_CHARS, METADATA_SECTION, chunk_plan, split_sentences
from ingest.normalize import fold_diacritics


def _folded(text):
    return "".join(ch for ch in fold_diacritics(text).lower() if ch.isalnum())


def test_every_clause_is_in_a_chunk_and_no_chunk_is_too_long(txt_plans):
    for plan in txt_plans.values():
        chunks = chunk_plan(plan)
        assert all(len(c.text) <= MAX_CHARS for c in chunks), plan.key
        folded_chunks = [_folded(c.text) for c in chunks]
        for clause in plan.clauses:
            words = _folded(clause.text)
            # a long clause is split into sentence windows: each of its sentences is somewhere
            pieces = [_folded(s) for s in split_sentences(clause.text, 900)]
            assert any(words in f for f in folded_chunks) or all(any(p in f for f in folded_chunks)
                                                                  for p in pieces), (plan.key, clause.label)


def test_each_appendix_row_is_one_chunk_with_its_column_labels(txt_plans):
    chunks = chunk_plan(txt_plans["dak-lak-2024"])
    rows = [c for c in chunks if c.kind == "row"]
    assert len(rows) == 31
    row = next(c for c in rows if c.section == "Phụ lục › II › 10")
    assert "Jeonju (IFFE)" in row.text
    assert "Đơn vị chủ trì: Sở Văn hóa, Thể thao và Du lịch" in row.text
    assert "Thời gian thực hiện: Tháng 10/2024" in row.text
    assert row.text.startswith("Tăng cường ngoại giao văn hóa với các đối tác")  # its section heading leads
    assert "Đắk Lắk" in row.context and "34/KH-UBND" in row.context


def test_short_sibling_bullets_are_grouped_under_their_heading(txt_plans):
    chunks = chunk_plan(txt_plans["gia-lai"])
    foreign_affairs = [c for c in chunks if c.section.startswith("V › 2")]
    assert foreign_affairs, [c.section for c in chunks]
    first = foreign_affairs[0]
    assert first.kind == "group" and first.text.startswith("2. Sở Ngoại vụ\n- Chủ trì")
    assert first.text.count("\n- ") >= 2


def test_metadata_chunk_names_number_date_and_signer(txt_plans):
    meta = next(c for c in chunk_plan(txt_plans["dak-lak-2024"]) if c.section == METADATA_SECTION)
    assert "Số: 34/KH-UBND" in meta.text
    assert "Đắk Lắk, ngày 22 tháng 02 năm 2024" in meta.text
    assert "Võ Văn Cảnh" in meta.text and meta.page == 1


def test_ids_are_stable_and_change_only_with_content(txt_plans):
    plan = txt_plans["quang-ngai-2018"]
    first, again = chunk_plan(plan), chunk_plan(plan)
    assert [c.id for c in first] == [c.id for c in again]
    assert len({c.id for c in first}) == len(first)
    clauses = list(plan.clauses)
    target = next(i for i, c in enumerate(clauses) if c.label == "II › 3")
    clauses[target] = dataclasses.replace(clauses[target], text=clauses[target].text + " Bổ sung.")
    changed = chunk_plan(dataclasses.replace(plan, clauses=clauses))
    differing = {c.id for c in changed} ^ {c.id for c in first}
    assert differing and all("II › 3" in i for i in differing)


def test_a_long_sentence_run_is_split_at_sentence_ends():
    text = " ".join(f"Câu số {n} nói về ngoại giao văn hóa của tỉnh." for n in range(60))
    windows = split_sentences(text, 300)
    assert len(windows) > 5
    assert all(len(w) <= 300 for w in windows)
    assert all(w.rstrip().endswith(".") for w in windows)
