"""`python -m evals.ablation`: what each part of the questions work contributes, dev and test apart.

Each row switches one part off on the same index and runs the whole gold set: the glossary
expansion, typo tolerance, the organisations catalogue, answer types (sentence preference and
the answer-first line), the calibrated decline (hard refusals kept). Writes
evals/results/ablation.md. Nothing is tuned here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from core.offline import go_offline
from evals.report import COLUMNS

# What a user gets: the report's first columns (answers, declines, follow-ups).
METRICS = COLUMNS[:6]


def main(argv: list[str] | None = None) -> int:
    go_offline()
    from assistant.question.expansion import QueryExpander
    from assistant.routes.membership import Membership
    from assistant.service import Assistant
    from core.settings import Settings
    from evals.gold import load_gold
    from evals.report import RESULTS_DIR, run_system
    from evals.scoring import summarise
    from evals.systems import ours
    from indexer.embedding import PianoEmbedding
    from indexer.glossary import Glossary
    from indexer.organisations import OrganisationCatalogue
    from server.startup import build_assistant

    settings = Settings()
    embedder = PianoEmbedding.from_settings(settings)
    gold = load_gold()

    def no_glossary(a: Assistant) -> None:
        a.expander = QueryExpander(Glossary())

    def no_spelling(a: Assistant) -> None:
        a.speller.correction = lambda word: None  # type: ignore[method-assign]

    def no_organisations(a: Assistant) -> None:
        a.membership = Membership(OrganisationCatalogue(organisations=[]), a.index.chunks)

    def no_answer_types(a: Assistant) -> None:
        a.answers = a.answers.model_copy(update={"type_weight": 0.0})
        from assistant.answer import evidence

        evidence.SPAN_TYPES = frozenset()  # no spans: no preference, no answer-first line

    def no_calibrated_decline(a: Assistant) -> None:
        a.answerability = a.answerability.at(0.0)

    variants: dict[str, Callable[[Assistant], None] | None] = {
        "tutto acceso": None,
        "senza glossario": no_glossary,
        "senza tolleranza ai refusi": no_spelling,
        "senza catalogo degli enti": no_organisations,
        "senza tipi di risposta": no_answer_types,
        "senza rifiuto calibrato (solo regole fisse)": no_calibrated_decline,
    }
    lines = [
        "# Ablazione — cosa porta ciascuna parte",
        "",
        "`python -m evals.ablation`: una parte spenta per riga, stesso indice, tutto il gold set.",
        "",
    ]
    for split in ("test", "dev"):
        lines += [
            f"## {split}",
            "",
            "| variante | " + " | ".join(label for _, label in METRICS) + " |",
            "|---|" + "---|" * len(METRICS),
        ]
        items = [g for g in gold if g.split == split]
        for name, switch_off in variants.items():
            assistant = build_assistant(settings, embedder)
            saved = None
            if switch_off is not None:
                from assistant.answer import evidence

                saved = evidence.SPAN_TYPES
                switch_off(assistant)
            row = summarise(run_system(ours(assistant), items))
            if saved is not None:
                from assistant.answer import evidence

                evidence.SPAN_TYPES = saved
            lines.append(
                f"| {name} | "
                + " | ".join("—" if row.get(k) is None else f"{row[k]:.3f}" for k, _ in METRICS)
                + " |"
            )
            print(lines[-1], file=sys.stderr)
        lines.append("")
    out = RESULTS_DIR / "ablation.md"
    out.write_text("\n".join(lines))
    print(out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
