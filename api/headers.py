"""Security headers on every response: no MIME sniffing, no framing by other sites, no referrer,
and a Content-Security-Policy that lets a page load scripts, styles and data from this host only."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages (the chat UI, /docs): their own files only. Gradio's front end needs inline styles and
# evaluates the page's JS (`js=` of the app), hence 'unsafe-inline' and 'unsafe-eval'; it loads
# images and files as blob:/data: URLs. Nothing from another host: the service works offline.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "media-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
# Anything else (JSON, CSV, events): nothing to run, and never inside a frame.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"

_COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response (unless already set)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                policy = PAGE_POLICY if content_type.startswith(b"text/html") else DATA_POLICY
                extra = [*_COMMON, (b"content-security-policy", policy.encode())]
                message["headers"] = headers + [(n, v) for n, v in extra if n not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
