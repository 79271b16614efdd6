"""`python -m evals.failures [--split dev] [--category C]`: the items ours gets wrong, one by one.

For reading failures while tuning — on dev only. The test split is read once, at the end, to
report what still fails.
"""

from __future__ import annotations

import argparse
import sys

from core.offline import go_offline


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m evals.failures")
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--category", default=None)
    parser.add_argument("--all", action="store_true", help="also the items it gets right")
    args = parser.parse_args(argv)

    from core.settings import Settings
    from evals.gold import load_gold
    from evals.scoring import answer_hit, cited_hit, handled
    from evals.systems import ours
    from server.startup import build_assistant

    assistant = build_assistant(Settings())
    run = ours(assistant)
    gold = [
        g
        for g in load_gold()
        if g.split == args.split and (args.category is None or g.category == args.category)
    ]
    wrong = 0
    for item in gold:
        outcome = run(item)
        ok = handled(outcome)
        wrong += not ok
        if ok and not args.all:
            continue
        verdict = "OK " if ok else "NO "
        flags = (
            f"cited={cited_hit(outcome)} text={answer_hit(outcome)}"
            if item.expect == "answer"
            else "decline expected"
        )
        print(f"{verdict}{item.id} [{item.category}] {item.question!r} — {flags}")
        for turn in item.history:
            print(f"    ({turn.role}) {turn.content[:120]}")
        print("    want:", "; ".join(s.phrase for s in item.support) or "—")
        print("    got: ", (outcome.answer or "").replace("\n", " ")[:400])
        print()
    print(f"{wrong} of {len(gold)} wrong", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
