"""Sessions and the brake on guessing passwords; in memory, per app process.

A login is refused without checking the password while its account or its address must wait: after a
few free failures each further one doubles the wait, and a run of them locks the account (or address)
for a while. A success clears the account's count and the address's.
"""
from __future__ import annotations

import math
import secrets
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    free: int  # failures allowed with no wait
    lockout: int  # failures that lock for lockout_s
    lockout_s: float
    first_wait_s: float = 1.0  # the wait after the first failure past the free ones; doubled each time

    def wait_after(self, failures: int) -> float:
        if failures >= self.lockout:
            return self.lockout_s
        if failures <= self.free:
            return 0.0
        return min(self.first_wait_s * 2 ** (failures - self.free - 1), self.lockout_s)


@dataclass
class _Record:
    failures: int = 0
    until: float = 0.0  # no try is checked before this time
    last: float = 0.0


class LoginGuard:
    MAX_RECORDS = 10_000  # names nobody has are counted too; past this many, forgotten oldest first

    def __init__(self, account: Limit, address: Limit, clock=time.monotonic):
        self.limits = {"account": account, "address": address}
        self.clock = clock
        self.records: dict[tuple[str, str], _Record] = {}
        self.lock = threading.Lock()

    def _keys(self, name: str, address: str) -> list[tuple[str, str]]:
        return [("account", name.casefold()), ("address", address)]

    def wait(self, name: str, address: str) -> tuple[float, str]:
        """(seconds before this account may try from this address, "account" or "address"); 0 to try now."""
        now = self.clock()
        with self.lock:
            waits = [(record.until - now, kind) for kind, key in self._keys(name, address)
                     if (record := self.records.get((kind, key))) and record.until > now]
        return max(waits, default=(0.0, ""))

    def failed(self, name: str, address: str) -> list[tuple[str, float]]:
        """Count a wrong password; returns the (kind, seconds) of each lockout this failure starts."""
        now = self.clock()
        locked = []
        with self.lock:
            for kind, key in self._keys(name, address):
                limit = self.limits[kind]
                record = self.records.get((kind, key))
                # A quiet spell forgives; twice the lockout, so the try just after a lockout is not a fresh start.
                if record is None or now - record.last > 2 * limit.lockout_s:
                    record = self.records[(kind, key)] = _Record()
                record.failures += 1
                record.last = now
                wait = limit.wait_after(record.failures)
                record.until = now + wait
                if record.failures == limit.lockout:
                    locked.append((kind, wait))
            if len(self.records) > self.MAX_RECORDS:
                for stale in sorted(self.records, key=lambda k: self.records[k].last)[:len(self.records) // 10]:
                    del self.records[stale]
        return locked

    def succeeded(self, name: str, address: str) -> None:
        with self.lock:
            for key in self._keys(name, address):
                self.records.pop(key, None)


def retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds))


class Sessions:
    """Random tokens to user names, each good for `lifetime_s` from the login."""

    def __init__(self, lifetime_s: float, clock=time.monotonic):
        self.lifetime_s = lifetime_s
        self.clock = clock
        self.tokens: dict[str, tuple[str, float]] = {}
        self.lock = threading.Lock()

    def open(self, user: str) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            now = self.clock()
            for old in [t for t, (_, expires) in self.tokens.items() if expires <= now]:
                del self.tokens[old]
            self.tokens[token] = (user, now + self.lifetime_s)
        return token

    def user(self, token: str | None) -> str | None:
        if not token:
            return None
        with self.lock:
            entry = self.tokens.get(token)
            if entry is None:
                return None
            if entry[1] <= self.clock():
                del self.tokens[token]
                return None
            return entry[0]

    def close(self, token: str | None) -> None:
        with self.lock:
            self.tokens.pop(token or "", None)
