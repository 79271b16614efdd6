"""The HTTP API's app factory: middleware, Italian error handlers, one router per feature."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware

from api import admin, answers, feedback, glossary, measures, openai_compat
from api.disconnect import StopWhenGone
from api.docs import add_offline_docs
from api.doors import Door, Doors, door_of, routes_of
from api.errors import BODY_ROUTE, EVERY_ROUTE, error_responses, install_error_handlers
from api.follow import following_builds
from api.headers import SecurityHeaders
from api.internal import PrivateEndpoints
from api.logs import REQUEST_ID_HEADER, RequestIds, RequestLog
from api.metrics import instrument
from api.middleware import BodySizeLimit, RateLimit
from api.reindex import BuildIndex, Reindexer
from api.state import OpenAssistant, Services
from core.settings import Settings

# Where a request's work stops when its client goes away (the routes that embed text).
CANCELLABLE = ("/api/ask", "/api/search", "/api/measures/match", "/v1/chat/completions")
# Responses at least this large are gzipped for a client that accepts it (the chat page, its
# script, the documents and glossary it loads); Server-Sent Events never are (Starlette leaves
# text/event-stream alone), so every event still leaves as soon as it is made. Level 6: nearly
# level 9's size for a third of its CPU.
GZIP_MINIMUM_BYTES = 1024
GZIP_LEVEL = 6


def create_api(
    settings: Settings,
    open_services: Callable[[], Services],
    open_assistant: OpenAssistant,
    build_index: BuildIndex,
    side_guards: Sequence[Middleware] = (),
    eval_pages: tuple[str, ...] = (),
) -> FastAPI:
    """The API; `open_services` runs at start-up (the index is opened then, not at import),
    `open_assistant` reopens the index after an admin reindex, which builds with `build_index`
    (the product's build: index and models). `side_guards` guard what the server mounts beside
    the API (the chat UI); the server then adds the mounted app's doors to `app.state.doors`
    (see `list_doors`); the pages under `eval_pages` may run `Function()` (see `api.headers`)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = open_services()
        app.state.reindexer = Reindexer(settings, app.state.services, open_assistant, build_index)
        with following_builds(settings, app.state.services, open_assistant):
            yield

    app = FastAPI(
        title="Chiedi al Piano",
        description="Risposte citate sul Piano metropolitano per l'economia sociale di Torino 2030.",
        version="0.1.0",
        lifespan=lifespan,
        responses=error_responses(*EVERY_ROUTE),
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    protect(app, settings, side_guards, eval_pages)
    install_error_handlers(app)
    add_offline_docs(app)
    app.include_router(answers.router)
    app.include_router(feedback.router)
    if settings.protection.admin_secret:
        app.include_router(admin.router)
    app.include_router(measures.router)
    app.include_router(glossary.router, responses=error_responses(503))
    app.include_router(openai_compat.router, responses=error_responses(*BODY_ROUTE, 503))
    list_doors(app)
    return app


def list_doors(app: FastAPI, mounted: Sequence[Door] = ()) -> Doors:
    """The app's doors, its own routes' and a mounted app's (`mounted`), kept in
    `app.state.doors`, where the rate limit reads them."""
    app.state.doors = Doors(door_of(path, methods) for path, methods in routes_of(app.routes))
    app.state.doors += mounted
    return app.state.doors  # type: ignore[no-any-return]


def protect(
    app: FastAPI,
    settings: Settings,
    side_guards: Sequence[Middleware] = (),
    eval_pages: tuple[str, ...] = (),
) -> None:
    """Everything in front of the routes, from the outside in: the request id, the request log
    (timings, last-resort 500), compression, security headers, metrics, the private side, CORS,
    the per-client rate limit (over `app.state.doors`), the body limit, the side doors' own
    guards, and the watch for clients that left."""
    protection = settings.protection
    # add_middleware puts each one outside the ones before: innermost first.
    app.add_middleware(StopWhenGone, paths=CANCELLABLE)
    for guard in reversed(side_guards):
        app.add_middleware(guard.cls, *guard.args, **guard.kwargs)
    app.add_middleware(BodySizeLimit, max_bytes=protection.max_body_bytes)
    app.add_middleware(RateLimit, budgets=protection.budgets)
    if protection.origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=protection.origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER, "Retry-After"],
        )
    if protection.internal_endpoints == "private":
        app.add_middleware(PrivateEndpoints)
    instrument(app)
    app.add_middleware(SecurityHeaders, eval_prefixes=eval_pages)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)
    app.add_middleware(RequestLog)
    app.add_middleware(RequestIds)
