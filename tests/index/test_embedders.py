"""The ONNX Runtime embedder gives the vectors sentence-transformers gives, so stores built by either are shared."""
import numpy as np
import pytest

from index.embedders import OnnxEmbedder, SentenceTransformerEmbedder, make_embedder
from index.models import EMBEDDINGGEMMA, ONNX_FOLDER, ONNX_GRAPH_VERSION, SliceManifest, default_cache, graph_stamp

QUESTIONS = ["Sở Tài chính có trách nhiệm gì?", "ai chu tri cuoc thi hung bien tieng Nhat o Dak Lak?",
             "Which agency leads Korean exchange in 2024?", "Kinh phí", "🇻🇳🎉"]


@pytest.fixture(scope="module")
def both():
    return OnnxEmbedder(threads=2), SentenceTransformerEmbedder(threads=2)


def test_questions_get_the_same_vectors(both):
    onnx, torch = both
    for question in QUESTIONS:
        assert float(np.dot(onnx.embed_query(question), torch.embed_query(question))) > 0.9999, question


def test_passages_of_every_length_get_the_same_vectors_in_one_padded_batch(both, txt_plans):
    onnx, torch = both
    from index.chunks import chunk_plan

    chunks = chunk_plan(txt_plans["gia-lai"])[:5]
    texts = [c.text for c in chunks] + ["ngắn", "Kế hoạch giao lưu văn hóa " * 500]  # past 2,048 tokens: cut
    titles = [c.context for c in chunks] + ["Phụ lục", "Kế hoạch"]
    assert onnx.count_tokens(texts[-1]) == torch.count_tokens(texts[-1]) > onnx.max_tokens() == 2048
    got, expected = onnx.embed_documents(texts, titles), torch.embed_documents(texts, titles)
    assert got.shape == expected.shape == (7, 768)
    assert np.all(np.sum(got * expected, axis=1) > 0.9999)
    assert np.allclose(np.linalg.norm(got, axis=1), 1, atol=1e-5)


def test_both_record_one_model_name_in_the_store(both):
    onnx, torch = both
    assert onnx.name == torch.name == EMBEDDINGGEMMA


def test_the_graph_was_exported_from_the_cached_weights():
    graph = default_cache() / EMBEDDINGGEMMA / ONNX_FOLDER
    assert (graph / "exported").is_file(), "the test command exports it (python -m index.models fetch)"
    source = f"{SliceManifest.read().model_sha256} graph {ONNX_GRAPH_VERSION}"
    assert (graph / "exported").read_text() == graph_stamp(graph, source)


def test_a_graph_cut_short_no_longer_matches_its_stamp(tmp_path):
    (tmp_path / "model.onnx").write_bytes(b"graph")
    (tmp_path / "model.onnx.data").write_bytes(b"weights" * 100)
    stamp = graph_stamp(tmp_path, "sha graph 1")
    assert graph_stamp(tmp_path, "sha graph 1") == stamp
    with open(tmp_path / "model.onnx.data", "r+b") as data:
        data.truncate(300)  # what a full disk or an interrupted copy leaves
    assert graph_stamp(tmp_path, "sha graph 1") != stamp
    (tmp_path / "model.onnx.data").unlink()
    assert graph_stamp(tmp_path, "sha graph 1") != stamp


def test_runtime_is_chosen_by_configuration():
    assert isinstance(make_embedder(), OnnxEmbedder)
    assert isinstance(make_embedder(runtime="torch"), SentenceTransformerEmbedder)
    with pytest.raises(ValueError, match="embedding_runtime"):
        make_embedder(runtime="tensorflow")
