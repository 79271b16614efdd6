"""`python -m ui`: the web interface alone (no /api routes) on settings.host:settings.port."""

from __future__ import annotations

import argparse
import sys
from contextlib import asynccontextmanager

from indexer.offline import go_offline


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(
        prog="python -m ui", description="Chiedi al Piano: interfaccia web"
    )
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)

    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import RedirectResponse

    from assistant.service import Assistant
    from indexer.settings import Settings
    from indexer.stores import IndexMissing, ModelMismatch
    from ui.app import UI_PATH, mount_ui

    settings = Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        try:
            app.state.assistant = Assistant.from_settings(settings)
        except (IndexMissing, ModelMismatch) as exc:
            print(f"Errore: {exc}", file=sys.stderr)
            app.state.assistant = None
        yield

    app = FastAPI(title="Chiedi al Piano", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.add_api_route("/", lambda: RedirectResponse(UI_PATH), include_in_schema=False)
    mount_ui(app, lambda: app.state.assistant, settings)
    host, port = args.host or settings.host, args.port or settings.port
    print(f"Chiedi al Piano: interfaccia su http://{host}:{port}{UI_PATH}")
    uvicorn.run(app, host=host, port=port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
