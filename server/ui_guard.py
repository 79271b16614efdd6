"""The chat UI's side doors, guarded at the HTTP level: Gradio's own endpoints under /ui.

Only the doors the page uses are open (`ui_doors`, read from the Gradio app: its page and files,
and the endpoints of the functions it registers); every other Gradio path answers 404, as if it
did not exist (its API pages, `info`, `openapi.json`, `monitoring`, `dev/reload`,
`process_recording`, `file=`, `login`…). An event names a function of the kind its endpoint runs
(a plain call on `run/predict`, a queued one on `queue/join`). Uploads are refused; headers by
which a client could make Gradio name another host (X-Forwarded-Host…) are dropped; Gradio's
permissive CORS for localhost is closed unless the origin is one of PIANO_CORS_ORIGINS; and its
errors (English, some 500s for a client's mistake, some naming server paths) become Italian 4xx
without paths. The rate limit and the body limit in front of the API cover /ui too
(`api.app.protect`).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.disconnect import replaying
from api.doors import READS, Door, Doors
from api.internal import NOT_FOUND
from api.middleware import send_json, under

if TYPE_CHECKING:  # a server answering the API never imports Gradio (the UI is built lazily)
    import gradio as gr

log = logging.getLogger(__name__)

NO_UPLOADS = "L'interfaccia non accetta file."
INVALID = "Richiesta non valida per l'interfaccia: ricarica la pagina."
ERRORS = {
    403: "Accesso non consentito.",
    404: NOT_FOUND,
    405: "Metodo non consentito per questo indirizzo.",
    413: "Richiesta troppo grande.",
}
# Gradio builds the page's own address from these (`route_utils.get_request_origin`); a proxy
# we trust has already been applied by uvicorn (client, scheme), so they are never needed.
_HOST_HEADERS = (b"x-forwarded-host", b"x-gradio-server", b"x-forwarded-proto")
# The page and its files: what a browser loads before any function runs.
PAGE = ("", "/", "/assets/{path:path}", "/static/{path:path}", "/theme.css", "/favicon.ico")
POST = frozenset({"POST"})
# The endpoints that run a registered function, by whether the function is queued.
PLAIN_CALL = "/gradio_api/run/predict"
QUEUED_CALL = "/gradio_api/queue/join"


def gradio_blocks(app: FastAPI, prefix: str) -> gr.Blocks:
    """The Blocks of the Gradio app mounted at `prefix`."""
    [mounted] = [r.app for r in app.routes if isinstance(r, Mount) and r.path == prefix]
    return mounted.get_blocks()  # type: ignore[attr-defined,no-any-return]


def ui_doors(blocks: gr.Blocks, prefix: str) -> list[Door]:
    """The Gradio endpoints the page calls, from what the app registers: the page and its files;
    `run/predict` if a function runs without the queue, `queue/join` (and its event stream) if
    one runs in it, `component_server` if a component has server functions, the heartbeat if
    Gradio asks the page for one. A function removed takes its door with it."""
    doors = [Door(prefix + path, READS, "page") for path in PAGE]
    fns = list(blocks.fns.values())
    if any(not fn.queue for fn in fns):
        doors.append(Door(prefix + PLAIN_CALL, POST, "work"))
    if any(fn.queue for fn in fns):
        doors.append(Door(prefix + QUEUED_CALL, POST, "work"))
        doors.append(Door(prefix + "/gradio_api/queue/data", READS, "page"))
    if any(getattr(block, "server_fns", None) for block in blocks.blocks.values()):
        for path in ("/gradio_api/component_server", "/gradio_api/component_server/"):
            doors.append(Door(prefix + path, POST, "work"))
    if blocks.config and blocks.config.get("connect_heartbeat"):
        doors.append(Door(prefix + "/gradio_api/heartbeat/{session_hash}", READS, "page"))
    return doors


class UiGuard:
    """ASGI middleware for everything under `prefix` (the mounted Gradio app)."""

    def __init__(self, app: ASGIApp, prefix: str, origins: list[str]) -> None:
        self.app = app
        self.prefix = prefix
        self.uploads = (f"{prefix}/gradio_api/upload", f"{prefix}/gradio_api/upload_progress")
        self.origins = {o.encode() for o in origins}
        self._queued: dict[int, bool] | None = None  # fn_index → whether it runs in the queue

    def _queued_fns(self, scope: Scope) -> dict[int, bool]:
        """The mounted app's functions, read at its first event (the app is complete by then)."""
        if self._queued is None:
            blocks = gradio_blocks(scope["app"], self.prefix)
            self._queued = {fn._id: bool(fn.queue) for fn in blocks.fns.values()}
        return self._queued

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not under(scope["path"], (self.prefix,)):
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if under(path, self.uploads):
            await send_json(send, 403, NO_UPLOADS)
            return
        doors: Doors = scope["app"].state.doors  # the app's one list (`ui_doors` for /ui)
        if not any(door.admits(method, path) for door in doors.under(self.prefix)):
            await send_json(send, 404, NOT_FOUND)
            return
        if path.endswith((PLAIN_CALL, QUEUED_CALL)):
            queued = self._queued_fns(scope)
            checked = await self._checked_event(queued, path.endswith(QUEUED_CALL), receive, send)
            if checked is None:
                return
            receive = checked
        headers = [(n, v) for n, v in scope["headers"] if n not in _HOST_HEADERS]
        origin = next((v for n, v in headers if n == b"origin"), None)
        scope = {**scope, "headers": headers}
        await self.app(scope, receive, _Replies(send, origin in self.origins, path))

    async def _checked_event(
        self, fns: dict[int, bool], queued: bool, receive: Receive, send: Send
    ) -> Receive | None:
        """The event's body, replayed, if it names a function of the kind this endpoint runs;
        else an Italian 400 is sent and None returned. The body limit outside has read the
        whole (small) body already."""
        message = await receive()
        try:
            fn_index = json.loads(message.get("body", b"") or b"{}").get("fn_index")
        except (ValueError, AttributeError):
            fn_index = None
        if not isinstance(fn_index, int) or fns.get(fn_index) is not queued:
            await send_json(send, 400, INVALID)
            return None
        return replaying(message, receive)


class _Replies:
    """Gradio's replies as they leave: CORS headers dropped for other origins, errors rewritten."""

    def __init__(self, send: Send, cors_allowed: bool, path: str) -> None:
        self.send = send
        self.cors_allowed = cors_allowed
        self.path = path
        self.error: Message | None = None  # the start of an error reply, held back
        self.body = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (n, v)
                for n, v in message.get("headers", [])
                if self.cors_allowed or not n.lower().startswith(b"access-control-")
            ]
            message = {**message, "headers": headers}
            if message["status"] >= 400:
                self.error = message
                return
        elif message["type"] == "http.response.body" and self.error is not None:
            self.body += message.get("body", b"")
            if message.get("more_body", False):
                return
            await self._send_italian()
            return
        await self.send(message)

    async def _send_italian(self) -> None:
        assert self.error is not None
        status = self.error["status"]
        if status >= 500:  # Gradio's routes fail this way on a malformed event (fn_index 999…)
            log.warning(
                "gradio error %s on %s answered as 400: %s", status, self.path, self.body[:300]
            )
            status = 400
        body = json.dumps({"detail": ERRORS.get(status, INVALID)}, ensure_ascii=False).encode()
        keep = [
            (n, v)
            for n, v in self.error["headers"]
            if n.lower() not in (b"content-type", b"content-length")
        ]
        await self.send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    *keep,
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await self.send({"type": "http.response.body", "body": body})
