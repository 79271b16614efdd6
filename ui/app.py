"""The Gradio Blocks of the chat UI, and `mount_ui` which serves them at /ui of the FastAPI app."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr
from fastapi import FastAPI

from assistant.feedback import MAX_REASON_CHARS, FeedbackStore, Rating
from indexer.offline import go_offline
from indexer.settings import Settings
from ui import texts
from ui.chat import (
    MAX_QUESTION_CHARS,
    Conversation,
    as_chat_text,
    ask,
    ask_stream,
    chat_messages,
    clean_text,
    lazy_store,
    rate,
    select_answer,
    send_reason,
    streams,
)
from ui.documents import render_documents
from ui.examples import EXAMPLES
from ui.measures import build_measures_tab
from ui.sources import esc, render_sources
from ui.style import CSS, JS, theme

log = logging.getLogger(__name__)

UI_PATH = "/ui"
# Events are internal to the page: the public API is FastAPI's /api/*.
PRIVATE: dict[str, Any] = {"api_visibility": "private"}


def _status(message: str) -> str:
    return f'<p class="valuta-stato" role="status">{esc(message)}</p>' if message else ""


def _rating_title(conversation: Conversation) -> str:
    if conversation.selected is None:
        return f"<h3>{texts.RATE_TITLE}</h3>"
    return f"<h3>{texts.RATE_TITLE_N.format(n=conversation.selected + 1)}</h3>"


def _sources(conversation: Conversation) -> str:
    number = (conversation.selected or 0) + 1
    return render_sources(conversation.current, number, len(conversation.answers))


def build_blocks(
    get_assistant: Callable[[], Any], get_feedback: Callable[[], FeedbackStore]
) -> gr.Blocks:
    def answer_question(question: str, conversation: Conversation) -> Iterator[tuple]:
        """question → (textbox, chat, conversation, sources, rating group, title, status, examples)."""
        question = clean_text(question)
        if not question:
            yield (gr.skip(),) * 8
            return
        pending = [
            *chat_messages(conversation),
            {"role": "user", "content": as_chat_text(question)},
            {"role": "assistant", "content": texts.PENDING},
        ]
        yield ("", pending, conversation, gr.skip(), gr.skip(), gr.skip(), "", gr.skip())
        try:
            assistant = get_assistant()
            if streams(assistant):  # an LLM writes the answer: show it as it comes
                new, error = conversation, None
                for text, done, failure in ask_stream(question, conversation, assistant):
                    if done is not None:
                        new, error = done, failure
                    elif text:
                        partial = {"role": "assistant", "content": as_chat_text(text)}
                        yield (
                            "",
                            [*pending[:-1], partial],
                            conversation,
                            gr.skip(),
                            gr.skip(),
                            gr.skip(),
                            "",
                            gr.skip(),
                        )
            else:
                new, error = ask(question, conversation, assistant)
        except Exception:  # the page must stay usable; the log has the details
            log.exception("answering %r failed", question)
            new, error = conversation, texts.UNEXPECTED
        messages = chat_messages(new)
        if error:
            messages += [
                {"role": "user", "content": as_chat_text(question)},
                {"role": "assistant", "content": as_chat_text(error)},
            ]
        yield (
            "",
            messages,
            new,
            _sources(new),
            gr.update(visible=bool(new.answers)),
            _rating_title(new),
            "",
            gr.update(open=not new.answers),
        )

    def on_select(conversation: Conversation, event: gr.SelectData) -> tuple:
        index = event.index if isinstance(event.index, int) else event.index[0]
        new = select_answer(conversation, index)
        if new.selected == conversation.selected:
            return (gr.skip(),) * 5
        return new, _sources(new), _rating_title(new), "", ""

    def on_rate(rating: Rating, reason: str, conversation: Conversation) -> tuple:
        new, message = rate(conversation, rating, reason, get_feedback())
        return new, _status(message)

    def on_reason(reason: str, conversation: Conversation) -> str:
        return _status(send_reason(conversation, reason, get_feedback()))

    def documents() -> str:
        assistant = get_assistant()
        return render_documents(assistant.manifest if assistant is not None else None)

    def new_conversation() -> tuple:
        fresh = Conversation()
        return (
            "",
            [],
            fresh,
            _sources(fresh),
            gr.update(visible=False),
            _rating_title(fresh),
            "",
            "",
            gr.update(open=True),
        )

    with gr.Blocks(title=texts.TITLE, analytics_enabled=False) as demo:
        conversation = gr.State(Conversation())
        gr.HTML(
            f'<header class="intestazione"><h1>{texts.TITLE}</h1><p>{texts.SUBTITLE}</p></header>'
        )
        gr.HTML(f'<p class="avviso" role="note">{texts.NOTICE}</p>')
        with gr.Tabs():
            with gr.Tab(texts.TAB_CHAT, id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=320):
                        chatbot = gr.Chatbot(
                            label=texts.CHAT_LABEL,
                            show_label=False,
                            elem_id="chat",
                            height=None,
                            min_height=180,
                            max_height=480,
                            buttons=[],
                            placeholder=texts.CHAT_PLACEHOLDER,
                            render_markdown=True,
                            sanitize_html=True,
                            allow_tags=False,
                            latex_delimiters=[],
                            feedback_options=None,
                            autoscroll=True,
                        )
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(
                                label=texts.QUESTION_LABEL,
                                placeholder=texts.QUESTION_PLACEHOLDER,
                                elem_id="domanda",
                                max_length=MAX_QUESTION_CHARS,
                                scale=5,
                                min_width=200,
                                autofocus=True,
                            )
                            send = gr.Button(
                                texts.SEND,
                                variant="primary",
                                scale=1,
                                min_width=90,
                                elem_id="invia",
                            )
                        with gr.Column(
                            visible=False, elem_id="valuta", elem_classes="valuta"
                        ) as rating_group:
                            rating_title = gr.HTML(_rating_title(Conversation()))
                            with gr.Row():
                                up = gr.Button(texts.RATE_UP, elem_id="utile", size="md")
                                down = gr.Button(texts.RATE_DOWN, elem_id="non-utile", size="md")
                            reason = gr.Textbox(
                                label=texts.REASON_LABEL,
                                placeholder=texts.REASON_PLACEHOLDER,
                                max_length=MAX_REASON_CHARS,
                                lines=2,
                                elem_id="motivo",
                            )
                            send_why = gr.Button(
                                texts.SEND_REASON, size="sm", elem_id="invia-motivo"
                            )
                            status = gr.HTML("", elem_id="valuta-stato")
                        clear = gr.Button(texts.NEW_CONVERSATION, elem_id="nuova", size="sm")
                        with gr.Accordion(texts.EXAMPLES_TITLE, open=True) as examples:
                            example_buttons = []
                            for profile, questions in EXAMPLES.items():
                                with gr.Column(elem_classes="esempi-gruppo"):
                                    gr.HTML(f"<h3>{esc(profile)}</h3>")
                                    example_buttons += [gr.Button(q, size="sm") for q in questions]
                    with gr.Column(scale=2, min_width=320):
                        sources = gr.HTML(_sources(Conversation()), elem_id="fonti")
            with gr.Tab(texts.TAB_MEASURES, id="misure"):
                build_measures_tab(get_assistant)
            with gr.Tab(texts.TAB_DOCUMENTS, id="documenti"):
                documents_html = gr.HTML(elem_id="documenti")

        answered = [
            question,
            chatbot,
            conversation,
            sources,
            rating_group,
            rating_title,
            status,
            examples,
        ]
        question.submit(
            answer_question, [question, conversation], answered, api_name="chiedi", **PRIVATE
        )
        send.click(answer_question, [question, conversation], answered, api_name="invia", **PRIVATE)
        for n, button in enumerate(example_buttons, start=1):
            button.click(
                answer_question,
                [button, conversation],
                answered,
                api_name=f"esempio_{n}",
                **PRIVATE,
            )
        chatbot.select(
            on_select,
            [conversation],
            [conversation, sources, rating_title, status, reason],
            api_name="seleziona",
            **PRIVATE,
        )
        up.click(
            lambda r, c: on_rate("up", r, c),
            [reason, conversation],
            [conversation, status],
            api_name="utile",
            **PRIVATE,
        )
        down.click(
            lambda r, c: on_rate("down", r, c),
            [reason, conversation],
            [conversation, status],
            api_name="non_utile",
            **PRIVATE,
        )
        send_why.click(on_reason, [reason, conversation], [status], api_name="motivo", **PRIVATE)
        reset = [
            question,
            chatbot,
            conversation,
            sources,
            rating_group,
            rating_title,
            status,
            reason,
            examples,
        ]
        clear.click(new_conversation, None, reset, api_name="nuova_conversazione", **PRIVATE)
        chatbot.clear(new_conversation, None, reset, api_name="svuota", **PRIVATE)
        demo.load(documents, None, documents_html, api_name="documenti", **PRIVATE)
    return demo


def mount_ui(
    app: FastAPI,
    get_assistant: Callable[[], Any],
    settings: Settings,
    get_feedback: Callable[[], FeedbackStore] | None = None,
    path: str = UI_PATH,
) -> FastAPI:
    """Serve the chat UI at `path` of `app`, over the Assistant that `get_assistant` returns
    at request time; feedback goes to `get_feedback()` (default: data_dir/feedback.sqlite)."""
    go_offline()
    # Gradio reads its temp dir when Blocks are built: keep uploads/caches in the data dir.
    os.environ["GRADIO_TEMP_DIR"] = str(settings.data_dir / "gradio_tmp")

    if get_feedback is None:
        get_feedback = lazy_store(lambda: FeedbackStore(settings.data_dir / "feedback.sqlite"))
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
