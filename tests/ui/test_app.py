"""The chat UI end to end: a real uvicorn on 127.0.0.1, the real app and index, headless Chromium."""

from __future__ import annotations

import socket
import sqlite3
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from feedback.database import FeedbackDatabase
from feedback.store import FeedbackStore
from server.app import create_app
from ui.app import UI_PATH

pytestmark = pytest.mark.slow

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
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 60_000

FIRST = "Quando è stato presentato il Piano?"
FOLLOW_UP = "E chi è intervenuto per la Camera di commercio?"


class RecordingAssistant:
    """The real Assistant, with a record of what the UI sent it (question and history)."""

    def __init__(self, assistant: Any) -> None:
        self._assistant = assistant
        self.calls: list[tuple[str, list[dict[str, str]]]] = []
        self.answers: list[Any] = []

    def ask(self, question, history=None, top_k=None):  # noqa: ANN001, ANN201
        self.calls.append((question, [t.model_dump() for t in history or []]))
        self.answers.append(self._assistant.ask(question, history, top_k))
        return self.answers[-1]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._assistant, name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(settings, assistant) -> Iterator[str]:
    """The real app on a free loopback port; `assistant=None` lets the lifespan build one."""
    app = create_app(settings, assistant)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}{UI_PATH}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="it-IT")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()
    assert not outside, f"the page reached outside the machine: {outside}"
    assert not dialogs, f"a script from the content ran: {dialogs}"


def ask_in_page(page, question: str, answers_before: int, *, keyboard: bool) -> Any:
    """Type a question, send it (Enter or the button) and wait for its answer's sources."""
    box = page.get_by_label("La tua domanda")
    box.fill(question)
    if keyboard:
        box.press("Enter")
    else:
        page.get_by_role("button", name="Invia", exact=True).click()
    n = answers_before + 1
    page.get_by_text(f"Fonti della risposta {n} di {n}").wait_for()
    bot = page.locator('#chat [data-testid="bot"]')
    assert bot.count() == n
    return bot.nth(n - 1)


# --- the shipped corpus --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def recording(assistant):
    return RecordingAssistant(assistant)


@pytest.fixture(scope="module")
def store(corpus_settings):
    """The database the app writes to (the session's data directory)."""
    return FeedbackStore(FeedbackDatabase(corpus_settings.data_dir / "feedback.sqlite"))


@pytest.fixture(scope="module")
def ui_url(corpus_settings, recording):
    yield from _serve(corpus_settings, recording)


def test_conversation_with_sources_follow_up_and_feedback(page, ui_url, recording, store):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(ui_url)

    notice = page.get_by_role("note")
    for words in (
        "non sono consulenza legale",
        "Città metropolitana di Torino",
        "Camera di commercio di Torino",
        "Torino Social Impact",
    ):
        assert words in notice.inner_text()
    page.wait_for_function("document.documentElement.lang === 'it'")

    first = ask_in_page(page, FIRST, 0, keyboard=True)
    assert "30 giugno 2025" in first.inner_text()
    assert "[1]" in first.inner_text()
    # Screen readers get the bubble as displayed, in Italian (not Gradio's raw Markdown).
    page.wait_for_function("""() => [...document.querySelectorAll('#chat [data-testid=bot]')]
        .every((el) => (el.getAttribute('aria-label') || '').startsWith('Risposta: '))""")
    assert " ".join(first.get_attribute("aria-label").split()) == "Risposta: " + " ".join(
        first.inner_text().split()
    )
    assert (
        page.locator('#chat [data-testid="user"]').first.get_attribute("aria-label")
        == f"Domanda: {FIRST}"
    )
    card = page.locator("#fonte-1-1")
    assert "[1]" in card.locator("h4").inner_text()
    assert card.locator(".badge").inner_text() in {
        "Piano",
        "Consultazione",
        "UE",
        "Istituzionale",
        "Stampa",
    }
    assert "30 giugno 2025" in card.locator("mark").first.inner_text()
    link = card.get_by_role("link", name="Apri la fonte originale")
    assert link.get_attribute("href").startswith("https://")
    assert link.get_attribute("rel") == "noopener noreferrer"

    second = ask_in_page(page, FOLLOW_UP, 1, keyboard=False)
    answer = recording.answers[-1]
    assert answer.citations, "the follow-up should be answered from the documents"
    assert "[1]" in second.inner_text()
    assert "Bolatto" in second.inner_text()
    assert page.locator("#fonti article.fonte").count() == len(answer.citations)
    # The follow-up went out with the conversation so far, OpenAI style and without sources.
    question, history = recording.calls[-1]
    assert question == FOLLOW_UP
    assert [t["role"] for t in history] == ["user", "assistant"]
    assert history[0]["content"] == FIRST
    assert "30 giugno 2025" in history[1]["content"]
    page.screenshot(path=ARTIFACTS / "ui-desktop.png", full_page=True)

    page.get_by_role("button", name="👎 No").click()
    page.get_by_text("la risposta 2 non è utile").wait_for()
    [row] = [r for r in store.all() if r.question == FOLLOW_UP]
    assert (row.rating, row.channel, row.reason) == ("down", "ui", None)
    assert row.answer == answer.answer
    assert row.citations == [c.chunk_id for c in answer.citations]

    page.get_by_label("Motivo (facoltativo)").fill("Volevo solo il nome, senza la data.")
    page.get_by_role("button", name="Invia il motivo").click()
    page.get_by_text("Motivo registrato per la risposta 2").wait_for()
    with sqlite3.connect(store.path) as db:
        assert db.execute(
            "SELECT rating, reason FROM feedback WHERE id = ?", (row.id,)
        ).fetchone() == ("down", "Volevo solo il nome, senza la data.")

    # An earlier answer shows its own sources when clicked, or focused and Enter pressed.
    page.locator('#chat [data-testid="bot"]').first.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Fonti della risposta 1 di 2").wait_for()
    assert "30 giugno 2025" in page.locator("#fonti mark").first.inner_text()
    page.get_by_text("La risposta 1 ti è stata utile?").wait_for()
    assert page.get_by_label("Motivo (facoltativo)").input_value() == ""

    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=ARTIFACTS / "ui-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Nuova conversazione").click()
    page.get_by_text("Le fonti della risposta compariranno qui").wait_for()
    assert page.locator('#chat [data-testid="bot"]').count() == 0
    ask_in_page(page, "Quali sono i macro-temi del Piano?", 0, keyboard=True)
    assert recording.calls[-1][1] == [], "a new conversation must start without history"


def test_example_question_is_answered_with_its_sources(page, ui_url):
    page.goto(ui_url)
    for profile in ("Giovani imprenditori sociali", "Giornalisti", "Personale della PA"):
        page.get_by_role("heading", name=profile).wait_for()
    page.get_by_role("button", name="Quando è stato presentato il Piano?").click()
    page.get_by_text("Fonti della risposta 1 di 1").wait_for()
    assert "30 giugno 2025" in page.locator('#chat [data-testid="bot"]').first.inner_text()
    # The examples fold away once the conversation has started, to keep the sources near.
    assert not page.get_by_role("heading", name="Giornalisti").is_visible()


def test_documents_tab_lists_the_index(page, ui_url, assistant):
    page.goto(ui_url)
    page.get_by_role("tab", name="Documenti").click()
    table = page.locator("#documenti table")
    table.wait_for()
    rows = table.locator("tbody tr")
    assert rows.count() == len(assistant.manifest.documents)
    text = table.inner_text()
    assert "Legacoop Piemonte" in text and "30/06/2025" in text
    assert {"Piano", "Consultazione", "Istituzionale", "Stampa"} <= set(
        table.locator(".badge").all_inner_texts()
    )
    assert table.get_by_role("link").count() >= 1
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=ARTIFACTS / "ui-documents-phone.png", full_page=True)


def test_measures_tab_finds_what_applies_to_a_profile(page, ui_url):
    page.goto(ui_url)
    page.get_by_role("tab", name="Misure").click()
    page.get_by_label("Descriviti (facoltativo)").fill(
        "Ho 26 anni e vorrei fondare una cooperativa sociale"
    )
    page.get_by_role("button", name="Trova le misure").click()
    result = page.locator("#misure-risultato .misure")
    result.wait_for()
    text = result.inner_text()
    assert "Favorire la nascita di nuove imprese sociali giovanili" in text
    assert "Formazione continua, sviluppo di competenze, giovani" in text  # grouped by area
    assert "35 anni" in text  # the consultation's integration, with its source card
    assert result.locator("article.fonte").count() >= 2
    assert result.locator(".badge").first.inner_text() == "Piano"
    assert "nuove imprese sociali giovanili" in result.locator("mark").first.inner_text()
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=ARTIFACTS / "ui-measures-phone.png", full_page=True)


# --- a document that carries markup ---------------------------------------------------------------

HOSTILE_DOC = textwrap.dedent("""\
    ---
    doc_id: "mercato-solidale"
    title: "Nota <b>interna</b> sul mercato solidale"
    source_type: "stampa"
    publisher: "Redazione <i>prova</i>"
    date: "2025-07-01"
    url: "javascript:alert('url')"
    ---

    # Il mercato solidale di Barriera

    Il mercato solidale di Barriera apre ogni sabato mattina in piazza con <b>grassetto</b> e <script>alert(1)</script> nel testo del comunicato. Le bancarelle delle cooperative sociali vendono ${1+1} prodotti dell'agricoltura sociale del territorio.
    """)


@pytest.fixture
def hostile_url(make_settings, embedder):
    from indexer.build import build_index
    from server.startup import build_assistant

    settings = make_settings()
    (settings.corpus_dir / "mercato-solidale.md").write_text(HOSTILE_DOC, encoding="utf-8")
    build_index(settings, embedder, progress=False)
    yield from _serve(settings, build_assistant(settings, embedder))


def test_markup_in_documents_and_questions_is_shown_as_text(hostile_url, page):
    page.goto(hostile_url)
    question = (
        "Quando apre il mercato solidale di Barriera? <b>ciao</b> <img src=x onerror=alert(3)>"
    )
    bot = ask_in_page(page, question, 0, keyboard=True)

    sources = page.locator("#fonti")
    text = sources.inner_text()
    assert "<b>grassetto</b>" in text
    assert "<script>alert(1)</script>" in text
    assert "${1+1}" in text  # gr.HTML's template syntax is data too
    assert "Nota <b>interna</b> sul mercato solidale" in text
    assert "Redazione <i>prova</i>" in text
    assert sources.locator("b, i, script").count() == 0
    assert sources.locator("a[href^='javascript']").count() == 0
    assert "<b>grassetto</b>" in page.locator("#fonti mark").first.inner_text()

    user = page.locator('#chat [data-testid="user"]').first
    assert user.inner_text().strip() == question
    assert "<b>grassetto</b>" in bot.inner_text()
    chat = page.locator("#chat")
    assert chat.locator("b, script, img").count() == 0
    page.screenshot(path=ARTIFACTS / "ui-markup-escaped.png", full_page=True)


@pytest.fixture
def unindexed_url(make_settings):
    # No Assistant given and an empty data dir: the app's lifespan finds no index.
    yield from _serve(make_settings(), None)


def test_without_an_index_the_page_says_so_in_italian(unindexed_url, page):
    page.goto(unindexed_url)
    page.get_by_label("La tua domanda").fill(FIRST)
    page.get_by_label("La tua domanda").press("Enter")
    page.get_by_text("Il servizio non è pronto").wait_for()
    assert not page.locator("#valuta").is_visible()
    page.get_by_role("tab", name="Documenti").click()
    page.locator("#documenti").get_by_text("Il servizio non è pronto").wait_for()


# --- rendering, without a browser -------------------------------------------------------------


def test_quote_is_found_across_line_breaks_and_apart_sentences():
    from ui.sources import highlight

    text = "Prima frase del testo.\nSeconda frase\ncitata. Terza frase. Quarta frase citata."
    html = highlight(text, "Seconda frase citata. Quarta frase citata.")
    assert html.count("<mark>") == 2
    assert "<mark>Seconda frase\ncitata.</mark>" in html
    assert "<mark>Quarta frase citata.</mark>" in html
    assert highlight("a < b & c", "b & c") == "a &lt; <mark>b &amp; c</mark>"


def test_chat_text_keeps_markers_and_defuses_markdown():
    from ui.chat import as_chat_text

    assert as_chat_text("«Frase.» [1]\n«Altra.» [2]") == "«Frase.» [1]\n«Altra.» [2]"
    assert as_chat_text("1. voce\n# titolo\n    codice") == "1\\. voce\n\\# titolo\ncodice"
    assert as_chat_text("[x](http://a) <b>") == "\\[x\\](http://a) &lt;b&gt;"
    assert as_chat_text("vedi [3](http://a)") == "vedi \\[3\\](http://a)"
