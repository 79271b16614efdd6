"""The endpoints for whoever runs the service, not for its users: the API docs, the schema and
the metrics. With PIANO_INTERNAL_ENDPOINTS=private they answer only on the private side."""

from __future__ import annotations

import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send

from api.middleware import send_json, under

INTERNAL_PATHS = ("/docs", "/redoc", "/openapi.json", "/metrics")
# Headers a proxy adds: a request that carries one came through a proxy, from outside.
_PROXY_HEADERS = (b"x-forwarded-for", b"forwarded", b"x-real-ip")
NOT_FOUND = "Risorsa non trovata."


def from_private_side(scope: Scope) -> bool:
    """A client on this host (loopback) that did not come through a proxy."""
    client = scope.get("client")
    try:
        local = client is not None and ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        local = False
    return local and not any(name in _PROXY_HEADERS for name, _ in scope.get("headers", ()))


class PrivateEndpoints:
    """ASGI middleware: a 404, as if they did not exist, for the internal endpoints when the
    request does not come from the private side."""

    def __init__(self, app: ASGIApp, paths: tuple[str, ...] = INTERNAL_PATHS) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and under(scope["path"], self.paths)
            and not from_private_side(scope)
        ):
            await send_json(send, 404, NOT_FOUND)
            return
        await self.app(scope, receive, send)
