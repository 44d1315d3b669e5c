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
