"""Who may use the app, and as what: readers ask; admins also upload, re-index and delete plans.

The users file (named by PLAN_ASSISTANT_USERS) is TOML:

    [users.lan]
    role = "admin"
    password_hash = "pbkdf2_sha256$..."   # python -m assistant add-user lan --role admin

With no users file the app runs open, for one person on localhost.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES = ("reader", "admin")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str


class Users:
    def __init__(self, users: dict[str, User]):
        self.users = users

    @classmethod
    def load(cls, path: str | Path | None) -> "Users":
        if not path:
            return cls({})
        with open(path, "rb") as f:
            data = tomllib.load(f).get("users", {})
        users = {}
        for name, entry in data.items():
            role = entry.get("role", "reader")
            if role not in ROLES:
                raise ValueError(f"{path}: user {name} has role {role!r}; roles are {', '.join(ROLES)}")
            users[name] = User(name, role, entry["password_hash"])
        return cls(users)

    @property
    def required(self) -> bool:
        return bool(self.users)

    def check(self, name: str, password: str) -> bool:
        user = self.users.get(name)
        return user is not None and verify_password(password, user.password_hash)

    def is_admin(self, name: str | None) -> bool:
        """Admins manage plans; with no users configured the single local user does."""
        if not self.required:
            return True
        user = self.users.get(name or "")
        return user is not None and user.role == "admin"


ITERATIONS = 200_000


def password_hash(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, ITERATIONS)
    return f"pbkdf2_sha256${ITERATIONS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(candidate.hex(), digest)


def add_user(path: Path, name: str, role: str, password: str) -> None:
    """Append or replace a user in the users file."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    data = {}
    if path.exists():
        with open(path, "rb") as f:
            data = tomllib.load(f).get("users", {})
    data[name] = {"role": role, "password_hash": password_hash(password)}
    lines = []
    for user, entry in data.items():
        lines += [f'[users."{user}"]', f'role = "{entry["role"]}"', f'password_hash = "{entry["password_hash"]}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
