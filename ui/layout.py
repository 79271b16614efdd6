"""The chat tab: one HTML component whose scripts (ui/assets/turn.js, chat.js) keep the
conversation in the browser and ask and rate through the public API (/api/ask/stream,
/api/feedback), like any other client: the Gradio app registers no function for the chat."""

from __future__ import annotations

from importlib import resources
from typing import Any

import gradio as gr

from core.limits import (
    CONTROL_CHAR_CLASS,
    MAX_QUESTION_CHARS,
    MAX_REASON_CHARS,
    MAX_UI_HISTORY_TURNS,
    MAX_UI_KEPT_ANSWERS,
    MAX_UI_TURN_CHARS,
    SECTION_SEPARATOR,
)
from core.paths import ASK_STREAM, BUILD_HEADER, CHAT_SOURCE, DOCUMENTS, FEEDBACK, SOURCE_HEADER
from ui import labels
from ui.examples import EXAMPLES
from ui.render import SOURCE_LABELS, render

# Events are internal to the page: the public API is FastAPI's /api/*.
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
# Bump when the stored shape of a turn changes: older conversations are then set aside rather
# than shown half-built. v2: a turn keeps the API's Answer itself.
STORAGE_KEY = "chiedi-al-piano:conversazione:v2"
# The skeletons the script fills (ui/templates/turn): the HTML is the server's, the text the
# script sets is always text.
TURN_PARTS = ("turn", "pending", "direct", "sources", "no_sources", "card", "badge", "next")
SCRIPTS = ("assets/turn.js", "assets/chat.js", "assets/actions.js")

# Texts the script shows (all of them here, none typed in the script).
SCRIPT_TEXTS = (
    "PENDING",
    "QUEUED_ONE",
    "QUEUED_MANY",
    "COUNTER",
    "COUNTER_OVER",
    "CLEARED",
    "RESTORED",
    "COPIED",
    "COPY_FAILED",
    "NETWORK",
    "RATE_FIRST",
    "RATED_UP",
    "RATED_DOWN",
    "RATED_HINT",
    "REASON_SAVED",
    "RATED_ANEW",
    "DOWNLOAD_TITLE",
    "DOWNLOAD_WHEN",
    "DOWNLOAD_BUILD",
    "DOWNLOAD_NOTICE",
    "NOTICE",
    "QUESTION_N",
    "ANSWER_N",
    "QUESTION_LABEL_MD",
    "DIRECT",
    "MARKER_LABEL",
    "SOURCES_TITLE",
    "SOURCES_SUMMARY",
    "SOURCES_CLOSEST",
    "SECTION",
    "PAGE",
    "MD_PAGE",
    "OUTCOME_UNSURE",
    "OUTCOME_UNSURE_HINT",
    "OUTCOME_NOT_COVERED",
)


def chat_shell() -> str:
    """The chat's static HTML: three examples above the question box, the rest folded."""
    first = [examples[0] for examples in EXAMPLES.values()]
    more = {profile: examples[1:] for profile, examples in EXAMPLES.items()}
    return render(
        "chat.html",
        first=first,
        more=more,
        more_count=sum(len(e) for e in more.values()),
        max_chars=MAX_QUESTION_CHARS,
    )


def turn_parts() -> dict[str, str]:
    return {name: render(f"turn/{name}.html", max_reason=MAX_REASON_CHARS) for name in TURN_PARTS}


def chat_script() -> str:
    folder = resources.files("ui")
    return "\n".join(folder.joinpath(s).read_text(encoding="utf-8") for s in SCRIPTS)


def chat_props() -> dict[str, Any]:
    """What the script reads from the server: texts, limits, addresses, skeletons."""
    return {
        "texts": {name: getattr(labels, name) for name in SCRIPT_TEXTS},
        "templates": turn_parts(),
        "source_labels": SOURCE_LABELS,
        "paths": {"ask": ASK_STREAM, "feedback": FEEDBACK, "documents": DOCUMENTS},
        "source_header": SOURCE_HEADER,
        "source": CHAT_SOURCE,
        "build_header": BUILD_HEADER,
        "control_chars": CONTROL_CHAR_CLASS,
        "section_separator": SECTION_SEPARATOR,
        "max_chars": MAX_QUESTION_CHARS,
        "history_turns": MAX_UI_HISTORY_TURNS,
        "turn_chars": MAX_UI_TURN_CHARS,
        "kept_answers": MAX_UI_KEPT_ANSWERS,
        "storage_key": STORAGE_KEY,
    }


def build_chat_tab() -> gr.HTML:
    """The chat inside the current tab."""
    return gr.HTML(
        chat_shell(),
        html_template="${value}",
        js_on_load=chat_script(),
        elem_id="chat",
        apply_default_css=False,
        **chat_props(),
    )
