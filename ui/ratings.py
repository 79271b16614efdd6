"""👍/👎 and a reason on one answer of the chat page, stored with that answer's own words.

The page keeps the conversation, so it sends the rated answer with the rating; the stored row's
id comes back with a signature, so that a second thought (another rating, a reason) changes that
row and no one else's. The signing key lives as long as the process: after a restart a second
thought starts a new row.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.limits import (
    CONTROL_CHARS,
    MAX_ANSWER_CHARS,
    MAX_CITATIONS,
    MAX_QUESTION_CHARS,
    MAX_REASON_CHARS,
)
from feedback.store import FeedbackStore
from ui import labels

log = logging.getLogger(__name__)


class StoredRow(BaseModel):
    id: int = Field(ge=1)
    token: str = Field(max_length=128)


class RateRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER_CHARS)
    citations: list[str] = Field(default_factory=list, max_length=MAX_CITATIONS)
    rating: Literal["up", "down"] | None = None
    reason: str = Field("", max_length=MAX_REASON_CHARS)
    row: StoredRow | None = None


class Ratings:
    """Stores the page's ratings in the feedback store, one row per rated answer."""

    def __init__(self, get_store: Callable[[], FeedbackStore]) -> None:
        self.get_store = get_store
        self._key = secrets.token_bytes(32)

    def _token(self, row_id: int) -> str:
        return hmac.new(self._key, str(row_id).encode(), hashlib.sha256).hexdigest()

    def _own(self, row: StoredRow | None) -> int | None:
        if row and hmac.compare_digest(row.token, self._token(row.id)):
            return row.id
        return None

    def rate(self, payload: Any) -> dict[str, Any]:
        """{question, answer, citations, rating, reason, row?} → {"row", "message"} or {"error"}."""
        try:
            request = RateRequest.model_validate(payload)
        except ValidationError:
            return {"error": labels.BAD_REQUEST}
        if request.rating is None:
            return {"error": labels.RATE_FIRST}
        texts = (request.question, request.answer, request.reason, *request.citations)
        if any(CONTROL_CHARS.search(t) for t in texts):
            return {"error": labels.CONTROL}
        reason = request.reason.strip()
        try:
            row_id = self._store(request, reason)
        except Exception:  # a full disk or a damaged database: say so, keep the page usable
            log.exception("storing a rating failed")
            return {"error": labels.RATING_FAILED}
        done = labels.RATED_UP if request.rating == "up" else labels.RATED_DOWN
        message = labels.REASON_SAVED if reason else f"{done} {labels.RATED_HINT}"
        return {"row": {"id": row_id, "token": self._token(row_id)}, "message": message}

    def _store(self, request: RateRequest, reason: str) -> int:
        store = self.get_store()
        row_id = self._own(request.row)
        if row_id is not None:
            store.update(row_id, rating=request.rating, reason=reason)
            return row_id
        assert request.rating is not None
        return store.add(
            request.question,
            request.answer,
            request.rating,
            reason or None,
            request.citations,
            channel="ui",
        )
