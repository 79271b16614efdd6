"""The page of the chat UI, and `mount_ui` which serves it at /ui of the FastAPI app (the
server does it at the first request, `ui.mount`)."""

from __future__ import annotations

import os
from collections.abc import Callable

import gradio as gr
from fastapi import FastAPI

from assistant.service import Assistant
from core.offline import go_offline
from core.settings import Settings
from feedback.store import FeedbackStore
from ui import labels
from ui.glossary_tab import build_glossary_tab
from ui.handlers import ChatHandlers
from ui.layout import PRIVATE, build_chat_tab
from ui.measures_tab import build_measures_tab
from ui.mount import UI_PATH
from ui.style import JS, page_css, theme

# Gradio's queue looks for work every millisecond (and for progress every 10 ms): 3–5% of a
# core on an idle server. Only the LLM's streamed answers go through the queue (answers,
# ratings and the other tabs are plain calls), and they take seconds: waking up every 100 ms
# is enough.
QUEUE_POLL_S = 0.1
PROGRESS_POLL_S = 1.0


def header_html() -> str:
    return (
        f'<header class="intestazione"><div><h1>{labels.TITLE}</h1><p>{labels.SUBTITLE}</p></div>'
        f'<button type="button" class="pulsante tema" id="tema" aria-pressed="false" '
        f'data-scuro="{labels.THEME_DARK}" data-chiaro="{labels.THEME_LIGHT}">'
        f"{labels.THEME_DARK}</button></header>"
    )


def build_blocks(
    get_assistant: Callable[[], Assistant | None],
    get_feedback: Callable[[], FeedbackStore],
    streaming: bool = False,
) -> gr.Blocks:
    """The whole page: header, notice, and the chat, measures and documents tabs."""
    handlers = ChatHandlers(get_assistant, get_feedback)
    with gr.Blocks(title=labels.TITLE, analytics_enabled=False) as demo:
        gr.HTML(header_html(), js_on_load=None)
        gr.HTML(f'<p class="avviso" role="note">{labels.NOTICE}</p>', js_on_load=None)
        with gr.Tabs():
            with gr.Tab(labels.TAB_CHAT, id="chat"):
                build_chat_tab(handlers, streaming)
            with gr.Tab(labels.TAB_MEASURES, id="misure"):
                build_measures_tab(get_assistant)
            with gr.Tab(labels.TAB_DOCUMENTS, id="documenti"):
                documents_html = gr.HTML(elem_id="documenti", js_on_load=None)
            with gr.Tab(labels.TAB_GLOSSARY, id="glossario"):
                all_terms, glossary_html = build_glossary_tab(get_assistant)
        demo.load(
            handlers.documents, None, documents_html, api_name="documenti", queue=False, **PRIVATE
        )
        demo.load(
            all_terms, None, glossary_html, api_name="glossario_tutto", queue=False, **PRIVATE
        )
    return demo


def quiet_queue(demo: gr.Blocks) -> None:
    """Let the queue sleep between checks (see QUEUE_POLL_S); Gradio has no setting for it."""
    queue = getattr(demo, "_queue", None)
    if queue is not None and hasattr(queue, "sleep_when_free"):
        queue.sleep_when_free = QUEUE_POLL_S
        queue.progress_update_sleep_when_free = PROGRESS_POLL_S


def mount_ui(
    app: FastAPI,
    get_assistant: Callable[[], Assistant | None],
    get_feedback: Callable[[], FeedbackStore],
    settings: Settings,
    path: str = UI_PATH,
) -> FastAPI:
    """Serve the chat UI at `path` of `app`, over the Assistant that `get_assistant` returns
    at request time; feedback goes to `get_feedback()`."""
    go_offline()
    # Gradio reads its temp dir when Blocks are built: keep uploads/caches in the data dir.
    os.environ["GRADIO_TEMP_DIR"] = str(settings.data_dir / "gradio_tmp")
    demo = build_blocks(get_assistant, get_feedback, streaming=bool(settings.llm.base_url))
    demo.queue(default_concurrency_limit=4)
    quiet_queue(demo)
    return gr.mount_gradio_app(
        app,
        demo,
        path=path,
        theme=theme(),
        css=page_css(),
        js=JS,
        footer_links=[],
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        show_error=False,
    )
