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
from api.errors import BODY_ROUTE, EVERY_ROUTE, error_responses, install_error_handlers
from api.follow import following_builds
from api.headers import SecurityHeaders
from api.internal import PrivateEndpoints
from api.logs import RequestLog
from api.metrics import instrument
from api.middleware import RATE_LIMITED, BodySizeLimit, RateLimit
from api.reindex import Reindexer
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
    side_doors: Sequence[Middleware] = (),
    side_rate_limited: tuple[str, ...] = (),
) -> FastAPI:
    """The API; `open_services` runs at start-up (the index is opened then, not at import),
    `open_assistant` reopens the index after an admin reindex. `side_doors` guard what the
    server mounts beside the API (the chat UI), whose event endpoints `side_rate_limited`
    share the API's per-client budget."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = open_services()
        app.state.reindexer = Reindexer(settings, app.state.services, open_assistant)
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
    protect(app, settings, RATE_LIMITED + side_rate_limited, side_doors)
    install_error_handlers(app)
    add_offline_docs(app)
    app.include_router(answers.router)
    app.include_router(feedback.router)
    if settings.protection.admin_secret:
        app.include_router(admin.router)
    app.include_router(measures.router)
    app.include_router(glossary.router, responses=error_responses(503))
    app.include_router(openai_compat.router, responses=error_responses(*BODY_ROUTE, 503))
    return app


def protect(
    app: FastAPI,
    settings: Settings,
    rate_limited: tuple[str, ...],
    side_doors: Sequence[Middleware] = (),
) -> None:
    """Everything in front of the routes, from the outside in: the request log (id, timings,
    last-resort 500), compression, security headers, metrics, the private side, CORS, the per-client rate
    limit, the body limit, the side doors' own guards, and the watch for clients that left."""
    protection = settings.protection
    # add_middleware puts each one outside the ones before: innermost first.
    app.add_middleware(StopWhenGone, paths=CANCELLABLE)
    for door in reversed(side_doors):
        app.add_middleware(door.cls, *door.args, **door.kwargs)
    app.add_middleware(BodySizeLimit, max_bytes=protection.max_body_bytes)
    app.add_middleware(RateLimit, per_minute=protection.rate_limit_per_minute, paths=rate_limited)
    if protection.origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=protection.origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    if protection.internal_endpoints == "private":
        app.add_middleware(PrivateEndpoints)
    instrument(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)
    app.add_middleware(RequestLog)
