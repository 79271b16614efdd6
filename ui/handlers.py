"""What the page's script can ask of the server: an answer, a rating, the documents list.

`answer` and `rate` are server functions of the chat component (one plain POST each, no queue);
`stream` is the queued event used instead of `answer` when an LLM writes the answers, so that
verified sentences reach the page as they come.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr
from pydantic import ValidationError

from assistant.service import Assistant
from core.models import Answer
from feedback.store import FeedbackStore
from ui import labels
from ui.chat import AskRequest, ask, bounded_history, question_error, reply
from ui.documents import render_documents
from ui.ratings import Ratings
from ui.turn import answer_html

log = logging.getLogger(__name__)


class ChatHandlers:
    """Handlers over the served Assistant and the feedback store, both read at event time."""

    def __init__(
        self,
        get_assistant: Callable[[], Assistant | None],
        get_feedback: Callable[[], FeedbackStore],
    ) -> None:
        self.get_assistant = get_assistant
        self.ratings = Ratings(get_feedback)

    def answer(self, payload: Any) -> dict[str, Any]:
        """{question, history, turn, number} → the turn's HTML and Markdown, or an error."""
        return ask(payload, self.get_assistant())

    def rate(self, payload: Any) -> dict[str, Any]:
        return self.ratings.rate(payload)

    def server_functions(self) -> list[Callable[[Any], dict[str, Any]]]:
        """`answer` and `rate` as the plain functions Gradio's server functions must be."""

        def answer(payload: Any) -> dict[str, Any]:
            return self.answer(payload)

        def rate(payload: Any) -> dict[str, Any]:
            return self.rate(payload)

        return [answer, rate]

    def stream(self, event: gr.EventData) -> Iterator[Any]:
        """The page's question → the component's `partial` prop, updated as the text grows:
        {"turn", "html"} while the LLM writes, then {"turn", "done": reply} or {"turn", "error"}."""
        data = getattr(event, "_data", None) or {}
        turn = str(data.get("turn", ""))[:20]
        for update in self._stream(data):
            yield gr.HTML(partial={"turn": turn, **update})

    def _stream(self, data: Any) -> Iterator[dict[str, Any]]:
        try:
            request = AskRequest.model_validate(data)
        except ValidationError:
            yield {"error": labels.BAD_REQUEST}
            return
        assistant = self.get_assistant()
        error = question_error(request.question) or (None if assistant else labels.UNAVAILABLE)
        if error or assistant is None:
            yield {"error": error}
            return
        question, text = request.question.strip(), ""
        try:
            for event in assistant.ask_stream(question, bounded_history(request.history)):
                if isinstance(event, Answer):
                    yield {"done": reply(event, request.turn, request.number)}
                elif event.text:
                    text += event.text
                    partial = Answer(question=question, answer=text, abstained=False)
                    yield {"html": answer_html(partial, request.turn)}
        except Exception:  # the page must stay usable; the log has the details
            log.exception("answering %r failed", question)
            yield {"error": labels.UNEXPECTED}

    def documents(self) -> str:
        assistant = self.get_assistant()
        return render_documents(assistant.manifest if assistant is not None else None)
