"""What the routes serve from, and the dependencies that hand it to them.

The server builds the `Services` at start-up (`server.app`); a reindex swaps the assistant in
place. Routes receive them through `Depends`, never through globals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request

from assistant.service import Assistant
from core.settings import Settings
from feedback.question_log import QuestionLog
from feedback.store import FeedbackStore
from indexer.embedding import PianoEmbedding

UNAVAILABLE = "Indice non disponibile."


@dataclass
class Services:
    """The collaborators of the API and the UI, opened once by the server."""

    feedback: FeedbackStore
    questions: QuestionLog
    assistant: Assistant | None = None
    # Why there is no assistant, in Italian; with an assistant, why it serves an earlier build
    # than the published one (the published one is damaged).
    index_error: str | None = None

    def serve(self, assistant: Assistant, note: str | None = None) -> None:
        """Answer from `assistant` from now on (a new index is ready, or `note` says why an
        earlier one)."""
        self.assistant, self.index_error = assistant, note


# Opens the Assistant over the current index, with the given embedder if any:
# (assistant, None), or (None, why not in Italian).
OpenAssistant = Callable[[Settings, PianoEmbedding | None], tuple[Assistant | None, str | None]]


def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def assistant(request: Request) -> Assistant:
    """The served Assistant; 503 with the reason when there is no usable index."""
    state = services(request)
    if state.assistant is None:
        raise HTTPException(503, state.index_error or UNAVAILABLE)
    return state.assistant
