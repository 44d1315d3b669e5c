"""The one temporary folder: files in it go after their age, and what ended processes left goes at start."""
from __future__ import annotations

import os
import subprocess
import sys
import time

from assistant.quota import UploadLedger, UploadQuota
from assistant.scratch import Scratch


def test_the_same_table_is_one_file_and_old_files_are_swept(tmp_path):
    scratch = Scratch(tmp_path / "tmp", max_age_s=60)
    writes = []

    def write(path):
        writes.append(path)
        path.write_text("a,b\n", encoding="utf-8")

    first = scratch.keep("tasks.csv", "rows 1", write)
    assert scratch.keep("tasks.csv", "rows 1", write) == first and len(writes) == 1
    other = scratch.keep("tasks.csv", "rows 2", write)
    assert other != first and first.parent.parent == scratch.folder / "exports"
    uploaded = scratch.gradio_cache / "abc123" / "plan.pdf"
    uploaded.parent.mkdir(parents=True)
    uploaded.write_bytes(b"%PDF-1.4")
    assert scratch.sweep() == 0
    assert scratch.sweep(now=time.time() + 61) == 3
    assert not first.exists() and not uploaded.exists() and not uploaded.parent.exists()
    assert (scratch.folder / "exports").is_dir() and scratch.gradio_cache.is_dir()
    scratch.close()
    assert not scratch.folder.exists()


def test_at_start_the_folders_of_ended_processes_go_and_a_running_ones_stay(tmp_path):
    root = tmp_path / "tmp"
    killed = subprocess.run([sys.executable, "-c", "import os, sys; from assistant.scratch import Scratch; "
                             f"s = Scratch({str(root)!r}, 60); (s.folder / 'left.csv').write_text('x'); "
                             "print(s.folder); os._exit(0)"], capture_output=True, text=True, check=True,
                            cwd=os.getcwd())
    left = root / os.path.basename(killed.stdout.strip())
    running = Scratch(root, 60)
    (running.folder / "mine.csv").write_text("x")
    assert left.is_dir()
    starting = Scratch(root, 60)
    starting.start()
    assert not left.exists() and not (root / f"{left.name}.lock").exists()
    assert (running.folder / "mine.csv").exists()
    starting.close()
    running.close()


def test_the_upload_ledger_counts_size_and_files_over_a_rolling_window():
    ledger = UploadLedger(UploadQuota(max_bytes=100, max_files=3, window_s=60))
    ledger.spend("lan", 70, 2, now=0)
    room = ledger.room("lan", now=10)
    assert (room.bytes, room.files) == (30, 1)
    assert (ledger.room("minh", now=10).bytes, ledger.room("minh", now=10).files) == (100, 3)
    assert ledger.room("lan", now=61).bytes == 100
