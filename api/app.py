"""The HTTP API's app factory: middleware, Italian error handlers, one router per feature."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import admin, answers, feedback, glossary, measures, openai_compat
from api.errors import BODY_ROUTE, EVERY_ROUTE, error_responses, install_error_handlers
from api.follow import following_builds
from api.logs import RequestLog
from api.metrics import instrument
from api.middleware import BodySizeLimit, RateLimit
from api.reindex import Reindexer
from api.state import OpenAssistant, Services
from core.settings import Settings


def create_api(
    settings: Settings, open_services: Callable[[], Services], open_assistant: OpenAssistant
) -> FastAPI:
    """The API; `open_services` runs at start-up (the index is opened then, not at import),
    `open_assistant` reopens the index after an admin reindex."""

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
    )
    app.state.settings = settings
    _add_middleware(app, settings)
    install_error_handlers(app)
    app.include_router(answers.router)
    app.include_router(feedback.router)
    if settings.protection.admin_secret:
        app.include_router(admin.router)
    app.include_router(measures.router)
    app.include_router(glossary.router, responses=error_responses(503))
    app.include_router(openai_compat.router, responses=error_responses(*BODY_ROUTE, 503))
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    # Added innermost first: the request log (id, timings, last-resort 500) wraps everything.
    protection = settings.protection
    app.add_middleware(BodySizeLimit, max_bytes=protection.max_body_bytes)
    app.add_middleware(RateLimit, per_minute=protection.rate_limit_per_minute)
    if protection.origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=protection.origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    instrument(app)
    app.add_middleware(RequestLog)
