"""The page of the chat UI, and `mount_ui` which serves it at /ui of the FastAPI app."""

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
from ui.handlers import ChatHandlers
from ui.layout import PRIVATE, build_chat_tab, wire_chat
from ui.measures_tab import build_measures_tab
from ui.style import CSS, JS, theme

UI_PATH = "/ui"


def build_blocks(
    get_assistant: Callable[[], Assistant | None], get_feedback: Callable[[], FeedbackStore]
) -> gr.Blocks:
    """The whole page: header, notice, and the chat, measures and documents tabs."""
    handlers = ChatHandlers(get_assistant, get_feedback)
    with gr.Blocks(title=labels.TITLE, analytics_enabled=False) as demo:
        gr.HTML(
            f'<header class="intestazione"><h1>{labels.TITLE}</h1><p>{labels.SUBTITLE}</p></header>'
        )
        gr.HTML(f'<p class="avviso" role="note">{labels.NOTICE}</p>')
        with gr.Tabs():
            with gr.Tab(labels.TAB_CHAT, id="chat"):
                page = build_chat_tab()
            with gr.Tab(labels.TAB_MEASURES, id="misure"):
                build_measures_tab(get_assistant)
            with gr.Tab(labels.TAB_DOCUMENTS, id="documenti"):
                documents_html = gr.HTML(elem_id="documenti")
        wire_chat(page, handlers)
        demo.load(handlers.documents, None, documents_html, api_name="documenti", **PRIVATE)
    return demo


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
    demo = build_blocks(get_assistant, get_feedback)
    demo.queue(default_concurrency_limit=4)
    return gr.mount_gradio_app(
        app,
        demo,
        path=path,
        theme=theme(),
        css=CSS,
        js=JS,
        footer_links=[],
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        show_error=False,
    )
