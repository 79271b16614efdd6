"""Free descriptions → measures: is the writer's role read right, and does what they asked for
come first? Scored on `evals/roles_gold.json`; `python -m evals.roles` writes
`evals/results/roles.md`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.service import Assistant

ROLES_GOLD = Path(__file__).resolve().parent / "roles_gold.json"
RESULTS = Path(__file__).resolve().parent / "results" / "roles.md"


def expected_targets(assistant: Assistant, profiles: list[str]) -> set[str]:
    plan = assistant.profiles.plan
    return {t for p in profiles for t in plan.profile(p).targets}  # type: ignore[union-attr]


def evaluate_roles(assistant: Assistant, path: Path = ROLES_GOLD) -> list[dict]:
    """One row per description: the targets read, and whether they and the first measure fit."""
    rows = []
    for case in json.loads(path.read_text(encoding="utf-8"))["descriptions"]:
        targets = set(assistant.profiles.targets_for(None, case["text"]))
        matches = assistant.profiles.match(description=case["text"])
        first = matches[0].measure.text if matches else ""
        rows.append(
            {
                "text": case["text"],
                "targets_ok": targets == expected_targets(assistant, case["profiles"]),
                "none_ok": (not matches) == (not case["profiles"]),
                "first_ok": case.get("first", "").lower() in first.lower(),
                "targets": sorted(targets),
                "first": first,
            }
        )
    return rows


def summary(rows: list[dict]) -> dict[str, float]:
    n = len(rows)
    return {k: round(sum(r[k] for r in rows) / n, 3) for k in ("targets_ok", "none_ok", "first_ok")}


def report(rows: list[dict]) -> str:
    s = summary(rows)
    lines = [
        "# Misure: descrizioni libere",
        "",
        f"{len(rows)} descriptions (`evals/roles_gold.json`). Role read right: {s['targets_ok']:.3f}; "
        f"«no measure for you» right: {s['none_ok']:.3f}; asked-for objective first: {s['first_ok']:.3f}.",
        "",
        "| description | targets read | role ok | none ok | first ok | first measure |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['text']} | {', '.join(r['targets']) or '—'} | {'✓' if r['targets_ok'] else '✗'} "
            f"| {'✓' if r['none_ok'] else '✗'} | {'✓' if r['first_ok'] else '✗'} | {r['first'][:70]} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    from core.settings import Settings
    from server.startup import build_assistant

    rows = evaluate_roles(build_assistant(Settings()))
    RESULTS.write_text(report(rows), encoding="utf-8")
    print(report(rows))
    return 0 if all(r["targets_ok"] and r["none_ok"] and r["first_ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
