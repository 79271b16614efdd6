"""A small OpenAI-compatible chat server on 127.0.0.1 for the tests, scripted per test.

It speaks the real protocol (POST /v1/chat/completions, JSON or Server-Sent Events when the
request says `"stream": true`), so the code under test runs unpatched through LlamaIndex's
OpenAILike and the openai client. Each request takes the next scripted `Reply` (the last one
repeats); a reply may also be a function of the request, to cite passages by the numbers the
prompt gave them.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LLM_TIMEOUT_S = 1.0  # what the tests configure (PIANO_LLM_TIMEOUT_S); slow replies sleep longer

_PASSAGE = re.compile(
    r"^\[(\d+)\] .*?\n(.*?)(?=\n\n\[\d+\] |\n\nDomanda: )", re.MULTILINE | re.DOTALL
)


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    delay: float = 0.0  # seconds before anything is sent
    raw: bytes | None = None  # sent as the body instead of a well-formed completion
    pieces: int = 6  # characters per streamed chunk
    stall_after: int | None = None  # streamed chunks sent before the server goes silent
    stall: float = 0.0


Script = Reply | Callable[[dict[str, Any]], Reply]


def passages(request: dict[str, Any]) -> dict[int, str]:
    """The numbered passages of an answer prompt: number → passage text."""
    user = next(m["content"] for m in reversed(request["messages"]) if m["role"] == "user")
    return {int(n): text for n, text in _PASSAGE.findall(user + "\n\nDomanda: ")}


def number_of(request: dict[str, Any], phrase: str) -> int:
    """The marker the prompt gave to the passage containing `phrase`."""
    return next(n for n, text in passages(request).items() if phrase in text)


class FakeLLM:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._script: list[Script] = [Reply("Non lo so.")]
        self._served = 0
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def script(self, *replies: Script) -> None:
        with self._lock:
            self._script = list(replies)
            self._served = 0
            self.requests.clear()

    def next_reply(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(request)
            script = self._script[min(self._served, len(self._script) - 1)]
            self._served += 1
        return script(request) if callable(script) else script

    def start(self) -> FakeLLM:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeLLM

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, b'{"error": {"message": "not found"}}')
            return
        request = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        try:
            reply = self.fake.next_reply(request)
        except Exception as exc:  # a scripted function that failed: say so, as a server would
            self._send(500, json.dumps({"error": {"message": f"script failed: {exc!r}"}}).encode())
            raise
        time.sleep(reply.delay)
        if reply.status != 200:
            self._send(reply.status, json.dumps({"error": {"message": "server error"}}).encode())
        elif not request.get("stream"):
            self._send(
                200, reply.raw if reply.raw is not None else _completion(request, reply.text)
            )
        else:
            self._stream(request, reply)

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, request: dict[str, Any], reply: Reply) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        if reply.raw is not None:
            self.wfile.write(reply.raw)
            return
        chunks = [reply.text[i : i + reply.pieces] for i in range(0, len(reply.text), reply.pieces)]
        try:
            for i, piece in enumerate(chunks):
                if reply.stall_after is not None and i == reply.stall_after:
                    time.sleep(reply.stall)
                self.wfile.write(_event(_chunk(request, {"content": piece}, None)))
                self.wfile.flush()
            self.wfile.write(_event(_chunk(request, {}, "stop")) + b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass


def _completion(request: dict[str, Any], text: str) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    ).encode()


def _chunk(request: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _event(data: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(data)}\n\n".encode()
