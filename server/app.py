"""The one wiring point: settings → stores → Assistant → API + UI.

`create_app` is what `python -m assistant serve` runs and what uvicorn's `--factory
server.app:create_app` builds; `create_ui_app` serves the chat alone (`python -m ui`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from starlette.middleware import Middleware

from api.app import create_api, protect
from api.follow import following_builds
from api.state import Services
from assistant.service import Assistant
from core.offline import go_offline
from core.settings import Settings
from server.startup import open_assistant, open_stores
from server.ui_guard import UiGuard, event_paths
from ui.mount import UI_PATH, mount_ui_lazily


def services_opener(settings: Settings, assistant: Assistant | None) -> Callable[[], Services]:
    """Opens the stores and, unless one is given (tests share one), the Assistant."""

    def open_services() -> Services:
        feedback, questions = open_stores(settings)
        if assistant is not None:
            return Services(feedback, questions, assistant)
        # A missing or damaged index: unhealthy, not a crash loop.
        served, error = open_assistant(settings)
        return Services(feedback, questions, served, error)

    return open_services


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> FastAPI:
    """API and chat UI in one app; the index is opened at start-up, not here."""
    go_offline()
    settings = settings or Settings()
    app = create_api(
        settings,
        services_opener(settings, assistant),
        open_assistant,
        side_doors=[ui_guard(settings)],
        side_rate_limited=event_paths(UI_PATH),
    )
    _mount_ui(app, settings)
    return app


def ui_guard(settings: Settings) -> Middleware:
    return Middleware(UiGuard, prefix=UI_PATH, origins=settings.protection.origins)


def create_ui_app(settings: Settings | None = None) -> FastAPI:
    """The chat UI alone, without the /api routes."""
    go_offline()
    settings = settings or Settings()
    open_services = services_opener(settings, None)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = open_services()
        with following_builds(settings, app.state.services, open_assistant):
            yield

    app = FastAPI(
        title="Chiedi al Piano", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    protect(app, settings, event_paths(UI_PATH), [ui_guard(settings)])
    app.add_api_route("/", lambda: RedirectResponse(UI_PATH), include_in_schema=False)
    _mount_ui(app, settings)
    return app


def _mount_ui(app: FastAPI, settings: Settings) -> None:
    def services() -> Services:
        return app.state.services  # type: ignore[no-any-return]

    mount_ui_lazily(
        app,
        get_assistant=lambda: services().assistant,
        get_feedback=lambda: services().feedback,
        settings=settings,
    )
