"""The chat UI end to end: a real uvicorn on 127.0.0.1, the real app and index, headless Chromium
(Debian's), and helpers to ask in the page as a user would."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from core.models import Answer
from feedback.database import FeedbackDatabase
from feedback.store import FeedbackStore
from server.app import create_app
from tests.support.waiting import WAIT_S
from ui.app import UI_PATH

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 60_000


class RecordingAssistant:
    """The real Assistant, with a record of what the page sent it through the API (question and
    history); an optional `touch` changes each answer the way the pipeline may (e.g. filling
    `direct`, or saying it is `unsure`)."""

    def __init__(self, assistant: Any, touch: Any = None) -> None:
        self._assistant = assistant
        self._touch = touch
        self.calls: list[tuple[str, list[dict[str, str]]]] = []
        self.answers: list[Any] = []

    def ask_stream(self, question, history=None, top_k=None):  # noqa: ANN001, ANN201
        self.calls.append((question, [t.model_dump() for t in history or []]))
        for event in self._assistant.ask_stream(question, history, top_k):
            if isinstance(event, Answer):
                event = self._touch(event) if self._touch else event
                self.answers.append(event)
            yield event

    def ask(self, question, history=None, top_k=None):  # noqa: ANN001, ANN201
        return [e for e in self.ask_stream(question, history, top_k) if isinstance(e, Answer)][-1]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._assistant, name)


class AnswerGate:
    """A `touch` for RecordingAssistant that holds every answer until the test opens it: the
    questions typed meanwhile must wait, whatever the machine's speed."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.open.set()

    def __call__(self, answer):  # noqa: ANN001, ANN204
        assert self.open.wait(timeout=120), "the test never let the answer go"
        return answer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(settings, assistant) -> Iterator[str]:  # noqa: ANN001
    """The real app on a free loopback port; `assistant=None` lets the lifespan build one."""
    app = create_app(settings, assistant)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=free_port(),
            log_level="warning",
            timeout_graceful_shutdown=2,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}{UI_PATH}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, viewport=DESKTOP, **context_options):  # noqa: ANN001, ANN201
    """A page in a fresh context that fails the test if it reaches outside the machine or
    a script from the content opens a dialog."""
    context = browser.new_context(viewport=viewport, locale="it-IT", **context_options)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.outside, page.dialogs, page.errors = [], [], []
    page.on(
        "request",
        lambda r: (
            page.outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return context, page


def check_page(page) -> None:  # noqa: ANN001
    assert not page.outside, f"the page reached outside the machine: {page.outside}"
    assert not page.dialogs, f"a script from the content ran: {page.dialogs}"
    assert not page.errors, f"the page's scripts failed: {page.errors}"


@pytest.fixture
def page(browser):
    context, page = open_page(browser)
    yield page
    context.close()
    check_page(page)


def answers(page):  # noqa: ANN001, ANN201
    return page.locator("#conversazione article.turno:not(.in-attesa)")


def ask_in_page(page, question: str, *, keyboard: bool = True) -> Any:  # noqa: ANN001
    """Type a question, send it (Enter or the button) and wait for its answer."""
    before = answers(page).count()
    box = page.get_by_label("La tua domanda")
    box.fill(question)
    if keyboard:
        box.press("Enter")
    else:
        page.get_by_role("button", name="Invia", exact=True).click()
    page.wait_for_function(
        "n => document.querySelectorAll('#conversazione article.turno:not(.in-attesa)').length > n",
        arg=before,
    )
    return answers(page).nth(before)


def store_of(settings) -> FeedbackStore:  # noqa: ANN001
    return FeedbackStore(FeedbackDatabase(settings.data_dir / "feedback.sqlite"))


@pytest.fixture(scope="session")
def recording(assistant):
    return RecordingAssistant(assistant)


@pytest.fixture(scope="session")
def ui_url(corpus_settings, recording):
    """The shipped corpus behind the real app, shared by the browser tests. No rate limit: the
    suite's own pace (a browser and a dozen questions a minute from 127.0.0.1) is not what it
    tests (tests/hostile and tests/server test the limit on the UI's event paths)."""
    yield from serve(
        corpus_settings.updated(rate_limit_per_minute=0, page_rate_limit_per_minute=0), recording
    )
