"""How much each user has uploaded lately: a size and a count quota over a rolling window, in memory.

Uploaded files wait in the app's temporary folder until they are ingested or swept (assistant/scratch.py,
after the same window), so what one user may have there at once is bounded by the quota.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class UploadQuota:
    max_bytes: int
    max_files: int
    window_s: float

    def describe(self) -> str:
        return (f"{self.max_bytes / 2**20:g} MB, {self.max_files} tệp / files "
                f"trong / per {self.window_s / 60:g} phút / min")


@dataclass(frozen=True)
class Room:
    bytes: int
    files: int


class UploadLedger:
    def __init__(self, quota: UploadQuota):
        self.quota = quota
        self._spent: dict[str, deque[tuple[float, int, int]]] = {}  # user -> (time, bytes, files)
        self._lock = threading.Lock()

    def room(self, user: str, now: float | None = None) -> Room:
        """What `user` may still upload in the current window."""
        now = time.monotonic() if now is None else now
        with self._lock:
            spent = self._spent.get(user)
            if spent is None:
                return Room(self.quota.max_bytes, self.quota.max_files)
            while spent and now - spent[0][0] > self.quota.window_s:
                spent.popleft()
            if not spent:
                del self._spent[user]
            return Room(self.quota.max_bytes - sum(s[1] for s in spent),
                        self.quota.max_files - sum(s[2] for s in spent))

    def spend(self, user: str, size: int, files: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._spent.setdefault(user, deque()).append((now, size, files))
