"""`python -m evals.ablation`: the learned parts against the rules they replace, and what each
other part contributes — on dev, on test and on the second corpus.

Each row switches one part off on the same index (or puts back the rule a model replaced) and
runs the whole question set: the passage ranking (rule: weighted reciprocal-rank fusion), the
evidence model (rule: cosine + overlap + a type bonus), the outcome models (rule: answer whenever
there is evidence, refusals kept), the answer-type tagger (none: every question "other"), the
routes (measures, organisations, definitions), the glossary, typo tolerance; and all the rules
at once. Writes evals/results/ablation.md. Nothing is tuned here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from core.offline import go_offline
from evals.report import COLUMNS

# What a user gets: the report's first columns (answers, declines, follow-ups), then hit@1.
METRICS = [*COLUMNS[:8], ("hit@1", "hit@1")]


def _variants() -> dict[str, Callable[..., None] | None]:
    from assistant.answer.rules import RuleOutcome
    from assistant.question.expansion import QueryExpander
    from indexer.glossary import Glossary

    def ranker(a):  # type: ignore[no-untyped-def]
        a.ranker.model = None

    def sentences(a):  # type: ignore[no-untyped-def]
        a.evidence_scorer.model = None

    def outcome(a):  # type: ignore[no-untyped-def]
        a.outcomes = RuleOutcome()

    def routes(a):  # type: ignore[no-untyped-def]
        a.routed = lambda question: None

    def glossary(a):  # type: ignore[no-untyped-def]
        a.expander = QueryExpander(Glossary())
        a.router.definitions.wordings = []

    def spelling(a):  # type: ignore[no-untyped-def]
        a.speller.correction = lambda word: None

    def all_rules(a):  # type: ignore[no-untyped-def]
        ranker(a), sentences(a), outcome(a)

    return {
        "tutto acceso (modelli appresi)": None,
        "ordinamento: fusione RRF (la regola)": ranker,
        "frasi: punteggio a mano (la regola)": sentences,
        "esito: risponde se c'è evidenza (la regola)": outcome,
        "tipo di domanda: nessun tagger": "no tagger",  # type: ignore[dict-item]
        "senza percorsi (misure, enti, definizioni)": routes,
        "senza glossario": glossary,
        "senza tolleranza ai refusi": spelling,
        "tutte le regole (nessun modello, nessun tagger)": all_rules,
    }


@contextmanager
def _no_tagger(off: bool) -> Iterator[None]:
    """Every question read as asking for nothing in particular, while the row runs."""
    import assistant.question.analysed as analysed

    saved = analysed.shipped_tagger
    if off:
        analysed.shipped_tagger = lambda: None  # type: ignore[assignment]
    try:
        yield
    finally:
        analysed.shipped_tagger = saved  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    go_offline()
    from core.settings import Settings
    from evals.corpora import SECOND_CORPUS, ensure_index, other_corpus
    from evals.gold import load_gold
    from evals.report import RESULTS_DIR, run_system
    from evals.scoring import summarise
    from evals.systems import ours
    from indexer.embedding import PianoEmbedding
    from server.startup import build_assistant

    shipped = Settings()
    second = other_corpus(shipped, SECOND_CORPUS)
    ensure_index(second)
    embedder = PianoEmbedding.from_settings(shipped)
    sets = [
        ("test", shipped, [g for g in load_gold() if g.split == "test"]),
        ("dev", shipped, [g for g in load_gold() if g.split == "dev"]),
        ("secondo corpus", second.settings, load_gold(second.questions)),
    ]
    lines = [
        "# Ablazione — le parti apprese contro le regole che sostituiscono",
        "",
        "`python -m evals.ablation`: una parte spenta (o la sua regola rimessa) per riga, stesso "
        "indice, tutte le domande. Il secondo corpus non è mai usato per scegliere nulla.",
        "",
    ]
    for title, settings, items in sets:
        lines += [
            f"## {title}",
            "",
            "| variante | " + " | ".join(label for _, label in METRICS) + " |",
            "|---|" + "---|" * len(METRICS),
        ]
        for name, switch in _variants().items():
            assistant = build_assistant(settings, embedder)
            if callable(switch):
                switch(assistant)
            with _no_tagger(switch == "no tagger"):
                row = summarise(run_system(ours(assistant), items))
            lines.append(
                f"| {name} | "
                + " | ".join("—" if row.get(k) is None else f"{row[k]:.3f}" for k, _ in METRICS)
                + " |"
            )
            print(lines[-1], file=sys.stderr)
        lines.append("")
    out: Path = RESULTS_DIR / "ablation.md"
    out.write_text("\n".join(lines))
    print(out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
