"""Answers as a stream: text pieces first, then the whole Answer; and their Server-Sent Events form.

`Assistant.ask_stream` yields `TextDelta`s and ends with the `Answer`. Every piece of text it
yields has already been verified (an LLM answer is checked sentence by sentence as it arrives),
so the concatenated deltas equal `Answer.answer`: a client can show them as they come and never
has to take anything back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assistant.models import Answer


@dataclass
class TextDelta:
    text: str


AnswerEvent = TextDelta | Answer


def line_deltas(text: str) -> Iterator[TextDelta]:
    """An already composed text, line by line (the extractive answer has one quote a line)."""
    for line in text.splitlines(keepends=True):
        yield TextDelta(line)


def sse(event: str, data: object) -> str:
    return f"event: {event}\n{sse_data(data)}"


def sse_data(data: object) -> str:
    """One unnamed event (the form OpenAI's streaming uses)."""
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


def answer_sse(events: Iterable[AnswerEvent]) -> Iterator[str]:
    """`delta` events ({"text": …}), then `citations` (the list) and `done` (the whole Answer)."""
    for event in events:
        if isinstance(event, TextDelta):
            if event.text:
                yield sse("delta", {"text": event.text})
        else:
            yield sse("citations", [c.model_dump() for c in event.citations])
            yield sse("done", event.model_dump())
