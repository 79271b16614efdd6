"""The one shape of an API error (an Italian message in `detail`) and the error responses each
route declares in the OpenAPI schema, so clients and schema checkers know every status."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.routing import Route


class ApiError(BaseModel):
    """An error: `detail` says in Italian what went wrong and what to do."""

    detail: str = Field(description="Messaggio in italiano.")
    errors: list[dict[str, Any]] | None = Field(
        None, description="Per le richieste non valide: dove e quale errore (loc, type, msg)."
    )
    request_id: str | None = Field(
        None, description="Per gli errori interni: il codice da segnalare."
    )


_DESCRIPTIONS = {
    400: "Corpo non JSON, non UTF-8 o intestazioni non valide.",
    401: "Chiave di amministrazione mancante o errata.",
    409: "Operazione già in corso.",
    413: "Corpo della richiesta oltre il limite (PIANO_MAX_BODY_BYTES).",
    422: "Richiesta non valida: il messaggio dice quale campo e perché.",
    429: "Troppe richieste da questo indirizzo: riprovare dopo `Retry-After` secondi.",
    500: "Errore interno: il messaggio riporta il codice della richiesta.",
    503: "Indice non disponibile: il messaggio dice come costruirlo.",
}
_HEADERS = {
    429: {"Retry-After": {"description": "Secondi da attendere.", "schema": {"type": "integer"}}},
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry of a route for these error statuses."""
    return {
        code: {
            "model": ApiError,
            "description": _DESCRIPTIONS[code],
            **({"headers": _HEADERS[code]} if code in _HEADERS else {}),
        }
        for code in codes
    }


# Any route can meet these: a malformed request, an invalid parameter or body (the app's one
# validation handler answers ApiError, not FastAPI's default shape), an oversized body, a crash.
EVERY_ROUTE = (400, 413, 422, 500)
# Routes that are rate limited.
BODY_ROUTE = (422, 429)


def allowed_methods(app: Starlette, path: str) -> str:
    """The Allow header of a 405: the methods of every route at `path`, not just the first."""
    methods = {
        m
        for route in app.routes
        if isinstance(route, Route) and route.methods and route.path_regex.fullmatch(path)
        for m in route.methods
    }
    return ", ".join(sorted(methods - {"HEAD"}))  # HEAD comes implicitly with GET
