"""The chat UI's side doors, guarded at the HTTP level: Gradio's own endpoints under /ui.

The UI needs no file uploads, so they are refused; headers by which a client could make Gradio
name another host (X-Forwarded-Host…) are dropped; Gradio's permissive CORS for localhost is
closed unless the origin is one of PIANO_CORS_ORIGINS; and its errors (English, some 500s for a
client's mistake, some naming server paths) become Italian 4xx without paths. The rate limit and
the body limit in front of the API cover /ui too (`api.app.protect`).
"""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.middleware import send_json, under

log = logging.getLogger(__name__)

NO_UPLOADS = "L'interfaccia non accetta file."
INVALID = "Richiesta non valida per l'interfaccia: ricarica la pagina."
ERRORS = {
    403: "Accesso non consentito.",
    404: "Risorsa non trovata.",
    405: "Metodo non consentito per questo indirizzo.",
    413: "Richiesta troppo grande.",
}
# Gradio builds the page's own address from these (`route_utils.get_request_origin`); a proxy
# we trust has already been applied by uvicorn (client, scheme), so they are never needed.
_HOST_HEADERS = (b"x-forwarded-host", b"x-gradio-server", b"x-forwarded-proto")


def event_paths(prefix: str) -> tuple[str, ...]:
    """The Gradio endpoints that run the app's functions: rate limited like /api/ask."""
    api = f"{prefix}/gradio_api"
    # component_server: the chat page's answers and ratings (server functions, no queue).
    return (
        f"{api}/queue/join",
        f"{api}/run",
        f"{api}/call",
        f"{api}/api",
        f"{api}/component_server",
    )


class UiGuard:
    """ASGI middleware for everything under `prefix` (the mounted Gradio app)."""

    def __init__(self, app: ASGIApp, prefix: str, origins: list[str]) -> None:
        self.app = app
        self.prefix = prefix
        self.uploads = (f"{prefix}/gradio_api/upload", f"{prefix}/gradio_api/upload_progress")
        self.origins = {o.encode() for o in origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not under(scope["path"], (self.prefix,)):
            await self.app(scope, receive, send)
            return
        if under(scope["path"], self.uploads):
            await send_json(send, 403, NO_UPLOADS)
            return
        headers = [(n, v) for n, v in scope["headers"] if n not in _HOST_HEADERS]
        origin = next((v for n, v in headers if n == b"origin"), None)
        scope = {**scope, "headers": headers}
        await self.app(scope, receive, _Replies(send, origin in self.origins, scope["path"]))


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
