"""The HTTP API (FastAPI): thin routes over the one in-process Assistant; errors in Italian."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.admin import Reindexer, admin_router
from assistant.errors import BODY_ROUTE, EVERY_ROUTE, allowed_methods, error_responses
from assistant.feedback import feedback_router
from assistant.logs import RequestLog
from assistant.measures_api import measures_router
from assistant.metrics import instrument
from assistant.middleware import BodySizeLimit, RateLimit
from assistant.models import Answer, SearchResults, Turn
from assistant.openai_compat import openai_router
from assistant.startup import open_assistant, open_stores
from assistant.streaming import answer_sse
from indexer.settings import Settings
from indexer.stores import DocumentInfo

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
MAX_HISTORY_TURNS = (
    100  # more is refused; of what is accepted only the last `max_history_turns` are used
)


def _clean_text(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\n\r\t" or ord(ch) == 127 for ch in value):
        raise ValueError("il testo contiene caratteri di controllo non ammessi")
    value = value.strip()
    if not value:
        raise ValueError("la domanda è vuota")
    return value


# What _clean_text accepts, as a JSON Schema pattern: no control characters but tab and newlines,
# at least one character that is not a space. Clients and fuzzers then know it up front.
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
TEXT_PATTERN = rf"^[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"

CleanText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_QUESTION_CHARS, json_schema_extra={"pattern": TEXT_PATTERN}),
    AfterValidator(_clean_text),
]


def _json_integer(value: Any) -> Any:
    # JSON Schema's integer: 5 or 5.0, never "5" or true (which pydantic's lax mode would take).
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


TopK = Annotated[int, Field(ge=1, le=20), BeforeValidator(_json_integer)]


class AskRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": "Quando è stato presentato il Piano?", "history": []},
                {
                    "question": "E quante persone hanno partecipato?",
                    "history": [
                        {"role": "user", "content": "Cosa è successo il 5 dicembre 2024?"},
                        {"role": "assistant", "content": "Si è tenuto l'evento partecipativo…"},
                    ],
                },
            ]
        }
    )

    question: CleanText = Field(
        description=f"La domanda, in italiano (max {MAX_QUESTION_CHARS} caratteri)."
    )
    history: list[Turn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_TURNS,
        description="Turni precedenti (role user/assistant), dal più vecchio; servono per le "
        f"domande di seguito. Oltre {MAX_HISTORY_TURNS} turni la richiesta è rifiutata; dei turni "
        "accettati si usano solo gli ultimi.",
    )
    top_k: TopK | None = Field(None, description="Passaggi da citare al massimo (1–20).")


class SearchRequest(BaseModel):
    query: CleanText = Field(description="Testo da cercare nei documenti.")
    top_k: TopK | None = Field(None, description="Quanti passaggi restituire (1–20).")


class Health(BaseModel):
    status: str
    documents: int = 0
    chunks: int = 0
    embedding_model: str | None = None
    index_built: str | None = None
    message: str | None = None


HTTP_ITALIAN = {
    400: ("Bad Request", "Il corpo della richiesta non è JSON valido o non è UTF-8."),
    404: ("Not Found", "Risorsa non trovata."),
    405: ("Method Not Allowed", "Metodo non consentito per questo indirizzo."),
    413: ("Request Entity Too Large", "Richiesta troppo grande."),
    415: ("Unsupported Media Type", "Tipo di contenuto non supportato: usa application/json."),
}


def _italian_error(err: dict[str, Any]) -> str:
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
        return "La domanda è vuota."
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"'{where}' fuori intervallo (ammessi valori da 1 a 20)."
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


def create_app(settings: Settings | None = None, assistant: Any = None) -> FastAPI:
    """The app; `assistant` may be given (tests share one), else it is built at startup."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        app.state.assistant = assistant
        app.state.index_error = None
        app.state.feedback, app.state.questions = open_stores(settings)
        if assistant is None:  # a missing or damaged index: unhealthy, not a crash loop
            app.state.assistant, app.state.index_error = open_assistant(settings)
        yield

    app = FastAPI(
        title="Chiedi al Piano",
        description="Risposte citate sul Piano metropolitano per l'economia sociale di Torino 2030.",
        version="0.1.0",
        lifespan=lifespan,
        responses=error_responses(*EVERY_ROUTE),
    )
    # Added innermost first: the request log (id, timings, last-resort 500) wraps everything.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    if origins := [o.strip() for o in settings.cors_origins.split(",") if o.strip()]:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    instrument(app)
    app.add_middleware(RequestLog)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        messages = list(dict.fromkeys(_italian_error(e) for e in errors))
        status = 400 if any(e.get("type") == "json_invalid" for e in errors) else 422
        return JSONResponse(
            {
                "detail": " ".join(messages),
                "errors": jsonable_encoder(errors, exclude={"input", "ctx", "url"}),
            },
            status_code=status,
        )

    @app.exception_handler(StarletteHTTPException)
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

    def service(request: Request) -> Any:
        if request.app.state.assistant is None:
            raise HTTPException(503, request.app.state.index_error or "Indice non disponibile.")
        return request.app.state.assistant

    @app.post("/api/ask", response_model=Answer, responses=error_responses(*BODY_ROUTE, 503))
    def ask(body: AskRequest, request: Request) -> Answer:
        """Risponde a una domanda in italiano citando i passaggi dei documenti.

        Ogni frase della risposta è una citazione testuale seguita dal suo marcatore [n], che
        rimanda a `citations[n-1]`. Se i documenti non ne parlano, `abstained` è true e le
        citazioni sono i passaggi più vicini. Le domande di seguito ("E per i giovani?") vanno
        inviate con i turni precedenti in `history`. Se il server usa un LLM (`mode` = "llm"), le
        frasi sono scritte dal modello e ciascuna è verificata sul passaggio che cita.
        """
        answer = service(request).ask(body.question, body.history, body.top_k)
        request.state.timings_ms = answer.timings_ms
        if settings.log_questions:
            request.app.state.questions.record(body.question, answer.abstained)
        return answer

    @app.post(
        "/api/ask/stream",
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {"text/event-stream": {}},
                "description": "Eventi SSE: `delta`, poi `citations` e `done`.",
            },
            **error_responses(*BODY_ROUTE, 503),
        },
    )
    def ask_stream(body: AskRequest, request: Request) -> StreamingResponse:
        """Come /api/ask, ma la risposta arriva man mano (Server-Sent Events).

        Eventi: `delta` ({"text": …}) con i pezzi del testo, già verificati sulle fonti, nell'ordine;
        poi `citations` (la lista delle citazioni) e `done` (la Answer completa, come /api/ask).
        Unendo i `delta` si ottiene `done.answer`. Senza LLM la risposta estrattiva arriva riga per riga.
        """
        assistant = service(request)

        def events():  # type: ignore[no-untyped-def]
            for event in assistant.ask_stream(body.question, body.history, body.top_k):
                if isinstance(event, Answer) and settings.log_questions:
                    request.app.state.questions.record(body.question, event.abstained)
                yield event

        return StreamingResponse(
            answer_sse(events()),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.post(
        "/api/search", response_model=SearchResults, responses=error_responses(*BODY_ROUTE, 503)
    )
    def search(body: SearchRequest, request: Request) -> SearchResults:
        """Cerca i passaggi più pertinenti (ricerca ibrida semantica + parole chiave)."""
        results = service(request).search(body.query, body.top_k)
        request.state.timings_ms = results.timings_ms
        return results

    @app.get("/api/documents", response_model=list[DocumentInfo], responses=error_responses(503))
    def documents(request: Request) -> list[DocumentInfo]:
        """I documenti indicizzati, con i metadati e il numero di passaggi."""
        return service(request).manifest.documents

    @app.get("/api/health", response_model=Health, responses={503: {"model": Health}})
    def health(request: Request) -> Any:
        """Stato del servizio: documenti, passaggi e modello di embedding dell'indice."""
        service_ = request.app.state.assistant
        if service_ is None:
            return JSONResponse(
                Health(status="unavailable", message=request.app.state.index_error).model_dump(),
                status_code=503,
            )
        m = service_.manifest
        return Health(
            status="ok",
            documents=len(m.documents),
            chunks=m.chunks,
            embedding_model=m.embedder_id,
            index_built=m.created,
        )

    app.include_router(
        feedback_router(lambda: app.state.feedback), responses=error_responses(*BODY_ROUTE)
    )
    if settings.admin_key and settings.admin_key.get_secret_value():

        def swap_assistant(new: Any) -> None:
            app.state.assistant, app.state.index_error = new, None

        app.state.reindexer = Reindexer(settings, lambda: app.state.assistant, swap_assistant)
        app.include_router(
            admin_router(
                settings.admin_key.get_secret_value(),
                app.state.reindexer,
                lambda: app.state.feedback,
                lambda: app.state.questions,
                lambda: app.state.assistant,
            )
        )
    app.include_router(measures_router(lambda: app.state.assistant))
    app.include_router(
        openai_router(lambda: app.state.assistant, CleanText),
        responses=error_responses(*BODY_ROUTE, 503),
    )
    from ui.app import mount_ui  # imports Gradio: only when an app is built

    mount_ui(app, lambda: app.state.assistant, settings, get_feedback=lambda: app.state.feedback)
    return app
