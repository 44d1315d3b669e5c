"""EmbeddingGemma as one ONNX graph, exported once from the verified weights.

ONNX Runtime computes the same vectors as sentence-transformers (cosine above
0.99999, tests/index/test_embedders.py) in about half the time on this CPU, for
questions and passages alike (bench/embedding.py). The graph goes from token
ids and padding mask to the normalised sentence embedding: the transformer,
mean pooling, the two dense layers and the normalisation. The attention masks
are built inside the graph from the padding mask, because the mask builders of
transformers do not trace.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path

import torch

from index.models import graph_stamp


class SentenceEncoder(torch.nn.Module):
    """tokens -> normalised embedding, the same computation as EmbeddingGemma's sentence-transformers modules."""

    def __init__(self, model):
        super().__init__()
        self.transformer = model[0].auto_model
        self.dense = torch.nn.ModuleList([model[2], model[3]])
        self.window = self.transformer.config.sliding_window

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        length = input_ids.shape[1]
        keys = attention_mask.bool()[:, None, None, :]
        positions = torch.arange(length)
        near = (positions[:, None] - positions[None, :]).abs() < self.window
        # EmbeddingGemma attends both ways: every real token in full layers, within the window in sliding ones.
        masks = {"full_attention": keys.expand(-1, 1, length, length), "sliding_attention": keys & near}
        hidden = self.transformer(input_ids=input_ids, attention_mask=masks).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        features = {"sentence_embedding": (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)}
        for dense in self.dense:
            features = dense(features)
        return torch.nn.functional.normalize(features["sentence_embedding"], dim=-1)


def export_onnx(folder: Path, target: Path, source: str) -> Path:
    """Export the sentence-transformers model in `folder` to the folder `target`: `model.onnx`, its
    weights beside it in `model.onnx.data`, and a file `exported` naming `source` and the file sizes. The folder is
    replaced in one step, so a reader never sees half an export."""
    import onnx
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu", model_kwargs={"torch_dtype": torch.float32})
    encoder = SentenceEncoder(model).eval()
    # Two texts of different lengths, so the traced graph takes the padded path.
    sample = model.tokenizer(["task: search result | query: Sở Tài chính có trách nhiệm gì?", "Gia Lai"],
                             padding=True, return_tensors="pt")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as partial:
        partial = Path(partial)
        traced = partial / "traced.onnx"
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer notes about shapes read as Python numbers
            torch.onnx.export(
                encoder, (sample["input_ids"], sample["attention_mask"]), str(traced), dynamo=False,
                opset_version=18, input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                              "sentence_embedding": {0: "batch"}})
        # Weights in their own file, which ONNX Runtime maps into memory: it loads in 2 s instead of 6,
        # and of the 262k-row embedding table only the rows in use become resident (~0.8 GB less RAM).
        graph = onnx.load(str(traced))
        traced.unlink()
        ready = partial / "graph"
        ready.mkdir()
        onnx.save_model(graph, str(ready / "model.onnx"), save_as_external_data=True,
                        all_tensors_to_one_file=True, location="model.onnx.data")
        (ready / "exported").write_text(graph_stamp(ready, source))
        if target.exists():
            shutil.rmtree(target)
        os.replace(ready, target)
    return target / "model.onnx"
