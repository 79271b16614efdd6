"""Security headers on every response: no MIME sniffing, no framing by other sites, no referrer,
and a Content-Security-Policy that lets a page run only its own scripts.

A page's inline scripts are allowed one by one by their hash (computed on the page as it leaves),
never by 'unsafe-inline': markup that reaches a page some other way (a poisoned conversation in
localStorage, a document's text) cannot run an inline handler (`onerror=`, `onclick=`) or a
script of its own. The chat page (Gradio) also needs 'unsafe-eval': its HTML component compiles
each component's template, and runs its `js_on_load`, with `Function(...)` (measured in
docs/hostile-inputs.md, "Content-Security-Policy"); `/docs` does not get it. Styles stay
'unsafe-inline': Gradio sets style attributes and adds <style> elements as it renders.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages (the chat UI, /docs): their own files only; images and files also as blob:/data: URLs.
# Nothing from another host: the service works offline.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'{scripts}; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "media-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
# Anything else (JSON, CSV, events): nothing to run, and never inside a frame.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script\s*>", re.S | re.I)

_COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


def page_policy(html: bytes, allow_eval: bool) -> str:
    """The policy of one page: its inline scripts by hash, `Function()` only if allowed."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() + "'"
        for m in _INLINE_SCRIPT.finditer(html)
    ]
    scripts = "".join(f" {h}" for h in dict.fromkeys(hashes))
    return PAGE_POLICY.format(scripts=scripts + (" 'unsafe-eval'" if allow_eval else ""))


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response (unless already set);
    `eval_prefixes` are the pages that may use `Function()` (the chat UI)."""

    def __init__(self, app: ASGIApp, eval_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.eval_prefixes = eval_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allow_eval = scope["path"].startswith(self.eval_prefixes) if self.eval_prefixes else False
        start: Message | None = None  # an HTML page's start, held back until its body is read
        body = b""

        async def send_with_headers(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                content_type = _header(message, b"content-type")
                if content_type.startswith(b"text/html"):
                    start = message
                    return
                await send(_with_headers(message, DATA_POLICY))
                return
            if start is not None and message["type"] == "http.response.body":
                body += message.get("body", b"")
                if message.get("more_body", False):
                    return
                await send(_with_headers(start, page_policy(body, allow_eval)))
                start = None
                message = {**message, "body": body}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _header(message: Message, name: bytes) -> bytes:
    return next((v for n, v in message.get("headers", []) if n.lower() == name), b"")


def _with_headers(message: Message, policy: str) -> Message:
    headers = list(message.get("headers", []))
    present = {name.lower() for name, _ in headers}
    extra = [*_COMMON, (b"content-security-policy", policy.encode())]
    return {**message, "headers": headers + [(n, v) for n, v in extra if n not in present]}
