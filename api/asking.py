"""One path for every question: the chat page, /api/ask, /api/ask/stream and /v1 all ask here.

One request model (`api.requests.AskRequest`, with its limits), one call to the Assistant, the
next questions to suggest, and one question-log entry saying which door the question came
through: `chat` (the page sends the `X-Piano-Source: chat` header), `api` or `v1`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header

from api.requests import AskRequest
from api.state import Services, assistant, services, settings
from assistant.service import Assistant
from assistant.streaming import AnswerEvent
from core.models import Answer
from core.paths import CHAT_SOURCE, SOURCE_HEADER
from core.settings import Settings
from feedback.question_log import QuestionLog, Source


def request_source(
    x_piano_source: Annotated[
        str | None,
        Header(
            alias=SOURCE_HEADER,
            description="`chat` per le richieste della pagina della conversazione.",
            max_length=16,
        ),
    ] = None,
) -> Source:
    """Which door a request came through: the chat page says so; anything else is the API."""
    return "chat" if x_piano_source == CHAT_SOURCE else "api"


@dataclass
class Asking:
    """The served Assistant and, when questions are logged, the log."""

    served: Assistant
    questions: QuestionLog | None

    def events(self, body: AskRequest, source: Source) -> Iterator[AnswerEvent]:
        """The answer as it is made (text pieces, then the Answer with its suggestions); the
        question is logged once, when the Answer is complete."""
        for event in self.served.ask_stream(body.question, body.turns, body.top_k):
            if isinstance(event, Answer):
                event.suggestions = self.served.next_questions.after(event)
                if self.questions is not None:
                    self.questions.record(body.question, event.abstained, source)
            yield event

    def answer(self, body: AskRequest, source: Source) -> Answer:
        answer = None
        for event in self.events(body, source):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None, "ask_stream always ends with the Answer"
        return answer


def asking(
    served: Annotated[Assistant, Depends(assistant)],
    state: Annotated[Services, Depends(services)],
    config: Annotated[Settings, Depends(settings)],
) -> Asking:
    return Asking(served, state.questions if config.feedback.log_questions else None)
