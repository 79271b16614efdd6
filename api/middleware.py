"""Protection in front of the routes: a request-body size limit and a per-client rate limit."""

from __future__ import annotations

import json
import math
import time

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.doors import Doors, Kind

TOO_LARGE = "La richiesta è troppo grande: al massimo {kb} kB."
TOO_MANY = (
    "Troppe richieste da questo indirizzo: al massimo {n} al minuto. Riprova tra {seconds} secondi."
)


async def send_json(
    send: Send, status: int, detail: str, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in prefixes)


class BodySizeLimit:
    """Refuse bodies over `max_bytes` with an Italian 413, before any route parses them.

    A declared Content-Length is refused at once; a chunked body (no Content-Length) is read
    up to the limit and refused as soon as it passes it, so a client cannot stream megabytes.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, exempt: tuple[str, ...] = ()):
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt
        self.message = TOO_LARGE.format(kb=max_bytes // 1024)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or under(scope["path"], self.exempt):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                if not value.isdigit():
                    await send_json(send, 400, "Intestazione Content-Length non valida.")
                    return
                if int(value) > self.max_bytes:
                    await send_json(send, 413, self.message, ((b"connection", b"close"),))
                    return
        # Read the whole (small) body now: then the route never sees more than the limit.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await send_json(send, 413, self.message, ((b"connection", b"close"),))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body: bytes | None = b"".join(chunks)

        async def replay() -> Message:
            nonlocal body
            if body is not None:
                message = {"type": "http.request", "body": body, "more_body": False}
                body = None
                return message
            return await receive()  # after the body: wait for the disconnect, as usual

        await self.app(scope, replay, send)


class RateLimit:
    """ASGI middleware: an Italian 429 with Retry-After once a client address spends the budget
    of the door it knocks on (`api.doors`: `work` or `page`, per minute).

    The doors are the app's own list (`app.state.doors`), read when a request arrives. Counted by
    `limits` (a sliding window of one minute, in this process's memory: two counters per address
    and budget, expired by the library). The address is the one uvicorn reports (behind a
    trusted proxy, X-Forwarded-For's); it is held in memory for the count and never logged or
    stored.
    """

    def __init__(self, app: ASGIApp, budgets: dict[Kind, int]) -> None:
        self.app = app
        self.items = {k: RateLimitItemPerMinute(n) for k, n in budgets.items() if n > 0}
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "OPTIONS":
            await self.app(scope, receive, send)
            return
        doors: Doors = scope["app"].state.doors
        kind = doors.kind(scope["method"], scope["path"])
        item = self.items.get(kind)
        client = scope.get("client")
        address = client[0] if client else ""
        if item is None or self.limiter.hit(item, kind, address):
            await self.app(scope, receive, send)
            return
        reset = self.limiter.get_window_stats(item, kind, address).reset_time
        seconds = max(1, math.ceil(reset - time.time()))
        await send_json(
            send,
            429,
            TOO_MANY.format(n=item.amount, seconds=seconds),
            ((b"retry-after", str(seconds).encode()),),
        )
