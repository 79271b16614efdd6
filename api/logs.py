"""Structured logs: one JSON object per line (python-json-logger), each tagged with the id of the
request it serves (asgi-correlation-id, echoed as X-Request-ID)."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as LibraryJsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("assistant.requests")

# The one home of the header's name (CORS lists it, the middleware reads and writes it).
REQUEST_ID_HEADER = "X-Request-ID"
# A client may bring its own id (a proxy's, a test's); anything else is replaced, so a header
# cannot smuggle newlines or megabytes into the logs.
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

INTERNAL_ERROR = (
    "Errore interno del servizio: riprova tra poco. Se si ripete, segnala il codice "
    "della richiesta {request_id}."
)

# The names of a line's fixed fields; uvicorn's "color_message" repeats the message in colour.
_RENAMED = {"asctime": "time", "levelname": "level", "name": "logger", "exc_info": "exception"}
_SKIPPED = [*RESERVED_ATTRS, "color_message", "taskName"]


class JsonFormatter(LibraryJsonFormatter):
    """A log line as JSON: time, level, logger, message, request id and the `extra=` fields."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields=_RENAMED,
            reserved_attrs=_SKIPPED,
            json_ensure_ascii=False,
            json_default=str,
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        rid = log_data.get("request_id") or correlation_id.get()
        if rid:
            log_data["request_id"] = rid


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
            # It warns of every malformed id it replaces: a line a client could repeat at will.
            "asgi_correlation_id": {"level": "ERROR"},
        },
    }


class RequestIds(CorrelationIdMiddleware):
    """ASGI middleware: the request id, the client's if well-formed or else a fresh one, for
    the logs of the request and on its response."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(
            app,
            header_name=REQUEST_ID_HEADER,
            generator=lambda: uuid.uuid4().hex,
            validator=lambda supplied: _VALID_ID.fullmatch(supplied) is not None,
        )


class RequestLog:
    """ASGI middleware: one log line per request, and a last-resort Italian 500 that names the
    request id instead of showing a stack trace.

    Routes put their stage timings in `request.state.timings_ms` and they join the line; a
    client that hung up during a streamed answer is said there too (`disconnected`, see
    `api.disconnect`). The client's address is never logged.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = correlation_id.get() or uuid.uuid4().hex
        state = scope.setdefault("state", {})
        started = time.perf_counter()
        status = 0

        async def send_seen(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_seen)
        except Exception:
            log.exception(
                "unhandled error", extra={"request_id": rid, "path": scope.get("path", "")}
            )
            if status == 0:  # nothing sent yet: the client still gets a clean answer
                status = 500
                await _send_internal_error(send, rid)
        finally:
            fields: dict[str, Any] = {
                "request_id": rid,
                "method": scope.get("method", ""),
                "path": scope.get("path", ""),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }
            if isinstance(state, dict):
                fields.update({k: state[k] for k in ("timings_ms", "disconnected") if state.get(k)})
            log.info("request", extra=fields)


async def _send_internal_error(send: Send, rid: str) -> None:
    body = json.dumps(
        {"detail": INTERNAL_ERROR.format(request_id=rid), "request_id": rid}, ensure_ascii=False
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
