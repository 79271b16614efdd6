"""`python -m evals.tune`: choose the pipeline's tuned values on the dev split, by cross-validation.

For each knob in turn (coordinate search, a few rounds), every candidate value is run over dev;
the dev questions are cut into 5 stratified folds and a value wins only if it raises the mean
per-fold score (questions handled right: a cited hit where there is an answer, a decline where
there is none) by more than the folds' standard error over the current value. The test split is
never read. Writes evals/results/tune.md; the chosen values go into core/sections.py by hand.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence

from core.offline import go_offline

GRID: dict[str, Sequence[float]] = {
    "glossary_weight": (0.0, 0.15, 0.3, 0.5),
    "elliptical_weight": (0.0, 0.2, 0.35, 0.5),
    "followup_weight": (0.3, 0.5, 0.7),
    "answer_type_weight": (0.0, 0.03, 0.05, 0.1),
    "answer_lexical_weight": (0.2, 0.3, 0.4),
    "dense_weight": (0.7, 1.0, 1.3),
    "max_per_doc": (2, 3, 5),
}
FOLDS = 5


def fold_scores(handled: dict[str, bool], folds: list[list[str]]) -> list[float]:
    return [sum(handled[i] for i in fold) / len(fold) for fold in folds]


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m evals.tune", description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=None, help="knobs to tune (default all)")
    args = parser.parse_args(argv)

    from sklearn.model_selection import StratifiedKFold

    from core.settings import Settings
    from evals.gold import load_gold
    from evals.report import RESULTS_DIR
    from evals.scoring import handled
    from evals.systems import ours
    from indexer.embedding import PianoEmbedding
    from server.startup import build_assistant

    base = Settings()
    embedder = PianoEmbedding.from_settings(base)
    dev = [g for g in load_gold() if g.split == "dev"]
    labels = [f"{g.expect}:{g.category}" for g in dev]
    splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    folds = [[dev[i].id for i in held] for _, held in splitter.split(dev, labels)]

    def score(values: dict[str, float]) -> list[float]:
        assistant = build_assistant(base.updated(**values), embedder)
        run = ours(assistant)
        return fold_scores({g.id: handled(run(g)) for g in dev}, folds)

    chosen = {k: base.flat()[k] for k in (args.only or GRID)}
    current = score(chosen)
    lines = [
        "# Scelta dei valori (solo dev, 5 fold)",
        "",
        "`python -m evals.tune`: per ogni manopola, a turno, il punteggio medio sui fold "
        "(domande trattate bene) e il suo errore standard; un valore vince solo se supera "
        "l'attuale di più di un errore standard.",
        "",
        f"Partenza: {chosen} → {statistics.mean(current):.3f}",
        "",
        "| giro | manopola | valore | media | errore std | scelto |",
        "|---|---|---|---|---|---|",
    ]
    for round_ in range(1, args.rounds + 1):
        for knob in chosen:
            best_value, best = chosen[knob], current
            for value in GRID[knob]:
                scores = current if value == chosen[knob] else score({**chosen, knob: value})
                mean = statistics.mean(scores)
                se = statistics.stdev(scores) / len(scores) ** 0.5
                gain = [a - b for a, b in zip(scores, best)]
                wins = statistics.mean(gain) > statistics.stdev(gain) / len(gain) ** 0.5
                if wins:
                    best_value, best = value, scores
                lines.append(
                    f"| {round_} | {knob} | {value} | {mean:.3f} | {se:.3f} | "
                    f"{'✓' if value == best_value else ''} |"
                )
                print(lines[-1], file=sys.stderr)
            chosen[knob], current = best_value, best
    lines += ["", f"Scelti: {chosen} → {statistics.mean(current):.3f}", ""]
    out = RESULTS_DIR / "tune.md"
    out.write_text("\n".join(lines))
    print(out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
