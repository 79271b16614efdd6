"""Answers as a stream: text pieces first, then the whole Answer (its HTTP form: `api.sse`).

`Assistant.ask_stream` yields `TextDelta`s and ends with the `Answer`. Every piece of text it
yields has already been verified (an LLM answer is checked sentence by sentence as it arrives),
so the concatenated deltas equal `Answer.answer`: a client can show them as they come and never
has to take anything back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from core.models import Answer


@dataclass
class TextDelta:
    text: str


AnswerEvent = TextDelta | Answer


def line_deltas(text: str) -> Iterator[TextDelta]:
    """An already composed text, line by line (the extractive answer has one quote a line)."""
    for line in text.splitlines(keepends=True):
        yield TextDelta(line)
