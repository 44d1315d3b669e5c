"""Who may use the app, and as what: readers ask; admins also upload, re-index and delete plans.

The users file (named by PLAN_ASSISTANT_USERS) is TOML:

    [users.lan]
    role = "admin"
    password_hash = "pbkdf2_sha256$..."   # python -m assistant add-user lan --role admin

With no users file the app runs open, for one person on localhost. `add_user` writes the file
atomically, readable by its owner only (0600), and reads it back before putting it in place.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import os
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from index.plans import write_atomic

ROLES = ("reader", "admin")
MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 64


class UserError(ValueError):
    """A name, role or password the users file refuses; the message says why."""


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
        """As slow for a name nobody has as for a wrong password, so the time tells no name apart."""
        user = self.users.get(name)
        matched = verify_password(password, user.password_hash if user else _dummy_hash())
        return user is not None and matched

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


@functools.cache
def _dummy_hash() -> str:
    """Checked for unknown names; made on first need, not at import (the command line imports this module)."""
    return password_hash(os.urandom(16).hex())


def check_name(name: str) -> None:
    if not name or name != name.strip():
        raise UserError("a user name must not be empty nor begin or end with a space")
    if len(name) > MAX_NAME_LENGTH:
        raise UserError(f"a user name has at most {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise UserError("a user name must not hold control or invisible characters")


def check_password(name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters "
                        f"(this one has {len(password)})")
    if name.casefold() in password.casefold():
        raise UserError("the password must not contain the user name")


def add_user(path: Path, name: str, role: str, password: str) -> None:
    """Add or replace a user in the users file (raises UserError, the file untouched, when refused)."""
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    check_name(name)
    check_password(name, password)
    path = Path(path)
    data = {}
    if path.exists():
        with open(path, "rb") as f:
            data = tomllib.load(f).get("users", {})
    data[name] = {"role": role, "password_hash": password_hash(password)}
    text = "".join(f"[users.{toml_string(user)}]\nrole = {toml_string(entry['role'])}\n"
                   f"password_hash = {toml_string(entry['password_hash'])}\n\n" for user, entry in data.items())
    if tomllib.loads(text).get("users") != data:
        raise UserError(f"the users file would not read back as written; {path} is unchanged")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text, mode=0o600)  # the hashes stay private at every moment


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly, whatever it holds."""
    return '"' + "".join(_ESCAPES.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch)
                         for ch in text) + '"'

