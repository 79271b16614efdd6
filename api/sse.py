"""Server-Sent Events: an answer's stream of events as the text lines of `text/event-stream`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from assistant.streaming import AnswerEvent, TextDelta


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
