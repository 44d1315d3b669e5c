"""The command line, run as a user runs it: a real process on real files."""
import json
import shutil
import subprocess
import sys

from tests.render_samples import PLANS_DIR


def run(*args):
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, timeout=300)


def test_ingest_folder_then_list_tasks(tmp_path, rendered):
    store = tmp_path / "store"
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(rendered["dak-lak-2024"]["pdf"], folder)
    shutil.copy(rendered["quang-ngai-2018"]["docx"], folder)
    shutil.copy(next(PLANS_DIR.glob("kon-ray*.txt")), folder)
    result = run("ingest", str(folder), "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert "Ingested 3 plan(s)" in result.stdout

    listed = run("tasks", "--store", str(store), "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    korean = [r for r in rows if "Hàn Quốc" in r["lead"]]
    assert {r["section"] for r in korean} == {"Phụ lục › III › 7", "Phụ lục › III › 8"}
    row = korean[0]
    assert row["document"] == "dak-lak-2024-ke-hoach-ngoai-giao-van-hoa.pdf"
    assert set(row) >= {"document", "section", "row", "content", "lead", "cooperating", "time", "funding", "page"}
    assert row["time"] == "Trong năm 2024" and row["page"] >= 3
    assert any(r["document"].endswith(".docx") and r["lead"] == "Sở Ngoại vụ" for r in rows)


def test_bad_files_fail_one_line_each_and_good_files_still_go_in(tmp_path):
    store = tmp_path / "store"
    good = next(PLANS_DIR.glob("gia-lai*.txt"))
    assert run("ingest", str(good), "--store", str(store)).returncode == 0
    before = (store / "plans" / f"{good.stem}.json").read_bytes()

    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    fake = tmp_path / "fake.docx"
    fake.write_text("not a word file")
    other = next(PLANS_DIR.glob("hai-duong*.txt"))
    result = run("ingest", str(empty), str(other), str(fake), "--store", str(store))
    assert result.returncode == 1
    failures = [line for line in result.stderr.splitlines() if line.startswith("FAILED")]
    assert failures == ["FAILED empty.pdf: empty file (0 bytes)",
                        "FAILED fake.docx: not a DOCX file despite its .docx name"]
    assert "Ingested 1 plan(s)" in result.stdout
    assert sorted(p.stem for p in (store / "plans").glob("*.json")) == sorted([good.stem, other.stem])
    assert (store / "plans" / f"{good.stem}.json").read_bytes() == before


def test_search_json_lists_clauses_best_first(sample_store):
    result = run("search", "Which agency leads Korean exchange in 2024?", "--store", str(sample_store), "--json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["question"] == "Which agency leads Korean exchange in 2024?"
    items = printed["retrieved"]
    assert len(items) == 10
    assert set(items[0]) >= {"document", "section", "page", "text", "score"}
    assert any(i["section"] in ("Phụ lục › III › 7", "Phụ lục › III › 8") for i in items[:3])


def test_ask_batch_answers_each_line_with_latency(sample_store, tmp_path):
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"id": "a", "question": "hoi cho IFFE jeonju dak lak tham gia thang may?"},
        {"id": "b", "question": "Thế còn thời gian?",
         "history": [{"role": "user", "content": "Ai chủ trì Tết cổ truyền Bun Pi May Lào ở Buôn Đôn?"}]},
    ]) + "\n", encoding="utf-8")
    result = run("ask", "--batch", str(questions), "--json", "--store", str(sample_store))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    for line in lines:
        assert set(line) >= {"answer", "abstained", "citations", "retrieved", "latency_ms"}
        assert len(line["retrieved"]) >= 10 and line["latency_ms"] > 0
    assert "Tháng 10/2024" in lines[0]["retrieved"][0]["text"]
    assert any("Bun Pi May" in r["text"] for r in lines[1]["retrieved"][:3])


def test_eval_prints_retrieval_scores_by_language(sample_store, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "lang": "en", "type": "timing", "docs": ["dak-lak-2024"],
                                "question": "When is the IFFE Jeonju fair for Dak Lak?",
                                "evidence": ["Hội chợ Triển lãm Sản phẩm lên men quốc tế Jeonju (IFFE) năm"],
                                "must_include": ["Tháng 10/2024"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run("eval", "--gold", str(gold), "--store", str(sample_store))
    assert result.returncode == 0, result.stderr
    assert "hit@5                    1.0" in result.stdout
    assert "by lang" in result.stdout and "en " in result.stdout
