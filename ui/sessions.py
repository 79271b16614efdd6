"""The chat UI's sessions, bounded: Gradio keeps a copy of the page's state per session (every
new `session_hash` a client sends makes one, 24–90 kB each) and by default up to 10,000 of them.
Here at most `capacity`, and none idle for longer than `idle_s`: a flood of made-up sessions
costs a bounded amount of memory, and an idle one is forgotten (the page keeps the conversation
itself, so nothing of the user's is lost)."""

from __future__ import annotations

import datetime

import gradio as gr
from fastapi import FastAPI
from gradio.state_holder import StateHolder
from starlette.routing import Mount


class BoundedSessions(StateHolder):
    """Gradio's StateHolder, least recently used first out at `capacity`, and expiring the
    sessions idle for more than `idle_s` whenever one is used."""

    def __init__(self, capacity: int, idle_s: float) -> None:
        super().__init__()
        self.max_sessions = capacity
        self.idle = datetime.timedelta(seconds=idle_s)

    def set_blocks(self, blocks: gr.Blocks) -> None:
        super().set_blocks(blocks)
        self.capacity = self.max_sessions  # Gradio's set_blocks reads the Blocks' own default

    def update(self, session_id: str) -> None:
        super().update(session_id)
        oldest = datetime.datetime.now() - self.idle
        with self.lock:
            while self.session_data:
                first = next(iter(self.session_data))
                if first == session_id or self.time_last_used.get(first, oldest) > oldest:
                    break
                self.session_data.popitem(last=False)
                self.time_last_used.pop(first, None)


def bound_sessions(app: FastAPI, path: str, capacity: int, idle_s: float) -> BoundedSessions:
    """Give the Gradio app mounted at `path` of `app` bounded sessions."""
    [gradio_app] = [r.app for r in app.routes if isinstance(r, Mount) and r.path == path]
    sessions = BoundedSessions(capacity, idle_s)
    sessions.set_blocks(gradio_app.get_blocks())  # type: ignore[attr-defined]
    gradio_app.state_holder = sessions  # type: ignore[attr-defined]
    return sessions
