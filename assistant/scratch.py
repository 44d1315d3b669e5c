"""The one folder for temporary files: downloads handed out and Gradio's upload cache.

    <temp_dir>/                    default <store>/tmp
      <process>/                   one per running app process, held by a lock on <process>.lock
        gradio/                    Gradio's cache (GRADIO_TEMP_DIR): uploads, files handed to the browser
        exports/<digest>/<name>    the CSV and XLSX files the app writes for download

At start the folders of processes that no longer run are removed (a crash or kill -9 leaves its files
behind); while the app runs, any file older than `max_age_s` goes, every quarter of that age. Several app
processes may share one store: each keeps and sweeps its own folder only.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path


class Scratch:
    def __init__(self, root: str | Path, max_age_s: float):
        self.root = Path(root)
        self.max_age_s = max_age_s
        self.root.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(dir=self.root, prefix=f"{os.getpid()}-"))
        self._lock = open(self.folder.with_suffix(".lock"), "w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self._stop = threading.Event()

    @property
    def gradio_cache(self) -> Path:
        return self.folder / "gradio"

    def keep(self, name: str, identity: str, write: Callable[[Path], object]) -> Path:
        """The file `name` whose content `identity` determines, written by `write(path)` unless it is there
        already (then it lives another max_age_s): the same table asked for twice is one file."""
        folder = self.folder / "exports" / hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
        path = folder / name
        if path.is_file():
            os.utime(path)
            return path
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{os.getpid()}-{threading.get_ident()}-{name}"
        try:
            write(tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def remove_abandoned(self) -> list[Path]:
        """The folders of app processes that have ended (their lock is free); returns them."""
        removed = []
        for lock in self.root.glob("*.lock"):
            folder = lock.with_suffix("")
            if folder == self.folder:
                continue
            with open(lock, "a") as held:
                try:
                    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # that process still runs
                shutil.rmtree(folder, ignore_errors=True)
                lock.unlink(missing_ok=True)
                removed.append(folder)
        return removed

    def sweep(self, now: float | None = None) -> int:
        """Remove this process's files older than max_age_s (by the later of mtime and ctime: a copy made
        now of an old file is new) and the folders below gradio/ and exports/ they leave empty; returns how many files went."""
        now = time.time() if now is None else now
        removed = 0
        for dirpath, dirnames, filenames in os.walk(self.folder, topdown=False):
            for name in filenames:
                path = Path(dirpath) / name
                try:
                    info = path.lstat()
                    if now - max(info.st_mtime, info.st_ctime) > self.max_age_s:
                        path.unlink()
                        removed += 1
                except FileNotFoundError:
                    continue
            if Path(dirpath).parent != self.folder and Path(dirpath) != self.folder:
                try:
                    os.rmdir(dirpath)  # only when empty
                except OSError:
                    pass
        return removed

    def start(self) -> None:
        """Clean what ended processes left, then sweep on a schedule in a daemon thread."""
        self.remove_abandoned()
        threading.Thread(target=self._run, name="scratch-sweeper", daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(max(self.max_age_s / 4, 1.0)):
            try:
                self.sweep()
            except OSError:
                logging.exception("sweeping %s failed", self.folder)

    def close(self) -> None:
        """Stop sweeping and remove this process's folder."""
        self._stop.set()
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.with_suffix(".lock").unlink(missing_ok=True)
        self._lock.close()
