"""The one wiring point: settings → stores → Assistant → API + UI.

`create_app` is what `python -m assistant serve` runs and what uvicorn's `--factory
server.app:create_app` builds; `create_ui_app` is the same app with `/` leading to the chat
(`python -m ui`): the chat page asks and rates through the API, so it needs the API's routes.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from starlette.middleware import Middleware

from api.app import create_api, list_doors
from api.doors import READS, Door
from api.state import Services
from assistant.service import Assistant
from core.offline import go_offline
from core.settings import Settings
from server.indexing import product_build
from server.startup import open_assistant, open_stores
from server.ui_guard import PAGE, UiGuard, gradio_blocks, ui_doors
from ui import document_page
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
        product_build,
        side_guards=[ui_guard(settings)],
        eval_pages=(UI_PATH,),
    )
    app.include_router(document_page.router)
    _mount_ui(app, settings)
    return app


def ui_guard(settings: Settings) -> Middleware:
    return Middleware(UiGuard, prefix=UI_PATH, origins=settings.protection.origins)


def create_ui_app(settings: Settings | None = None) -> FastAPI:
    """The chat UI first: the whole app, with `/` leading to the chat."""
    app = create_app(settings)
    app.add_api_route("/", lambda: RedirectResponse(UI_PATH), include_in_schema=False)
    return app


def _mount_ui(app: FastAPI, settings: Settings) -> None:
    def services() -> Services:
        return app.state.services  # type: ignore[no-any-return]

    def built(shell: FastAPI) -> None:
        # The UI's doors join the app's one list once Gradio is built: the rate limit counts
        # them, the guard opens only them.
        list_doors(app, ui_doors(gradio_blocks(shell, UI_PATH), UI_PATH))

    # Before its first visit the UI is its page (whose first request builds the rest).
    list_doors(app, [Door(UI_PATH + path, READS, "page") for path in PAGE])
    app.state.ui = mount_ui_lazily(
        app, get_assistant=lambda: services().assistant, settings=settings, on_built=built
    )
