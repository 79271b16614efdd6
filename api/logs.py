"""Structured logs: one JSON object per line, each tagged with the id of the request it serves."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("assistant.requests")

REQUEST_ID_HEADER = "x-request-id"
# A client may bring its own id (a proxy's, a test's); anything else is replaced, so a header
# cannot smuggle newlines or megabytes into the logs.
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

INTERNAL_ERROR = (
    "Errore interno del servizio: riprova tra poco. Se si ripete, segnala il codice "
    "della richiesta {request_id}."
)

# Attributes every LogRecord has: what is left over was passed through `extra=`.
# uvicorn's "color_message" repeats the message with terminal colours.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    """A log line as JSON: time, level, logger, message, request id and the `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id.get()
        if rid:
            line["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and key != "request_id":
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(fmt: str = "json", level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` for the server (uvicorn's `log_config`).

    uvicorn's own access log is switched off: it writes the client's IP address, and our
    request log says the same without it.
    """
    formatter = (
        {"()": JsonFormatter}
        if fmt == "json"
        else {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "defaults": {"request_id": "-"},
        }
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"level": level},
            "uvicorn.access": {"level": "WARNING", "propagate": False},
        },
    }


def _new_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            supplied = value.decode("latin-1")
            if _VALID_ID.fullmatch(supplied):
                return supplied
    return uuid.uuid4().hex


class RequestLog:
    """ASGI middleware: a request id (echoed as X-Request-ID), one log line per request, and
    a last-resort Italian 500 that names the id instead of showing a stack trace.

    Routes put their stage timings in `request.state.timings_ms` and they join the line.
    The client's address is never logged.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _new_id(scope)
        token = request_id.set(rid)
        state = scope.setdefault("state", {})
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error", extra={"request_id": rid, "path": scope.get("path", "")}
            )
            if status == 0:  # nothing sent yet: the client still gets a clean answer
                status = 500
                body = json.dumps(
                    {"detail": INTERNAL_ERROR.format(request_id=rid), "request_id": rid},
                    ensure_ascii=False,
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"x-request-id", rid.encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
        finally:
            fields: dict[str, Any] = {
                "request_id": rid,
                "method": scope.get("method", ""),
                "path": scope.get("path", ""),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }
            timings = state.get("timings_ms") if isinstance(state, dict) else None
            if timings:
                fields["timings_ms"] = timings
            log.info("request", extra=fields)
            request_id.reset(token)
