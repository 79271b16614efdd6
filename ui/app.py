"""The page of the chat UI, and `mount_ui` which serves it at /ui of the FastAPI app (the
server does it at the first request, `ui.mount`)."""

from __future__ import annotations

import os
from collections.abc import Callable

import gradio as gr
from fastapi import FastAPI

from assistant.service import Assistant
from core.offline import go_offline
from core.paths import UI as UI_PATH
from core.settings import Settings
from indexer.knowledge.files import knowledge_path
from indexer.knowledge.profiles import Profile, load_profiles
from ui import labels
from ui.documents import render_documents
from ui.glossary_tab import build_glossary_tab
from ui.layout import PRIVATE, build_chat_tab
from ui.measures_tab import build_measures_tab
from ui.render import render
from ui.sessions import bound_sessions
from ui.style import JS, page_css, theme

# Gradio's queue looks for work every millisecond (and for progress every 10 ms): 3–5% of a
# core on an idle server. No event of the page goes through the queue (the chat asks the API;
# the tabs' events are plain calls): waking up every 100 ms is plenty.
QUEUE_POLL_S = 0.1
PROGRESS_POLL_S = 1.0


def build_blocks(
    get_assistant: Callable[[], Assistant | None], profiles: list[Profile] | None = None
) -> gr.Blocks:
    """The whole page: header and notice, then the chat, measures, documents and glossary
    (`profiles`: the plan's, for the measures form)."""

    def documents() -> str:
        assistant = get_assistant()
        return render_documents(assistant.manifest if assistant is not None else None)

    with gr.Blocks(title=labels.TITLE, analytics_enabled=False) as demo:
        gr.HTML(render("header.html"), js_on_load=None)
        with gr.Tabs():
            with gr.Tab(labels.TAB_CHAT, id="chat"):
                build_chat_tab()
            with gr.Tab(labels.TAB_MEASURES, id="misure"):
                build_measures_tab(get_assistant, profiles or [])
            with gr.Tab(labels.TAB_DOCUMENTS, id="documenti"):
                documents_html = gr.HTML(elem_id="documenti", js_on_load=None)
            with gr.Tab(labels.TAB_GLOSSARY, id="glossario"):
                all_terms, glossary_html = build_glossary_tab(get_assistant)
        demo.load(documents, None, documents_html, api_name="documenti", queue=False, **PRIVATE)
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
    settings: Settings,
    path: str = UI_PATH,
) -> FastAPI:
    """Serve the chat UI at `path` of `app`, over the Assistant that `get_assistant` returns
    at request time (the tabs; the chat asks through the app's API)."""
    go_offline()
    # Gradio reads its temp dir when Blocks are built: keep uploads/caches in the data dir.
    os.environ["GRADIO_TEMP_DIR"] = str(settings.data_dir / "gradio_tmp")
    profiles = load_profiles(knowledge_path(settings.corpus_dir, "profiles")).profiles
    demo = build_blocks(get_assistant, profiles)
    demo.queue(default_concurrency_limit=4)
    quiet_queue(demo)
    gr.mount_gradio_app(
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
    protection = settings.protection
    bound_sessions(app, path, protection.ui_sessions, protection.ui_session_idle_s)
    return app
