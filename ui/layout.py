"""The chat tab: one HTML component whose script (ui/assets/chat.js) keeps the conversation in
the browser and asks the server one question at a time through two server functions."""

from __future__ import annotations

from importlib import resources
from typing import Any

import gradio as gr

from core.limits import (
    MAX_QUESTION_CHARS,
    MAX_UI_HISTORY_TURNS,
    MAX_UI_KEPT_ANSWERS,
    MAX_UI_TURN_CHARS,
)
from ui import labels
from ui.examples import EXAMPLES
from ui.handlers import ChatHandlers
from ui.sources import esc

# Events are internal to the page: the public API is FastAPI's /api/*.
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
# Bump when the stored shape or the HTML of a turn changes: older conversations are then set
# aside rather than shown half-styled.
STORAGE_KEY = "chiedi-al-piano:conversazione:v1"

# Texts the script shows (all of them here, none typed in the script).
SCRIPT_TEXTS = {
    name: getattr(labels, name)
    for name in (
        "PENDING",
        "QUEUED_ONE",
        "QUEUED_MANY",
        "COUNTER",
        "COUNTER_OVER",
        "CLEARED",
        "COPIED",
        "COPY_FAILED",
        "NETWORK",
        "RATE_FIRST",
        "DOWNLOAD_TITLE",
    )
}


def _examples_html() -> str:
    groups = []
    for profile, examples in EXAMPLES.items():
        buttons = "".join(
            f'<li><button type="button" class="esempio" data-domanda="{esc(e.question)}">'
            f"{esc(e.question)}</button></li>"
            for e in examples
        )
        groups.append(f'<div class="esempi-gruppo"><h3>{esc(profile)}</h3><ul>{buttons}</ul></div>')
    return (
        f'<details class="esempi" id="esempi" open><summary>{labels.EXAMPLES_TITLE}</summary>'
        f'<div class="esempi-griglia">{"".join(groups)}</div></details>'
    )


def _composer_html() -> str:
    counter = labels.COUNTER.format(n=0, max=MAX_QUESTION_CHARS)
    return (
        '<form class="compositore" id="compositore" novalidate>'
        f'<label for="domanda" class="compositore-etichetta">{labels.QUESTION_LABEL}</label>'
        '<div class="compositore-riga">'
        f'<textarea id="domanda" name="domanda" rows="2" autocomplete="off" '
        f'placeholder="{esc(labels.QUESTION_PLACEHOLDER)}" '
        'aria-describedby="contatore avviso-lunghezza stato-invio"></textarea>'
        f'<button type="submit" class="invia" id="invia">{labels.SEND}</button></div>'
        f'<p class="contatore" id="contatore">{counter}</p>'
        '<p class="avviso-lunghezza" id="avviso-lunghezza" role="alert"></p>'
        '<p class="stato-invio" id="stato-invio" role="status"></p>'
        f'<ol class="coda" id="coda" aria-label="{labels.QUEUE_TITLE}" hidden></ol></form>'
    )


def chat_shell() -> str:
    """The chat's static HTML: the script fills the conversation and keeps it up to date."""
    return (
        '<section class="chat" aria-labelledby="chat-titolo">'
        f'<h2 id="chat-titolo" class="sr-only">{labels.CHAT_HEADING}</h2>'
        '<div class="chat-barra">'
        f'<button type="button" class="pulsante" id="nuova">{labels.NEW_CONVERSATION}</button>'
        f'<button type="button" class="pulsante" id="scarica">{labels.DOWNLOAD}</button>'
        '<span class="chat-barra-stato" id="stato-barra" role="status"></span></div>'
        f'<p class="chat-vuota" id="chat-vuota">{labels.CHAT_EMPTY}</p>'
        '<div class="conversazione" id="conversazione"></div>'
        f"{_examples_html()}{_composer_html()}</section>"
    )


def chat_script() -> str:
    return resources.files("ui").joinpath("assets/chat.js").read_text(encoding="utf-8")


def build_chat_tab(handlers: ChatHandlers, streaming: bool) -> gr.HTML:
    """The chat inside the current tab; `streaming` (an LLM writes the answers) shows each
    answer as its verified sentences arrive, through a queued event instead of one call."""
    chat = gr.HTML(
        chat_shell(),
        html_template="${value}",
        js_on_load=chat_script(),
        elem_id="chat",
        server_functions=handlers.server_functions(),
        apply_default_css=False,
        texts=SCRIPT_TEXTS,
        max_chars=MAX_QUESTION_CHARS,
        history_turns=MAX_UI_HISTORY_TURNS,
        turn_chars=MAX_UI_TURN_CHARS,
        kept_answers=MAX_UI_KEPT_ANSWERS,
        storage_key=STORAGE_KEY,
        streaming=streaming,
        partial=None,
    )
    chat.ask(handlers.stream, None, chat, api_name="chiedi", **PRIVATE)  # type: ignore[attr-defined]
    return chat
