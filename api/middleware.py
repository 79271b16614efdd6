"""Protection in front of the routes: a request-body size limit and a per-client rate limit."""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = "La richiesta è troppo grande: al massimo {kb} kB."
TOO_MANY = (
    "Troppe richieste da questo indirizzo: al massimo {n} al minuto. Riprova tra {seconds} secondi."
)

# The answer endpoints (the LLM's /api/ask/stream, the measures matcher and /v1/* included),
# feedback, which writes to disk, and admin, which can start a reindex.
RATE_LIMITED = (
    "/api/ask",
    "/api/search",
    "/api/measures/match",
    "/api/feedback",
    "/api/admin",
    "/v1/",
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


class RateLimiter:
    """Token buckets per client key: `per_minute` requests in a burst, refilled evenly.

    Kept in memory only, bounded to `max_clients` keys (least recently seen dropped first).
    """

    def __init__(
        self,
        per_minute: int,
        max_clients: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """Spend one token for `key`; 0 if allowed, else the seconds until one is available."""
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)


class RateLimit:
    """ASGI middleware: an Italian 429 with Retry-After once a client IP spends its budget.

    The IP is the one uvicorn reports (behind a trusted proxy, X-Forwarded-For's); it is held in
    memory for the bucket and never logged or stored.
    """

    def __init__(
        self,
        app: ASGIApp,
        per_minute: int,
        paths: tuple[str, ...] = RATE_LIMITED,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.app = app
        self.per_minute = per_minute
        self.paths = paths
        self.limiter = limiter or (RateLimiter(per_minute) if per_minute > 0 else None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.limiter is None
            or scope["type"] != "http"
            or scope.get("method") == "OPTIONS"
            or not under(scope["path"], self.paths)
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.limiter.take(client[0] if client else "")
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            await send_json(
                send,
                429,
                TOO_MANY.format(n=self.per_minute, seconds=seconds),
                ((b"retry-after", str(seconds).encode()),),
            )
            return
        await self.app(scope, receive, send)
