"""The lexical index: tone placement, typing without diacritics, persistence, replacement."""
from index.lexical import LexicalIndex, query_terms, terms


def test_old_and_new_tone_placement_are_one_term():
    assert "hóa" in terms("ngoại giao văn hoá")
    assert "giao_văn" in terms("ngoại giao văn hoá") and "văn_hóa" in terms("ngoại giao văn hoá")


def test_question_words_are_not_searched_for():
    assert "ai" not in query_terms("ai chủ trì?") and "chủ" in query_terms("ai chủ trì?")


def test_search_with_and_without_diacritics_persists_and_replaces(tmp_path):
    path = tmp_path / "lexical.sqlite"
    index = LexicalIndex(path)
    index.replace_plan("dak-lak", [("a", "Cuộc thi Hùng biện tiếng Nhật nhân dịp Quốc khánh Nhật Bản"),
                                   ("b", "Tết cổ truyền Bun Pi May Lào tại huyện Buôn Đôn")])
    index.replace_plan("gia-lai", [("c", "Sở Ngoại vụ chủ trì tổ chức triển khai Kế hoạch")])
    index.close()

    reopened = LexicalIndex(path)
    assert reopened.search("hùng biện tiếng Nhật")[0].chunk_id == "a"
    assert reopened.search("hung bien tieng nhat", folded=True)[0].chunk_id == "a"
    assert reopened.search("hung bien tieng nhat") == []  # unfolded column needs the marks
    assert [h.chunk_id for h in reopened.search("Buôn Đôn", plans=["gia-lai"])] == []

    reopened.replace_plan("dak-lak", [("d", "Chương trình nghệ thuật tại Lào")])
    assert reopened.chunk_ids("dak-lak") == {"d"}
    assert reopened.search("Buôn Đôn") == []
    assert reopened.chunk_ids("gia-lai") == {"c"}
    assert "buon" in reopened.vocabulary(folded=True) or "lao" in reopened.vocabulary(folded=True)
