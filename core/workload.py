"""Bounds on the work one request may cause: it stops when whoever asked has gone (the server
raises a flag when a client disconnects, expensive steps check it before they start), and long
work is refused rather than queued without end."""

from __future__ import annotations

import threading
from contextvars import ContextVar

# Set by the server for the duration of one request; None outside a request (CLI, indexing).
client_gone: ContextVar[threading.Event | None] = ContextVar("client_gone", default=None)


class ClientGone(Exception):
    """The client disconnected: nobody will read the result of this work."""


class Overloaded(Exception):
    """Too much long work is already waiting: refused now rather than answered in minutes."""


def raise_if_client_gone() -> None:
    flag = client_gone.get()
    if flag is not None and flag.is_set():
        raise ClientGone


def serving_request() -> bool:
    """True inside a request the server watches (False in the CLI, a build, a test)."""
    return client_gone.get() is not None
