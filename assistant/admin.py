"""The admin endpoints (reindex, feedback export, gap report) behind an API key, and the Reindexer
that rebuilds the index in a background thread and swaps the served Assistant when it is done."""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Security
from fastapi.responses import Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from assistant.errors import error_responses
from assistant.export import feedback_csv
from assistant.feedback import FeedbackStore
from assistant.gap_report import build_gap_report, to_csv_text, to_markdown
from assistant.question_log import QuestionLog
from assistant.startup import open_assistant
from indexer.settings import Settings

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger(__name__)

UNAUTHORIZED = (
    "Chiave di amministrazione mancante o errata: inviala nell'intestazione "
    "X-Admin-Key oppure come Authorization: Bearer."
)
ALREADY_RUNNING = "Una ricostruzione dell'indice è già in corso: attendi che finisca."
FAILED = "Ricostruzione non riuscita ({what}): resta in uso l'indice precedente."


class ReindexStatus(BaseModel):
    state: Literal["idle", "running", "done", "failed"] = Field(
        description="idle: mai avviata; running: in corso; done: finita; failed: non riuscita."
    )
    started: str | None = None
    finished: str | None = None
    served_build: str | None = Field(None, description="L'indice che risponde ora alle domande.")
    message: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Reindexer:
    """One build at a time; while it runs, the old index keeps answering."""

    def __init__(
        self,
        settings: Settings,
        get_assistant: Callable[[], Assistant | None],
        set_assistant: Callable[[Assistant], None],
    ) -> None:
        self.settings = settings
        self.get_assistant = get_assistant
        self.set_assistant = set_assistant
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._status = ReindexStatus(state="idle")

    def start(self) -> bool:
        """Start a build; False if one is already running."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._status = ReindexStatus(state="running", started=_now())
            self._thread = threading.Thread(target=self._run, name="reindex", daemon=True)
            self._thread.start()
            return True

    def status(self) -> ReindexStatus:
        current = self.get_assistant()
        return self._status.model_copy(
            update={"served_build": current.manifest.build_id if current else None}
        )

    def wait(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        from indexer.build import build_index
        from indexer.embedding import PianoEmbedding

        try:
            current = self.get_assistant()
            embedder = current.embedder if current else PianoEmbedding.from_settings(self.settings)
            report = build_index(self.settings, embedder, progress=False)
            if not (report.up_to_date and current is not None):
                assistant, error = open_assistant(self.settings, embedder)
                if assistant is None:
                    raise RuntimeError(error)
                self.set_assistant(assistant)
            status = ReindexStatus(state="done", message=report.summary())
        except Exception as exc:
            log.exception("reindex failed")
            status = ReindexStatus(state="failed", message=FAILED.format(what=type(exc).__name__))
        self._status = status.model_copy(
            update={"started": self._status.started, "finished": _now()}
        )


def admin_router(
    key: str,
    reindexer: Reindexer,
    get_feedback: Callable[[], FeedbackStore],
    get_questions: Callable[[], QuestionLog],
    get_assistant: Callable[[], Any],
) -> APIRouter:
    """`/api/admin/*`, every route behind `key` (compared in constant time)."""
    header_key = APIKeyHeader(
        name="X-Admin-Key", auto_error=False, description="La chiave PIANO_ADMIN_KEY."
    )
    bearer = HTTPBearer(auto_error=False, description="La chiave PIANO_ADMIN_KEY come token.")
    expected = key.encode()

    def require_admin(
        supplied: str | None = Security(header_key),  # noqa: B008
        credentials: HTTPAuthorizationCredentials | None = Security(bearer),  # noqa: B008
    ) -> None:
        given = supplied or (credentials.credentials if credentials else "")
        if not hmac.compare_digest(given.encode(), expected):
            raise HTTPException(401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})

    router = APIRouter(
        prefix="/api/admin",
        tags=["admin"],
        dependencies=[Depends(require_admin)],
        responses=error_responses(401),
    )

    @router.post(
        "/reindex", status_code=202, response_model=ReindexStatus, responses=error_responses(409)
    )
    def reindex() -> ReindexStatus:
        """Ricostruisce l'indice dai documenti in background (incrementale).

        Risponde subito 202; mentre lavora, le domande ricevono risposta dall'indice precedente,
        che viene sostituito solo a ricostruzione completata. Lo stato: `GET /api/admin/reindex`.
        """
        if not reindexer.start():
            raise HTTPException(409, ALREADY_RUNNING)
        return reindexer.status()

    @router.get("/reindex", response_model=ReindexStatus)
    def reindex_status() -> ReindexStatus:
        """Lo stato dell'ultima ricostruzione e l'indice in uso."""
        return reindexer.status()

    @router.get(
        "/feedback.csv",
        response_class=Response,
        responses={
            200: {
                "content": {"text/csv": {"schema": {"type": "string"}}},
                "description": "Una riga per valutazione.",
            }
        },
    )
    def feedback_export() -> Response:
        """Tutte le valutazioni (👍/👎, motivo, fonti citate) in CSV, dalla più vecchia.

        Le celle che un foglio di calcolo eseguirebbe come formule iniziano con un apostrofo.
        """
        return Response(
            feedback_csv(get_feedback().all()),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="feedback.csv"'},
        )

    @router.get(
        "/gap-report",
        response_class=Response,
        responses={
            200: {
                "content": {
                    "text/markdown": {"schema": {"type": "string"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
                "description": "Il rapporto in Markdown o CSV.",
            }
        },
    )
    def gap_report(
        format: Literal["md", "csv"] = Query("md", description="md (Markdown) oppure csv."),
        days: int | None = Query(None, ge=1, le=3650, description="Solo gli ultimi N giorni."),
    ) -> Response:
        """Le domande senza risposta e le risposte giudicate 👎, raggruppate per argomento."""
        report = build_gap_report(get_questions(), get_feedback(), get_assistant(), days)
        if format == "csv":
            return Response(to_csv_text(report), media_type="text/csv")
        return Response(to_markdown(report), media_type="text/markdown")

    return router
