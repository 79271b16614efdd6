"""`/api/admin/*` behind the admin key: start a reindex and follow it, export the feedback, the
gap report. Mounted only when `PIANO_ADMIN_KEY` is set."""

from __future__ import annotations

import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Security
from fastapi.responses import Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.errors import error_responses
from api.reindex import Reindexer, ReindexStatus
from api.state import Services, services, settings
from core.settings import Settings
from feedback.export import feedback_csv
from feedback.gap_report import build_gap_report, to_csv_text, to_markdown

UNAUTHORIZED = (
    "Chiave di amministrazione mancante o errata: inviala nell'intestazione "
    "X-Admin-Key oppure come Authorization: Bearer."
)
ALREADY_RUNNING = "Una ricostruzione dell'indice è già in corso: attendi che finisca."

_header_key = APIKeyHeader(
    name="X-Admin-Key", auto_error=False, description="La chiave PIANO_ADMIN_KEY."
)
_bearer = HTTPBearer(auto_error=False, description="La chiave PIANO_ADMIN_KEY come token.")


def require_admin(
    config: Annotated[Settings, Depends(settings)],
    supplied: Annotated[str | None, Security(_header_key)] = None,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> None:
    """The admin key, compared in constant time."""
    expected = (config.protection.admin_secret or "").encode()
    given = supplied or (credentials.credentials if credentials else "")
    if not expected or not hmac.compare_digest(given.encode(), expected):
        raise HTTPException(401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})


def reindexer(request: Request) -> Reindexer:
    return request.app.state.reindexer  # type: ignore[no-any-return]


router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses=error_responses(401),
)
State = Annotated[Services, Depends(services)]
Builds = Annotated[Reindexer, Depends(reindexer)]


@router.post(
    "/reindex", status_code=202, response_model=ReindexStatus, responses=error_responses(409)
)
def reindex(builds: Builds) -> ReindexStatus:
    """Ricostruisce l'indice dai documenti in background (incrementale).

    Risponde subito 202; mentre lavora, le domande ricevono risposta dall'indice precedente,
    che viene sostituito solo a ricostruzione completata. Lo stato: `GET /api/admin/reindex`.
    """
    if not builds.start():
        raise HTTPException(409, ALREADY_RUNNING)
    return builds.status()


@router.get("/reindex", response_model=ReindexStatus)
def reindex_status(builds: Builds) -> ReindexStatus:
    """Lo stato dell'ultima ricostruzione e l'indice in uso."""
    return builds.status()


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
def feedback_export(state: State) -> Response:
    """Tutte le valutazioni (👍/👎, motivo, fonti citate) in CSV, dalla più vecchia.

    Le celle che un foglio di calcolo eseguirebbe come formule iniziano con un apostrofo.
    """
    return Response(
        feedback_csv(state.feedback.all()),
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
    state: State,
    format: Literal["md", "csv"] = Query("md", description="md (Markdown) oppure csv."),
    days: int | None = Query(None, ge=1, le=3650, description="Solo gli ultimi N giorni."),
) -> Response:
    """Le domande senza risposta e le risposte giudicate 👎, raggruppate per argomento."""
    report = build_gap_report(state.questions, state.feedback, state.assistant, days)
    if format == "csv":
        return Response(to_csv_text(report), media_type="text/csv")
    return Response(to_markdown(report), media_type="text/markdown")
