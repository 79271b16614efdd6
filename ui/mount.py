"""The chat UI at /ui, built at its first request: importing Gradio and building the page take
about 2 s and 70 MiB, which a server that only answers the API never needs, and which kept a
server from answering for the first seconds after it started."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from core.paths import UI
from core.settings import Settings

if TYPE_CHECKING:
    from assistant.service import Assistant

UI_PATH = UI

log = logging.getLogger(__name__)


class LazyUi:
    """An ASGI app that builds the Gradio app on its first request (in a worker thread, so the
    API keeps answering meanwhile), starts it as Gradio's own mount would, then hands every
    request to it. `close()` stops it with the server."""

    def __init__(
        self, build: Callable[[], FastAPI], on_built: Callable[[FastAPI], None] | None = None
    ) -> None:
        self._build = build
        self._on_built = on_built
        self._app: ASGIApp | None = None
        # A mounted app with routes of its own describes its doors itself (`api.doors`): the
        # chat's are listed once it is built (`on_built`).
        self.routes: list[object] = []
        self._lock = asyncio.Lock()
        self._running = AsyncExitStack()

    async def _ready(self) -> ASGIApp:
        async with self._lock:
            if self._app is None:
                shell = await asyncio.to_thread(self.built)
                # What gr.mount_gradio_app put in the shell's lifespan: Gradio's queue and
                # cleaners, started on this event loop.
                await self._running.enter_async_context(shell.router.lifespan_context(shell))
                self._app = shell.router.routes[-1].app  # type: ignore[attr-defined]
                log.info("chat UI built at its first request")
        return self._app

    def get_blocks(self) -> Any:
        """The Gradio Blocks of the built app (`server.ui_guard.gradio_blocks` reads them)."""
        if self._app is None:
            raise RuntimeError("the chat UI is not built yet")
        return self._app.get_blocks()  # type: ignore[attr-defined]

    def built(self) -> FastAPI:
        """Build the Gradio app (and tell `on_built`); what the first request does, also called
        without a request by whoever must know the UI's doors (`tests/deploy`, nginx's check)."""
        shell = self._build()
        if self._on_built is not None:
            self._on_built(shell)
        return shell

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self._app or await self._ready()
        await app(scope, receive, send)

    async def close(self) -> None:
        await self._running.aclose()


def mount_ui_lazily(
    app: FastAPI,
    get_assistant: Callable[[], Assistant | None],
    settings: Settings,
    on_built: Callable[[FastAPI], None] | None = None,
) -> LazyUi:
    """Serve the chat UI at UI_PATH of `app`, built when it is first asked for; `on_built` is
    told the Gradio app once it is."""

    def build() -> FastAPI:
        from ui.app import mount_ui

        shell = FastAPI()
        # Gradio leaves CORS to a parent app that configures it (PIANO_CORS_ORIGINS).
        shell.user_middleware = app.user_middleware
        mount_ui(shell, get_assistant, settings, path=UI_PATH)
        return shell

    ui = LazyUi(build, on_built)
    app.mount(UI_PATH, ui)
    served = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with served(app) as state:
            try:
                yield state
            finally:
                await ui.close()

    app.router.lifespan_context = lifespan
    return ui
