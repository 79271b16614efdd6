"""`python -m evals.learn`: choose, by cross-validation on dev only, how a build fits its models,
and ship the dev rows it fits them with (`assistant/learning/dev/`).

For each of 5 folds of the dev questions, the models are fitted as a build fits them —
questions generated from the shipped documents plus the dev questions of the other folds — and
applied to the fold: its rows for the next model in the pipeline are computed with upstream
models that never saw it. On these out-of-fold rows the script picks the two operating points:
the highest "not covered" threshold whose out-of-fold false declines stay within TARGET_FALSE,
and the lowest "answer" threshold whose out-of-fold confidently-wrong share, plus one
standard error, stays within 5%
(`learning_cv.TARGET_WRONG`). The
test split is never read. Figures: evals/results/learning.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.offline import go_offline

RESULTS = Path(__file__).resolve().parent / "results" / "learning.md"
TARGET_FALSE = 0.04
FOLDS = 5


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m evals.learn")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--dry-run", action="store_true", help="report only, write no rows")
    args = parser.parse_args(argv)

    from assistant.question.tagger import shipped_tagger
    from core.settings import Settings
    from evals.gold import load_gold
    from evals.learning import labelled
    from evals.learning_cv import cross_fit
    from evals.learning_tagger import fit_on_dev
    from server.startup import build_assistant

    settings = Settings()
    assistant = build_assistant(settings)
    dev_items = [g for g in load_gold() if g.split == "dev"]
    tagger, tagger_report = fit_on_dev(assistant, dev_items)
    if not args.dry_run:
        tagger.save()
        shipped_tagger.cache_clear()  # the rows below are measured with the new tagger
    dev = labelled(dev_items)
    report, prior, choices = cross_fit(assistant, dev, FOLDS, TARGET_FALSE)
    report += "\n" + tagger_report
    args.out.write_text(report, encoding="utf-8")
    print(report)
    if not args.dry_run:
        prior.save()
        choices.save()
        print("scritte: assistant/learning/dev/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
