"""The lexical index: tone placement, typing without diacritics, persistence, replacement."""
import threading
import time

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
    assert index.count() == db.execute("SELECT count(*) FROM chunks").fetchone()[0] == 10

    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 12)
    assert index._affordable(["văn", "khoản", "chiêng", "không_có"], "vi") == ["khoản"]
    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 100)
    assert index._affordable(["văn", "khoản", "chiêng", "không_có"], "vi") == ["khoản", "văn"]
    assert index.search("văn hóa khoản 3")[0].chunk_id == "a3"


def test_an_index_from_before_the_counts_and_row_ranges_gets_them_once(tmp_path):
    import sqlite3

    path = tmp_path / "lexical.sqlite"
    index = LexicalIndex(path)
    index.replace_plan("a", [("a1", "Lễ hội Cồng chiêng Tây Nguyên"), ("a2", "Lễ hội Đua voi")])
    index.replace_plan("b", [("b1", "Lễ hội Đua thuyền")])
    fresh = sorted(index._connect().execute("SELECT * FROM plan_rows"))
    totals = sorted(index._connect().execute("SELECT * FROM meta WHERE key IN ('rows', 'tokens')"))
    index.close()
    old = sqlite3.connect(path)  # as store version 1 left it: FTS5 rows only
    old.execute("DROP TABLE term_docs")
    old.execute("DROP TABLE plan_rows")
    old.execute("DELETE FROM meta WHERE key != 'schema'")
    old.commit()
    old.close()

    reopened = LexicalIndex(path)
    db = reopened._connect()
    assert sorted(db.execute("SELECT * FROM plan_rows")) == fresh == [("a", 1, 2), ("b", 3, 3)]
    assert sorted(db.execute("SELECT * FROM meta WHERE key IN ('rows', 'tokens')")) == totals
    assert reopened.document_frequencies(folded=False)["hội"] == 3
    assert reopened.search("cồng chiêng", plans=["a"])[0].chunk_id == "a1"
    reopened.replace_plan("a", [("a3", "Hội thi ẩm thực")])
    assert reopened.chunk_ids("a") == {"a3"} and reopened.chunk_ids("b") == {"b1"}


def test_search_within_plans_ranks_as_fts5_does(tmp_path, monkeypatch):
    """A question narrowed to a few plans is ranked in Python over their rows: same order as FTS5's bm25."""
    import index.lexical as lexical

    index = LexicalIndex(tmp_path / "lexical.sqlite")
    texts = ["Sở Văn hóa chủ trì tổ chức Lễ hội Cồng chiêng", "Lễ hội Đua voi tại huyện Buôn Đôn",
             "Sở Ngoại vụ chủ trì, phối hợp Sở Văn hóa tổ chức hội nghị", "Tổ chức lễ hội văn hóa các dân tộc",
             "Kinh phí thực hiện từ ngân sách tỉnh", "Hội nghị tổng kết công tác ngoại giao văn hóa"]
    for plan in ("a", "b", "c"):
        index.replace_plan(plan, [(f"{plan}{n}", f"{text} {plan}") for n, text in enumerate(texts)])
    for question in ("Sở Văn hóa chủ trì lễ hội nào?", "hội nghị ngoại giao văn hóa", "kinh phí"):
        monkeypatch.setattr(lexical, "SCOPED_ROWS", 2_000)
        within = index.search(question, 10, plans=["a", "c"])
        monkeypatch.setattr(lexical, "SCOPED_ROWS", 0)  # force FTS5 with a plan filter
        by_fts5 = index.search(question, 10, plans=["a", "c"])
        assert [h.chunk_id for h in within] == [h.chunk_id for h in by_fts5] and within
        assert all(abs(a.score - b.score) < 1e-6 * max(1, abs(b.score)) for a, b in zip(within, by_fts5))


def test_a_search_beside_an_ingest_sees_the_index_before_or_after_it(tmp_path):
    """While another thread replaces a plan again and again, a narrowed search scores with one committed
    state or the other, never a mix (a mix of row totals and term counts once made BM25 take a negative log)."""
    index = LexicalIndex(tmp_path / "lexical.sqlite")
    common = "kế hoạch ngoại giao văn hóa"
    states = [[(f"a{n}", f"{common} điều {n}") for n in range(40)], [(f"a{n}", f"{common} khoản") for n in range(3)]]
    index.replace_plan("b", [("b1", f"{common} Cồng chiêng"), ("b2", "Lễ hội đường phố")])
    committed = set()
    for rows in states:
        index.replace_plan("a", rows)
        committed.add(round(index.search("văn hóa cồng chiêng", plans=["b"])[0].score, 9))
    stop = threading.Event()

    def ingest():
        while not stop.is_set():
            for rows in states:
                index.replace_plan("a", rows)

    writer = threading.Thread(target=ingest)
    writer.start()
    seen = set()
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            seen.add(round(index.search("văn hóa cồng chiêng", plans=["b"])[0].score, 9))
    finally:
        stop.set()
        writer.join()
    assert seen and seen <= committed
