"""The chat UI's sessions are bounded: at most a few kept, the least recently used out first, and
none that stayed idle past its time (Gradio's own holder keeps up to 10,000, each a copy of the
page's state)."""

from __future__ import annotations

import datetime

import gradio as gr
from fastapi import FastAPI

from ui.sessions import BoundedSessions, bound_sessions


def blocks() -> gr.Blocks:
    with gr.Blocks() as demo:
        gr.HTML("<p>Chiedi al Piano</p>")
    return demo


def test_at_most_capacity_sessions_least_recently_used_out_first():
    sessions = BoundedSessions(capacity=3, idle_s=3600)
    sessions.set_blocks(blocks())
    for n in range(10):
        sessions[f"s{n}"]
    sessions["s8"]  # used again: now the most recent
    sessions["s10"]
    assert list(sessions.session_data) == ["s9", "s8", "s10"]
    assert set(sessions.time_last_used) == {"s9", "s8", "s10"}


def test_a_session_idle_past_its_time_is_forgotten():
    sessions = BoundedSessions(capacity=100, idle_s=60)
    sessions.set_blocks(blocks())
    for name in ("vecchia", "recente"):
        sessions[name]
    sessions.time_last_used["vecchia"] -= datetime.timedelta(seconds=61)
    sessions["nuova"]
    assert list(sessions.session_data) == ["recente", "nuova"]


def test_the_mounted_chat_uses_the_bounded_holder(corpus_settings):
    app = FastAPI()
    demo = blocks()
    gr.mount_gradio_app(app, demo, path="/ui")
    sessions = bound_sessions(app, "/ui", capacity=7, idle_s=10)
    assert demo.state_holder is sessions and sessions.capacity == 7
