"""The UI's example questions through the Assistant: each must get a cited answer whose quotes
hold its expected phrase. `python -m evals.examples` writes `evals/results/examples.md`; the
browser test (tests/ui/test_examples.py) checks the same in the page."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.service import Assistant
from ui.examples import Example, all_examples

RESULTS = Path(__file__).resolve().parent / "results" / "examples.md"


def holds(assistant: Assistant, example: Example) -> bool:
    answer = assistant.ask(example.question)
    quoted = " ".join(c.quote for c in answer.citations).lower()
    phrase = example.expected.lower()
    return not answer.abstained and phrase in answer.answer.lower() and phrase in quoted


def main() -> int:
    from core.settings import Settings
    from server.startup import build_assistant

    assistant = build_assistant(Settings())
    rows = [(e, holds(assistant, e)) for e in all_examples()]
    lines = ["# Example questions", "", "| question | expected phrase | cited answer holds it |"]
    lines += ["|---|---|---|"] + [
        f"| {e.question} | {e.expected} | {'✓' if ok else '✗'} |" for e, ok in rows
    ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(ok for _, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
