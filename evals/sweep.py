"""`python -m evals.sweep`: choose retrieval/chunking defaults on the dev split; writes results/sweep.md."""

from __future__ import annotations

import itertools
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from core.offline import go_offline


def main() -> int:
    go_offline()
    from core.settings import Settings
    from evals.gold import load_gold
    from evals.report import RESULTS_DIR
    from evals.scoring import summarise
    from evals.systems import ours
    from indexer.build import build_index
    from indexer.embedding import PianoEmbedding
    from server.startup import build_assistant

    base = Settings()
    gold = load_gold()
    dev = [g for g in gold if g.split == "dev"]
    embedder = PianoEmbedding.from_settings(base)
    lines = [
        "# Sweep sul sottoinsieme dev",
        "",
        "Riproduci con `python -m evals.sweep`. Metriche di recupero (domande con risposta).",
        "",
    ]

    tmp = Path(tempfile.mkdtemp(prefix="piano-sweep-"))
    lines += [
        "## Dimensione dei passaggi e raggruppamento delle liste",
        "",
        "| chunk_max_tokens | list_max_items | passaggi | hit@1 | hit@5 | MRR | frase in risposta |",
        "|---|---|---|---|---|---|---|",
    ]
    for max_tokens, list_items in [(96, 12), (160, 12), (256, 12), (384, 12), (256, 40), (256, 6)]:
        data = tmp / f"d{max_tokens}-{list_items}"
        data.mkdir()
        if base.embed_cache_path.exists():
            shutil.copy(base.embed_cache_path, data / "embeddings.sqlite")
        s = base.updated(
            **{"data_dir": data, "chunk_max_tokens": max_tokens, "list_max_items": list_items}
        )
        build_index(s, embedder, progress=False)
        if base.embed_cache_path.exists():  # keep what was embedded for the next run
            shutil.copy(data / "embeddings.sqlite", base.embed_cache_path)
        a = build_assistant(s, embedder)
        m = summarise([ours(a)(g) for g in dev])
        lines.append(
            f"| {max_tokens} | {list_items} | {a.manifest.chunks} | {m['hit@1']} | "
            f"{m['hit@5']} | {m['mrr']} | {m['phrase_in_answer']} |"
        )
        print(lines[-1], file=sys.stderr)

    assistant = build_assistant(base, embedder)
    lines += [
        "",
        f"## Fusione e diversità (passaggi da {base.chunking.max_tokens} token)",
        "",
        "| dense_weight | bm25_weight | max_per_doc | rrf_k | hit@1 | hit@5 | MRR |",
        "|---|---|---|---|---|---|---|",
    ]
    for dw, bw, cap, k in itertools.product((1.0, 0.7), (1.0, 0.7), (2, 3, 5, 10), (20, 60)):
        assistant.retriever.params = base.retrieval.model_copy(
            update={"dense_weight": dw, "bm25_weight": bw, "max_per_doc": cap, "rrf_k": k}
        )
        m = summarise([ours(assistant)(g) for g in dev if g.expect == "answer"])
        lines.append(f"| {dw} | {bw} | {cap} | {k} | {m['hit@1']} | {m['hit@5']} | {m['mrr']} |")
    assistant.retriever.params = base.retrieval

    lines += [
        "",
        "## Soglia di astensione (massimo coseno frase–domanda)",
        "",
        "| soglia | astensione P | astensione R | astensioni errate |",
        "|---|---|---|---|",
    ]
    relevance = []
    for g in dev:
        found = assistant.retrieve(g.question, g.history)
        cands = assistant.evidence_scorer.units(found.question, found.vector, found.hits)
        relevance.append((g.expect == "abstain", max((c.cosine for c in cands), default=0.0)))
    for t in np.arange(0.80, 0.90, 0.01):
        predicted = [exp for exp, r in relevance if r < t]
        expected = sum(exp for exp, _ in relevance)
        answerable = sum(not exp for exp, _ in relevance)
        precision = sum(predicted) / len(predicted) if predicted else 0.0
        recall = sum(predicted) / expected if expected else 0.0
        false_rate = (len(predicted) - sum(predicted)) / answerable
        lines.append(f"| {t:.2f} | {precision:.3f} | {recall:.3f} | {false_rate:.3f} |")
    out = RESULTS_DIR / "sweep.md"
    out.write_text("\n".join(lines) + "\n")
    print(out.read_text())
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
