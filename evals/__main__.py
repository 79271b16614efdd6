"""`python -m evals [--url URL] [--split dev|test] [--out DIR]`: the side-by-side report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.offline import go_offline

# The tuned values the report lists beside its figures (flat names, as in .env).
REPORTED_SETTINGS = (
    "chunk_max_tokens",
    "list_max_items",
    "top_k",
    "candidates",
    "rrf_k",
    "dense_weight",
    "bm25_weight",
    "max_per_doc",
    "source_boost",
    "glossary_weight",
    "followup_weight",
    "elliptical_weight",
    "answer_sentences",
    "answer_lexical_weight",
    "answer_type_weight",
    "decline_below",
)


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m evals")
    parser.add_argument("--url", help="evaluate a running server (e.g. http://127.0.0.1:8000)")
    parser.add_argument("--split", choices=["dev", "test"], help="only this part of the gold set")
    parser.add_argument(
        "--out", type=Path, default=None, help="report folder (default evals/results)"
    )
    parser.add_argument("--no-baselines", action="store_true", help="evaluate ours only")
    parser.add_argument("--name", help="report file name in the folder (default: latest)")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="another corpus folder (documents/ + questions.jsonl), e.g. evals/second_corpus",
    )
    args = parser.parse_args(argv)

    from core.settings import Settings
    from evals.corpora import ensure_index, other_corpus, shipped_corpus
    from evals.gold import load_gold
    from evals.report import RESULTS_DIR, breakdown, run_system, write_report
    from evals.systems import (
        llamaindex_default,
        ours,
        ours_over_http,
        ours_with_unrelated_history,
        single_retriever,
    )
    from server.startup import build_assistant

    corpus = other_corpus(Settings(), args.corpus) if args.corpus else shipped_corpus(Settings())
    if not corpus.shipped:
        ensure_index(corpus)
    settings = corpus.settings
    gold = [g for g in load_gold(corpus.questions) if args.split is None or g.split == args.split]
    assistant = build_assistant(settings)
    systems = {
        "ours (ibrido + risposte estrattive)": ours_over_http(args.url)
        if args.url
        else ours(assistant)
    }
    if not args.no_baselines:
        systems |= {
            "ours, domande autonome dopo un turno estraneo": ours_with_unrelated_history(assistant),
            "(a) LlamaIndex VectorStoreIndex predefinito": llamaindex_default(settings, assistant),
            "(b) solo BM25": single_retriever(assistant, "bm25"),
            "(c) solo denso": single_retriever(assistant, "dense"),
        }
    results = {}
    for name, system in systems.items():
        print(f"… {name}", file=sys.stderr)
        results[name] = breakdown(run_system(system, gold))
    meta = {
        "gold_items": len(gold),
        "test": sum(g.split == "test" for g in gold),
        "dev": sum(g.split == "dev" for g in gold),
        "answerable": sum(g.expect == "answer" for g in gold),
        "abstain": sum(g.expect == "abstain" for g in gold),
        "followups": sum(g.followup for g in gold),
        "english": sum(g.lang != "it" for g in gold),
        "chunks": assistant.manifest.chunks,
        "embedder": assistant.manifest.embedder_id,
        "command": "python -m evals"
        + (f" --url {args.url}" if args.url else "")
        + (f" --split {args.split}" if args.split else "")
        + (f" --corpus {args.corpus}" if args.corpus else ""),
        "settings": {k: settings.flat()[k] for k in REPORTED_SETTINGS},
    }
    from evals.profiles import evaluate_measures

    measures = evaluate_measures(assistant) if corpus.shipped else None
    path = write_report(results, meta, args.out or RESULTS_DIR, measures, args.name or corpus.name)
    print(path.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
