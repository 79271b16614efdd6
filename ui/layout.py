"""The chat tab's components, laid out once, and the events that connect them to the handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from core.limits import MAX_QUESTION_CHARS, MAX_REASON_CHARS
from ui import labels
from ui.chat import Conversation
from ui.examples import EXAMPLES
from ui.handlers import ChatHandlers, rating_title, sources_html
from ui.sources import esc

# Events are internal to the page: the public API is FastAPI's /api/*.
PRIVATE: dict[str, Any] = {"api_visibility": "private"}


@dataclass
class ChatPage:
    """The components the handlers read and update."""

    conversation: gr.State
    chatbot: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    rating_group: gr.Column
    rating_title: gr.HTML
    up: gr.Button
    down: gr.Button
    reason: gr.Textbox
    send_reason: gr.Button
    status: gr.HTML
    clear: gr.Button
    examples: gr.Accordion
    example_buttons: list[gr.Button]
    sources: gr.HTML

    @property
    def answered(self) -> list[Any]:
        """What `ChatHandlers.answer` updates, in its order."""
        return [
            self.question,
            self.chatbot,
            self.conversation,
            self.sources,
            self.rating_group,
            self.rating_title,
            self.status,
            self.examples,
        ]

    @property
    def reset(self) -> list[Any]:
        """What `ChatHandlers.new_conversation` updates, in its order."""
        return [*self.answered[:-1], self.reason, self.examples]


def _chatbot() -> gr.Chatbot:
    return gr.Chatbot(
        label=labels.CHAT_LABEL,
        show_label=False,
        elem_id="chat",
        height=None,
        min_height=180,
        max_height=480,
        buttons=[],
        placeholder=labels.CHAT_PLACEHOLDER,
        render_markdown=True,
        sanitize_html=True,
        allow_tags=False,
        latex_delimiters=[],
        feedback_options=None,
        autoscroll=True,
    )


def _rating_box() -> tuple[
    gr.Column, gr.HTML, gr.Button, gr.Button, gr.Textbox, gr.Button, gr.HTML
]:
    with gr.Column(visible=False, elem_id="valuta", elem_classes="valuta") as group:
        title = gr.HTML(rating_title(Conversation()))
        with gr.Row():
            up = gr.Button(labels.RATE_UP, elem_id="utile", size="md")
            down = gr.Button(labels.RATE_DOWN, elem_id="non-utile", size="md")
        reason = gr.Textbox(
            label=labels.REASON_LABEL,
            placeholder=labels.REASON_PLACEHOLDER,
            max_length=MAX_REASON_CHARS,
            lines=2,
            elem_id="motivo",
        )
        send_reason = gr.Button(labels.SEND_REASON, size="sm", elem_id="invia-motivo")
        status = gr.HTML("", elem_id="valuta-stato")
    return group, title, up, down, reason, send_reason, status


def _examples() -> tuple[gr.Accordion, list[gr.Button]]:
    buttons: list[gr.Button] = []
    with gr.Accordion(labels.EXAMPLES_TITLE, open=True) as accordion:
        for profile, questions in EXAMPLES.items():
            with gr.Column(elem_classes="esempi-gruppo"):
                gr.HTML(f"<h3>{esc(profile)}</h3>")
                buttons += [gr.Button(q, size="sm") for q in questions]
    return accordion, buttons


def build_chat_tab() -> ChatPage:
    """The chat column (conversation, question, rating, examples) beside the sources panel."""
    conversation = gr.State(Conversation())
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chatbot = _chatbot()
            with gr.Row(equal_height=True):
                question = gr.Textbox(
                    label=labels.QUESTION_LABEL,
                    placeholder=labels.QUESTION_PLACEHOLDER,
                    elem_id="domanda",
                    max_length=MAX_QUESTION_CHARS,
                    scale=5,
                    min_width=200,
                    autofocus=True,
                )
                send = gr.Button(
                    labels.SEND, variant="primary", scale=1, min_width=90, elem_id="invia"
                )
            group, title, up, down, reason, send_reason, status = _rating_box()
            clear = gr.Button(labels.NEW_CONVERSATION, elem_id="nuova", size="sm")
            examples, example_buttons = _examples()
        with gr.Column(scale=2, min_width=320):
            sources = gr.HTML(sources_html(Conversation()), elem_id="fonti")
    return ChatPage(
        conversation, chatbot, question, send, group, title, up, down, reason, send_reason,
        status, clear, examples, example_buttons, sources,
    )  # fmt: skip


def wire_chat(page: ChatPage, handlers: ChatHandlers) -> None:
    """Enter, the buttons and a click on a message, each to its handler."""
    asked = [page.question, page.conversation]
    page.question.submit(handlers.answer, asked, page.answered, api_name="chiedi", **PRIVATE)
    page.send.click(handlers.answer, asked, page.answered, api_name="invia", **PRIVATE)
    for n, button in enumerate(page.example_buttons, start=1):
        button.click(
            handlers.answer,
            [button, page.conversation],
            page.answered,
            api_name=f"esempio_{n}",
            **PRIVATE,
        )
    page.chatbot.select(
        handlers.select,
        [page.conversation],
        [page.conversation, page.sources, page.rating_title, page.status, page.reason],
        api_name="seleziona",
        **PRIVATE,
    )
    judged = [page.reason, page.conversation]
    rated = [page.conversation, page.status]
    page.up.click(
        lambda r, c: handlers.rate("up", r, c), judged, rated, api_name="utile", **PRIVATE
    )
    page.down.click(
        lambda r, c: handlers.rate("down", r, c), judged, rated, api_name="non_utile", **PRIVATE
    )
    page.send_reason.click(handlers.reason, judged, [page.status], api_name="motivo", **PRIVATE)
    for event, name in ((page.clear.click, "nuova_conversazione"), (page.chatbot.clear, "svuota")):
        event(handlers.new_conversation, None, page.reset, api_name=name, **PRIVATE)
