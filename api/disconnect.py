"""Stop the work of a request whose client has gone: a flag raised when the client disconnects,
which the embedding checks before it starts (`core.workload`). A client that hangs up in the
middle of a streamed answer is no error: the request's log line says `disconnected`, and that
is all (no traceback: a client could repeat it at will)."""

from __future__ import annotations

import threading

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.middleware import under
from core.workload import ClientGone, client_gone


class StopWhenGone:
    """ASGI middleware for the answer endpoints: watches for `http.disconnect` while the route
    works and raises `core.workload.client_gone` for it.

    It sits inside the body limit, which has already read the whole (small) body: the route gets
    that body, then the disconnect when it happens, as without this middleware.
    """

    def __init__(self, app: ASGIApp, paths: tuple[str, ...]) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not under(scope["path"], self.paths):
            await self.app(scope, receive, send)
            return
        body = await receive()
        if body["type"] != "http.request" or body.get("more_body", False):
            await self.app(scope, replaying(body, receive), send)  # not a whole body: as is
            return
        first: Message | None = body
        gone = threading.Event()
        disconnected = anyio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()
            disconnected.set()

        async def replay() -> Message:
            nonlocal first
            if first is not None:
                message, first = first, None
                return message
            await disconnected.wait()
            return {"type": "http.disconnect"}

        token = client_gone.set(gone)
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(watch)
                await self.app(scope, replay, send)
                tasks.cancel_scope.cancel()
        except Exception as exc:
            # After the response started, ClientGone can only travel up (wrapped by Starlette
            # as "response already started", and by the task group): nobody is there to answer.
            if not (gone.is_set() and _caused_by(exc, ClientGone)):
                raise
            scope.setdefault("state", {})["disconnected"] = True
        finally:
            client_gone.reset(token)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether `exc` is a `kind`, or was raised because of one (its cause or context, or one
    of a group's exceptions)."""
    seen: list[BaseException] = [exc]
    while seen:
        current = seen.pop()
        if isinstance(current, kind):
            return True
        seen += getattr(current, "exceptions", ())
        seen += [e for e in (current.__cause__, current.__context__) if e is not None]
    return False


def replaying(first: Message | None, receive: Receive) -> Receive:
    """`receive` that gives `first` (a message already read) once, then the rest."""

    async def replay() -> Message:
        nonlocal first
        if first is not None:
            message, first = first, None
            return message
        return await receive()

    return replay
