"""The one shape of an API error (an Italian message in `detail`), the handlers that give every
framework error that shape, and the error responses each route declares in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from core.workload import ClientGone, Overloaded
from feedback.database import FeedbackUnavailable


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
    404: "Non trovato: il messaggio dice che cosa (ad esempio un profilo sconosciuto).",
    409: "Operazione già in corso.",
    413: "Corpo della richiesta oltre il limite (PIANO_MAX_BODY_BYTES).",
    422: "Richiesta non valida: il messaggio dice quale campo e perché.",
    429: "Troppe richieste da questo indirizzo: riprovare dopo `Retry-After` secondi.",
    500: "Errore interno: il messaggio riporta il codice della richiesta.",
    503: "Servizio non disponibile (indice o archivio delle valutazioni: il messaggio dice perché), "
    "oppure occupato da testi molto lunghi: riprovare dopo `Retry-After` secondi.",
    507: "Spazio su disco esaurito: la valutazione non è stata salvata.",
}
_RETRY_AFTER = {
    "Retry-After": {"description": "Secondi da attendere.", "schema": {"type": "integer"}}
}
_HEADERS = {429: _RETRY_AFTER, 507: _RETRY_AFTER}


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


HTTP_ITALIAN = {
    400: ("Bad Request", "Il corpo della richiesta non è JSON valido o non è UTF-8."),
    404: ("Not Found", "Risorsa non trovata."),
    405: ("Method Not Allowed", "Metodo non consentito per questo indirizzo."),
    413: ("Request Entity Too Large", "Richiesta troppo grande."),
    415: ("Unsupported Media Type", "Tipo di contenuto non supportato: usa application/json."),
}


def italian_error(err: dict[str, Any]) -> str:
    """One of pydantic's errors, said in Italian."""
    where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "richiesta"
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "json_invalid":
        return "Il corpo della richiesta non è JSON valido (o non è UTF-8)."
    if kind == "missing":
        return f"Manca il campo obbligatorio '{where}'."
    if kind in ("string_too_long", "too_long"):
        return f"'{where}' è troppo lungo (massimo {ctx.get('max_length')})."
    if kind in ("string_too_short",):
        return "La domanda è vuota." if where in ("question", "query") else f"'{where}' è vuoto."
    if kind == "too_short":
        return f"'{where}' deve avere almeno {ctx.get('min_length')} elementi."
    if kind == "greater_than_equal":
        return f"'{where}' fuori intervallo (deve essere almeno {ctx.get('ge')})."
    if kind == "less_than_equal":
        return f"'{where}' fuori intervallo (deve essere al massimo {ctx.get('le')})."
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", " oppure ")
        return f"'{where}' deve essere {expected}."
    if kind == "value_error":
        return f"'{where}': {str(ctx.get('error', err.get('msg', '')))}."
    if kind == "string_unicode":
        return f"'{where}' contiene caratteri Unicode non validi."
    if kind == "extra_forbidden":
        return f"Campo non previsto: '{where}'."
    if kind.endswith("_type") or kind.endswith("_parsing") or kind == "model_attributes_type":
        return f"'{where}' ha un tipo non valido."
    return f"Richiesta non valida in '{where}'."


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    messages = list(dict.fromkeys(italian_error(e) for e in errors))
    status = 400 if any(e.get("type") == "json_invalid" for e in errors) else 422
    return JSONResponse(
        {
            "detail": " ".join(messages),
            # Where and which error for programs (`loc`, `type`), and what it means in Italian.
            "errors": [
                {
                    "type": e.get("type"),
                    "loc": jsonable_encoder(e.get("loc")),
                    "msg": italian_error(e),
                }
                for e in errors
            ],
        },
        status_code=status,
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    # Framework errors arrive in English; users get Italian.
    detail = exc.detail if isinstance(exc.detail, str) else ""
    if (
        not detail
        or detail == HTTP_ITALIAN.get(exc.status_code, (None, None))[0]
        or (exc.status_code == 400 and "parsing the body" in detail)
    ):
        detail = HTTP_ITALIAN.get(exc.status_code, (None, "Richiesta non valida."))[1]
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:  # Starlette lists only the first matching route's methods
        headers = {**(headers or {}), "Allow": allowed_methods(request.app, request.url.path)}
    return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)


# The feedback database cannot take a write: the answers do not depend on it.
FEEDBACK_UNAVAILABLE = {
    "full": (
        507,
        "Lo spazio su disco del servizio è esaurito: la valutazione non è stata salvata. "
        "Le risposte continuano a funzionare; riprova più tardi.",
    ),
    "unreachable": (
        503,
        "L'archivio delle valutazioni non è raggiungibile in questo momento: la valutazione non "
        "è stata salvata. Le risposte continuano a funzionare; riprova tra poco.",
    ),
}
FEEDBACK_RETRY_AFTER_S = 30


async def _feedback_unavailable(request: Request, exc: FeedbackUnavailable) -> JSONResponse:
    status, detail = FEEDBACK_UNAVAILABLE[exc.fault]
    return JSONResponse(
        {"detail": detail},
        status_code=status,
        headers={"Retry-After": str(FEEDBACK_RETRY_AFTER_S)},
    )


OVERLOADED = (
    "Il servizio è occupato da testi molto lunghi: riprova tra {seconds} secondi "
    "(o con un testo più breve)."
)
OVERLOADED_RETRY_S = 5


async def _overloaded(request: Request, exc: Overloaded) -> JSONResponse:
    return JSONResponse(
        {"detail": OVERLOADED.format(seconds=OVERLOADED_RETRY_S)},
        status_code=503,
        headers={"Retry-After": str(OVERLOADED_RETRY_S)},
    )


async def _client_gone(request: Request, exc: ClientGone) -> Response:
    # Nobody reads it; 499 (nginx's "client closed request") is what the request log shows.
    return Response(status_code=499)


def install_error_handlers(app: FastAPI) -> None:
    """Every validation and HTTP error of `app` answered as an `ApiError`, in Italian."""
    app.add_exception_handler(FeedbackUnavailable, _feedback_unavailable)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Overloaded, _overloaded)  # type: ignore[arg-type]
    app.add_exception_handler(ClientGone, _client_gone)  # type: ignore[arg-type]
