"""The chat page's event handlers: what each click or Enter does to the conversation and the page.

Each handler returns the new values of the page's components in the order `ChatPage` lists them
(`ChatPage.answered`, `ChatPage.reset`…); `ui.layout` wires them to the Gradio events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from assistant.service import Assistant
from feedback.store import FeedbackStore, Rating
from ui import labels
from ui.chat import (
    Conversation,
    as_chat_text,
    ask,
    ask_stream,
    chat_messages,
    clean_text,
    rate,
    select_answer,
    send_reason,
    streams,
)
from ui.documents import render_documents
from ui.sources import esc, render_sources

log = logging.getLogger(__name__)


def status_html(message: str) -> str:
    return f'<p class="valuta-stato" role="status">{esc(message)}</p>' if message else ""


def rating_title(conversation: Conversation) -> str:
    if conversation.selected is None:
        return f"<h3>{labels.RATE_TITLE}</h3>"
    return f"<h3>{labels.RATE_TITLE_N.format(n=conversation.selected + 1)}</h3>"


def sources_html(conversation: Conversation) -> str:
    number = (conversation.selected or 0) + 1
    return render_sources(conversation.current, number, len(conversation.answers))


class ChatHandlers:
    """Handlers over the served Assistant and the feedback store, both read at event time."""

    def __init__(
        self,
        get_assistant: Callable[[], Assistant | None],
        get_feedback: Callable[[], FeedbackStore],
    ) -> None:
        self.get_assistant = get_assistant
        self.get_feedback = get_feedback

    def answer(self, question: str, conversation: Conversation) -> Iterator[tuple[Any, ...]]:
        """question → (textbox, chat, conversation, sources, rating group, title, status, examples)."""
        question = clean_text(question)
        if not question:
            yield (gr.skip(),) * 8
            return
        pending = [
            *chat_messages(conversation),
            {"role": "user", "content": as_chat_text(question)},
            {"role": "assistant", "content": labels.PENDING},
        ]
        unchanged = (gr.skip(), gr.skip(), gr.skip())
        yield ("", pending, conversation, *unchanged, "", gr.skip())
        new, error = conversation, None
        try:
            for text, done, failure in self._answers(question, conversation):
                if done is not None:
                    new, error = done, failure
                elif text:
                    partial = {"role": "assistant", "content": as_chat_text(text)}
                    yield ("", [*pending[:-1], partial], conversation, *unchanged, "", gr.skip())
        except Exception:  # the page must stay usable; the log has the details
            log.exception("answering %r failed", question)
            new, error = conversation, labels.UNEXPECTED
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
            sources_html(new),
            gr.update(visible=bool(new.answers)),
            rating_title(new),
            "",
            gr.update(open=not new.answers),
        )

    def _answers(
        self, question: str, conversation: Conversation
    ) -> Iterator[tuple[str, Conversation | None, str | None]]:
        """(text so far, None, None)… then (text, new conversation, error or None)."""
        assistant = self.get_assistant()
        if streams(assistant):  # an LLM writes the answer: show it as it comes
            yield from ask_stream(question, conversation, assistant)
        else:
            new, error = ask(question, conversation, assistant)
            yield "", new, error

    def select(self, conversation: Conversation, event: gr.SelectData) -> tuple[Any, ...]:
        """A clicked message → (conversation, sources, title, status, reason)."""
        index = event.index if isinstance(event.index, int) else event.index[0]
        new = select_answer(conversation, index)
        if new.selected == conversation.selected:
            return (gr.skip(),) * 5
        return new, sources_html(new), rating_title(new), "", ""

    def rate(self, rating: Rating, reason: str, conversation: Conversation) -> tuple[Any, ...]:
        """👍/👎 → (conversation, status)."""
        new, message = rate(conversation, rating, reason, self.get_feedback())
        return new, status_html(message)

    def reason(self, reason: str, conversation: Conversation) -> str:
        """The reason sent → status."""
        return status_html(send_reason(conversation, reason, self.get_feedback()))

    def documents(self) -> str:
        assistant = self.get_assistant()
        return render_documents(assistant.manifest if assistant is not None else None)

    @staticmethod
    def new_conversation() -> tuple[Any, ...]:
        """→ (textbox, chat, conversation, sources, rating group, title, status, reason, examples)."""
        fresh = Conversation()
        return (
            "",
            [],
            fresh,
            sources_html(fresh),
            gr.update(visible=False),
            rating_title(fresh),
            "",
            "",
            gr.update(open=True),
        )
