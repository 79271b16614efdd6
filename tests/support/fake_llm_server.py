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

# What the tests configure (PIANO_LLM_TIMEOUT_S): a scripted reply always comes far sooner,
# however busy the machine. A test that needs the LLM to be too slow holds its reply instead
# (`Reply.hold_after`) until it releases it, and uses TRIP_TIMEOUT_S: any timeout trips on a
# reply that is not coming, and this one only has to outlast the gaps between streamed chunks
# the server sends at once.
LLM_TIMEOUT_S = 30.0
TRIP_TIMEOUT_S = 2.0
# A held reply waits at most this long for the test (less than LLM_TIMEOUT_S: a test that never
# releases sees the reply come late and fails on its own assertions, it does not hang).
HOLD_LIMIT_S = 20.0

_PASSAGE = re.compile(
    r"^\[(\d+)\] .*?\n(.*?)(?=\n\n\[\d+\] |\n\nDomanda: )", re.MULTILINE | re.DOTALL
)


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    raw: bytes | None = None  # sent as the body instead of a well-formed completion
    pieces: int = 6  # characters per streamed chunk
    # Streamed chunks sent before the server goes silent until the test releases it (0: silent
    # before anything is sent, streamed or not).
    hold_after: int | None = None


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
        self._released = threading.Event()
        self.expired = False  # a held reply was sent because the test never released it
        self.streamed = 0  # chunks of the latest streamed reply written so far
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
            self._released.set()  # a reply still held by an earlier test goes (to nobody)
            self._released = threading.Event()
            self.expired = False

    def release(self) -> None:
        """Let the held replies (and any later one) go on."""
        self._released.set()

    def hold(self) -> None:
        with self._lock:
            released = self._released
        if not released.wait(HOLD_LIMIT_S):
            self.expired = True

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
        if reply.hold_after == 0:
            self.fake.hold()
        if reply.status != 200:
            self._send(reply.status, json.dumps({"error": {"message": "server error"}}).encode())
        elif not request.get("stream"):
            self._send(
                200, reply.raw if reply.raw is not None else _completion(request, reply.text)
            )
        else:
            self._stream(request, reply)

    def _send(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a held reply)
            pass

    def _stream(self, request: dict[str, Any], reply: Reply) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        if reply.raw is not None:
            self.wfile.write(reply.raw)
            return
        chunks = [reply.text[i : i + reply.pieces] for i in range(0, len(reply.text), reply.pieces)]
        self.fake.streamed = 0
        try:
            for i, piece in enumerate(chunks):
                if reply.hold_after and i == reply.hold_after:
                    self.fake.hold()
                self.wfile.write(_event(_chunk(request, {"content": piece}, None)))
                self.wfile.flush()
                self.fake.streamed = i + 1
            self.wfile.write(_event(_chunk(request, {}, "stop")) + b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a held reply)
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
