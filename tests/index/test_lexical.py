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


def test_term_counts_follow_every_write_and_bound_the_query(tmp_path, monkeypatch):
    """The per-term chunk counts kept beside FTS5 equal what FTS5 itself counts, after adding, replacing
    and deleting plans; a query keeps its rarest terms within the postings budget."""
    import index.lexical as lexical

    index = LexicalIndex(tmp_path / "lexical.sqlite")
    common = "kế hoạch ngoại giao văn hóa"
    index.replace_plan("a", [(f"a{n}", f"{common} điều {n}") for n in range(30)] + [("a-rare", f"{common} Cồng chiêng")])
    index.replace_plan("b", [(f"b{n}", f"{common} mục {n}") for n in range(20)])
    index.replace_plan("a", [(f"a{n}", f"{common} khoản {n}") for n in range(10)])
    index.delete_plan("b")
    db = index._connect()
    kept = sorted(db.execute("SELECT col, term, docs FROM term_docs"))
    counted = sorted(db.execute("SELECT col, term, doc FROM chunk_terms"))
    assert kept == counted and ("vi", "văn", 10) in kept and not any(t == "mục" for _, t, _ in kept)

    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 12)
    assert index._affordable(["văn", "khoản", "chiêng", "không_có"], "vi") == ["khoản"]
    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 100)
    assert index._affordable(["văn", "khoản", "chiêng", "không_có"], "vi") == ["khoản", "văn"]
    assert index.search("văn hóa khoản 3")[0].chunk_id == "a3"


def test_an_index_from_before_the_term_counts_gets_them_once(tmp_path):
    import sqlite3

    path = tmp_path / "lexical.sqlite"
    LexicalIndex(path).replace_plan("a", [("a1", "Lễ hội Cồng chiêng Tây Nguyên"), ("a2", "Lễ hội Đua voi")])
    old = sqlite3.connect(path)  # as version 1 left it: no counts
    old.execute("DROP TABLE term_docs")
    old.execute("DELETE FROM meta WHERE key = 'term_docs'")
    old.commit()
    old.close()
    reopened = LexicalIndex(path)
    assert reopened.document_frequencies(folded=False)["hội"] == 2
    assert reopened.search("cồng chiêng")[0].chunk_id == "a1"
