"""Are the suggested next questions answered? After each gold answer, the suggestions the chat
would show (`Answer.suggestions`, assistant.answer.suggestions) are asked as the chat asks them: with the
conversation so far as history. A suggestion counts as answered when it gets a cited answer
(`outcome` `answer`, at least one citation). Test and dev apart; the floor is 90 % on test.

`python -m evals.suggestions` writes `evals/results/suggestions.md` and `.json`.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from assistant.service import Assistant
from core.models import Turn
from evals.gold import GoldItem, load_gold

RESULTS = Path(__file__).resolve().parent / "results"
FLOOR = 0.90


def answered(assistant: Assistant, question: str, history: list[Turn]) -> bool:
    answer = assistant.ask(question, history)
    return answer.outcome == "answer" and bool(answer.citations)


def measure(assistant: Assistant, items: list[GoldItem]) -> dict[str, object]:
    """Suggestions shown and answered over `items`; the unanswered ones listed."""
    shown, ok, by_count = 0, 0, Counter[int]()
    missed: list[dict[str, str]] = []
    for item in items:
        answer = assistant.ask(item.question, item.history)
        suggestions = assistant.next_questions.after(answer)
        by_count[len(suggestions)] += 1
        history = [
            *item.history,
            Turn(role="user", content=item.question),
            Turn(role="assistant", content=answer.answer),
        ]
        for suggestion in suggestions:
            shown += 1
            if answered(assistant, suggestion, history):
                ok += 1
            else:
                missed.append({"after": item.id, "suggestion": suggestion})
    return {
        "questions": len(items),
        "shown": shown,
        "answered": ok,
        "rate": round(ok / shown, 4) if shown else 0.0,
        "suggestions_per_answer": dict(sorted(by_count.items())),
        "missed": missed,
    }


def report(results: dict[str, dict[str, object]]) -> str:
    lines = [
        "# Suggested next questions: answered?",
        "",
        "After each gold answer, the suggestions the chat shows are asked with the conversation "
        "as history; answered = a cited answer (`outcome` `answer`). Floor: "
        f"{FLOOR:.0%} on test.",
        "",
        "| split | gold questions | suggestions shown | answered | rate | per answer (count: answers) |",
        "|---|---|---|---|---|---|",
    ]
    for split, r in results.items():
        per = ", ".join(f"{k}: {v}" for k, v in r["suggestions_per_answer"].items())  # type: ignore[attr-defined]
        lines.append(
            f"| {split} | {r['questions']} | {r['shown']} | {r['answered']} | "
            f"{float(r['rate']):.1%} | {per} |"  # type: ignore[arg-type]
        )
    for split, r in results.items():
        missed = r["missed"]
        if missed:
            lines += ["", f"Not answered ({split}):", ""]
            lines += [f"- after {m['after']}: {m['suggestion']}" for m in missed]  # type: ignore[attr-defined]
    lines += ["", "Reproduce: `make index && .venv/bin/python -m evals.suggestions`."]
    return "\n".join(lines) + "\n"


def main() -> int:
    from core.settings import Settings
    from server.startup import build_assistant

    assistant = build_assistant(Settings())
    gold = load_gold()
    results = {
        split: measure(assistant, [g for g in gold if g.split == split])
        for split in ("test", "dev")
    }
    (RESULTS / "suggestions.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    text = report(results)
    (RESULTS / "suggestions.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if float(results["test"]["rate"]) >= FLOOR else 1  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
