"""The chat page in Chromium, as a user meets it: answers with their sources, markers that
lead to the cards, a conversation that survives a reload, nothing lost when typing fast. The
page asks and rates through the public API, like any client."""

from __future__ import annotations

import json
import re
import sqlite3
import textwrap

import httpx
import pytest

from tests.ui.conftest import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    AnswerGate,
    RecordingAssistant,
    answers,
    ask_in_page,
    check_page,
    open_page,
    serve,
    store_of,
)

pytestmark = pytest.mark.slow

FIRST = "Quando è stato presentato il Piano?"
FOLLOW_UP = "E chi è intervenuto per la Camera di commercio?"
NUMBERS = "Quante persone hanno partecipato all'evento del 5 dicembre?"


def in_viewport(page, locator) -> bool:  # noqa: ANN001
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= -1 and box["y"] < height


def test_answer_with_linked_markers_and_scroll_to_the_newest(page, ui_url, recording):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(ui_url)
    page.get_by_text("Dettagli", exact=True).click()
    notice = page.get_by_role("note").inner_text()
    for words in ("non sono consulenza legale", "Camera di commercio di Torino", "questo browser"):
        assert words in notice
    page.wait_for_function("document.documentElement.lang === 'it'")
    page.screenshot(path=ARTIFACTS / "ui-desktop-empty.png")

    first = ask_in_page(page, FIRST)
    assert "30 giugno 2025" in first.locator(".risposta").inner_text()
    markers = first.locator(".risposta a.marcatore")
    assert markers.count() >= 1 and markers.first.inner_text() == "[1]"
    assert markers.first.get_attribute("aria-label") == "Fonte 1"
    card = first.locator("article.fonte").first
    assert card.locator(".badge").inner_text() in {"Piano", "Consultazione", "Stampa"}
    assert card.locator("mark").count() >= 1
    # Every card links to its passage in the document's copy here, to the original or says it
    # is not online, and back to the answer.
    for c in first.locator("article.fonte").all():
        assert c.locator("a.fonte-pagina").get_attribute("href").startswith("/documenti/")
        link = c.locator("a.fonte-link")
        if link.count():
            assert link.get_attribute("href").startswith("http")
            assert link.get_attribute("rel") == "noopener noreferrer"
        else:
            assert c.get_by_text("Originale non disponibile online").is_visible()
        assert c.locator("a.torna").get_attribute("href") == f"#r-{first.get_attribute('id')}"

    ask_in_page(page, NUMBERS, keyboard=False)
    second = ask_in_page(page, "E quante interviste sono state fatte?")
    assert "interviste" in second.inner_text() or second.locator("a.marcatore").count()
    # The newest answer is on screen: its question at the top, the page scrolled down to it.
    assert in_viewport(page, second.locator(".domanda"))
    assert page.evaluate("window.scrollY") > 0
    assert second.locator(".risposta").bounding_box()["y"] < DESKTOP["height"]
    question, history = recording.calls[-1]
    assert question == "E quante interviste sono state fatte?"
    assert [t["role"] for t in history] == ["user", "assistant"] * 2
    assert history[-2]["content"] == NUMBERS
    page.screenshot(path=ARTIFACTS / "ui-desktop.png")
    page.screenshot(path=ARTIFACTS / "ui-desktop-full.png", full_page=True)


def test_marker_reveals_its_card_and_the_card_links_back(browser, ui_url):
    context, page = open_page(browser, PHONE)
    page.goto(ui_url)
    turn = ask_in_page(page, FIRST)
    sources = turn.locator("details.fonti")
    assert sources.get_attribute("open") is None, "on a phone the sources start folded"
    marker = turn.locator(".risposta a.marcatore").first
    marker.click()
    card = page.locator("#" + marker.get_attribute("data-fonte"))
    assert sources.get_attribute("open") is not None
    assert card.is_visible() and in_viewport(page, card)
    assert "evidenziata" in card.get_attribute("class")
    assert page.evaluate("document.activeElement.id") == card.get_attribute("id")
    # Wherever the page is scrolled, the question box stays at the bottom of the screen.
    box = page.get_by_label("La tua domanda").bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]
    card.locator("a.torna").click()
    answer = turn.locator(".risposta")
    assert page.evaluate("document.activeElement.id") == answer.get_attribute("id")
    assert in_viewport(page, answer)
    context.close()
    check_page(page)


def test_phone_shows_the_first_source_within_one_screen_of_its_answer(browser, ui_url):
    context, page = open_page(browser, PHONE)
    page.goto(ui_url)
    turn = ask_in_page(page, FIRST)
    answer_top = turn.locator(".risposta").bounding_box()["y"]
    summary = turn.locator("details.fonti > summary")
    assert summary.bounding_box()["y"] - answer_top < PHONE["height"]
    summary.click()
    first_card = turn.locator("article.fonte").first
    assert first_card.bounding_box()["y"] - answer_top < PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=ARTIFACTS / "ui-phone.png")
    page.screenshot(path=ARTIFACTS / "ui-phone-full.png", full_page=True)
    context.close()
    check_page(page)


@pytest.fixture(scope="module")
def gate():
    return AnswerGate()


@pytest.fixture(scope="module")
def slow(assistant, gate):
    return RecordingAssistant(assistant, gate)


@pytest.fixture(scope="module")
def slow_url(corpus_settings, slow):
    yield from serve(corpus_settings.updated(rate_limit_per_minute=0), slow)


def test_ten_fast_questions_are_all_answered_in_order(page, slow_url, slow, gate):
    questions = [
        FIRST,
        NUMBERS,
        "Quali sono i macro-temi del Piano?",
        "Chi ha dato il supporto metodologico al percorso?",
        "Quando è nata Torino Social Impact?",
        "Quante interviste sono state fatte nella fase di ascolto?",
        "Quali sono le fasi del percorso?",
        "Cosa prevede il Piano per la finanza a impatto sociale?",
        "Quando è stato firmato l'accordo tra Città metropolitana e Camera di commercio?",
        "Quanti tavoli tematici ci sono stati il 5 dicembre?",
    ]
    page.goto(slow_url)
    box = page.get_by_label("La tua domanda")
    box.wait_for()
    # What the page said while it worked: kept by an observer, as the queue empties quickly.
    page.evaluate("""() => {
      window.said = []; window.queued = 0;
      new MutationObserver(() => {
        const text = document.getElementById('stato-invio').textContent;
        if (text && !window.said.includes(text)) window.said.push(text);
        window.queued = Math.max(window.queued, document.querySelectorAll('#coda li').length);
      }).observe(document.getElementById('compositore'), {subtree: true, childList: true,
                                                          characterData: true});
    }""")
    calls_before = len(slow.calls)
    gate.open.clear()
    for question in questions:
        box.fill(question)
        box.press("Enter")
    page.wait_for_function("document.querySelectorAll('#coda li').length === 9")
    gate.open.set()
    page.wait_for_function(
        "document.querySelectorAll('#conversazione article.turno:not(.in-attesa)').length === 10"
    )
    shown = [
        t.locator(".domanda").inner_text().split(":", 1)[-1].strip() for t in answers(page).all()
    ]
    assert shown == questions
    assert [q for q, _ in slow.calls[calls_before:]] == questions
    assert page.evaluate("window.queued") == 9
    assert any("in coda" in text for text in page.evaluate("window.said"))
    assert page.locator("#coda").is_hidden() and page.locator("#stato-invio").inner_text() == ""
    # Each question went out with the answers before it (the last three exchanges).
    assert slow.calls[calls_before + 9][1][-2]["content"] == questions[8]


def test_reload_keeps_the_conversation_and_new_conversation_clears_it(browser, ui_url, recording):
    context, page = open_page(browser)
    page.goto(ui_url)
    ask_in_page(page, NUMBERS)
    page.reload()
    page.get_by_label("La tua domanda").wait_for()
    assert answers(page).count() == 1
    assert "104" in answers(page).first.inner_text()
    ask_in_page(page, "E quante interviste sono state fatte?")
    assert recording.calls[-1][1][0] == {"role": "user", "content": NUMBERS}
    # Kept in this browser only: another browser starts empty.
    other_context, other = open_page(browser)
    other.goto(ui_url)
    other.get_by_label("La tua domanda").wait_for()
    assert answers(other).count() == 0
    other_context.close()

    page.get_by_role("button", name="Nuova conversazione").click()
    assert answers(page).count() == 0
    page.get_by_text("Conversazione cancellata.").wait_for()
    page.reload()
    page.get_by_label("La tua domanda").wait_for()
    assert answers(page).count() == 0
    ask_in_page(page, "Quali sono i macro-temi del Piano?")
    assert recording.calls[-1][1] == [], "a new conversation starts without history"
    context.close()
    check_page(page)


def test_copy_gives_markdown_with_the_sources(browser, ui_url, recording):
    context, page = open_page(browser, permissions=["clipboard-read", "clipboard-write"])
    page.goto(ui_url)
    turn = ask_in_page(page, FIRST)
    turn.get_by_role("button", name="Copia").click()
    turn.get_by_text("Copiata negli appunti").wait_for()
    text = page.evaluate("navigator.clipboard.readText()")
    assert text.startswith(f"**Domanda:** {FIRST}")
    assert "30 giugno 2025" in text and "[1]" in text
    sources = text.split("**Fonti**", 1)[1]
    first = recording.answers[-1].citations[0]
    assert sources.strip().startswith(f"[1] {first.reference}")  # the server's one source line
    assert f"    Nel documento: {ui_url.split('/ui/')[0]}{first.page_url}" in sources
    assert "    > " in sources  # the quoted passage
    context.close()
    check_page(page)


def test_the_conversation_can_be_downloaded_with_the_notice_the_time_and_the_build(
    page, ui_url, assistant
):
    page.goto(ui_url)
    ask_in_page(page, FIRST)
    ask_in_page(page, NUMBERS)
    with page.expect_download() as download:
        page.get_by_role("button", name="Scarica la conversazione").click()
    assert download.value.suggested_filename.endswith(".md")
    text = open(download.value.path(), encoding="utf-8").read()
    head = text.split("---")[0]
    assert head.startswith("# Chiedi al Piano — conversazione")
    assert re.search(r"Scaricata il \d{1,2}/\d{1,2}/\d{4} alle \d{2}:\d{2}\.", head), head
    assert f"Indice dei documenti: {assistant.manifest.build_id}." in head
    assert "non sono consulenza legale" in head and "Avviso" in head
    assert text.index(FIRST) < text.index(NUMBERS)
    assert text.count("**Fonti**") == 2


def test_each_rating_goes_with_its_own_answer_and_reason(page, ui_url, recording, corpus_settings):
    store = store_of(corpus_settings)
    page.goto(ui_url)
    first = ask_in_page(page, "Quante interviste sono state fatte nella fase di ascolto?")
    first_answer = recording.answers[-1]
    second = ask_in_page(page, "Quando è nata Torino Social Impact?")
    second_answer = recording.answers[-1]

    first.get_by_role("button", name="👎 No").click()
    first.get_by_text("non è utile").wait_for()
    first.get_by_label("Motivo (facoltativo)").fill("Mancavano le date delle interviste.")
    first.get_by_role("button", name="Invia il motivo").click()
    first.get_by_text("Motivo registrato").wait_for()

    second.get_by_role("button", name="👍 Sì").click()
    second.get_by_text("è utile").wait_for()
    assert second.get_by_label("Motivo (facoltativo)").input_value() == ""
    assert second.get_by_role("button", name="👍 Sì").get_attribute("aria-pressed") == "true"
    assert first.get_by_role("button", name="👎 No").get_attribute("aria-pressed") == "true"

    rows = {r.question: r for r in store.all() if r.channel == "ui"}
    one, two = (
        rows["Quante interviste sono state fatte nella fase di ascolto?"],
        rows["Quando è nata Torino Social Impact?"],
    )
    assert (one.rating, one.reason, one.answer) == (
        "down",
        "Mancavano le date delle interviste.",
        first_answer.answer,
    )
    assert one.citations == [c.chunk_id for c in first_answer.citations]
    assert (two.rating, two.reason, two.answer) == ("up", None, second_answer.answer)

    # A second thought changes the same row, even after a reload.
    page.reload()
    first = answers(page).first
    first.get_by_role("button", name="👍 Sì").click()
    first.get_by_text("è utile").wait_for()
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT rating FROM feedback WHERE id = ?", (one.id,)).fetchone() == (
            "up",
        )
    assert len([r for r in store.all() if r.question == one.question]) == 1


def test_a_long_paste_is_counted_not_cut_and_the_server_holds_the_limit(page, ui_url, recording):
    page.goto(ui_url)
    box = page.get_by_label("La tua domanda")
    box.fill("Quando è stato presentato il Piano? " + "x" * 2964)
    assert box.input_value().__len__() == 3000, "nothing is cut without a word"
    assert "3000 di 2000 caratteri" in page.locator("#contatore").inner_text()
    page.get_by_text("Troppo lunga: togli 1000 caratteri").wait_for()
    calls = len(recording.calls)
    box.press("Enter")
    box.fill(FIRST)
    assert page.locator("#avviso-lunghezza").inner_text() == ""
    # The page asks in order: if the long question had gone out, it would be answered first.
    ask_in_page(page, FIRST)
    assert [q for q, _ in recording.calls[calls:]] == [FIRST] and answers(page).count() == 1
    calls = len(recording.calls)

    # What a page that skipped its checks would send meets the API's own: the same limits.
    ask = ui_url.split("/ui/")[0] + "/api/ask/stream"
    chat = {"X-Piano-Source": "chat"}
    too_long = httpx.post(ask, json={"question": "x" * 2001}, headers=chat)
    assert too_long.status_code == 422 and "troppo lung" in too_long.json()["detail"]
    control = httpx.post(ask, json={"question": "Quando?\x00"}, headers=chat)
    assert control.status_code == 422 and "caratteri di controllo" in control.json()["detail"]
    assert len(recording.calls) == calls
    assert "30 giugno 2025" in httpx.post(ask, json={"question": FIRST}, headers=chat).text


def test_documents_tab_links_every_document_or_says_it_is_not_online(page, ui_url, assistant):
    page.goto(ui_url)
    page.get_by_role("tab", name="Documenti").click()
    table = page.locator("#documenti table")
    table.wait_for()
    rows = table.locator("tbody tr")
    assert rows.count() == len(assistant.manifest.documents)
    for row in rows.all():
        # The copy here, and the original or the words saying it is not online.
        assert row.locator("th a").get_attribute("href").startswith("/documenti/")
        assert (
            row.locator("td a").count() == 1
            or "Originale non disponibile online" in row.inner_text()
        )
    originals = {a.get_attribute("href") for a in table.locator("td a").all()}
    plan = "http://www.cittametropolitana.torino.it/cms/attivita-produttive/competitivita-innovazione/piano-metropolitano-dell-economia-sociale"
    assert plan in originals, "the plan's original is its Italian page"
    assert not any("/en/" in h for h in originals)
    page.set_viewport_size(PHONE)
    page.wait_for_function("w => document.documentElement.scrollWidth <= w", arg=PHONE["width"])


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Lavoro in un comune e devo fare appalti con clausole sociali", "social procurement"),
        ("Sono un giornalista", "Nessuna misura del Piano è rivolta specificamente a te"),
        ("Ho 26 anni e vorrei fondare una cooperativa sociale", "nuove imprese sociali giovanili"),
    ],
)
def test_measures_tab_reads_who_you_are(page, ui_url, description, expected):
    page.goto(ui_url)
    page.get_by_role("tab", name="Misure").click()
    page.get_by_label("Descriviti (facoltativo)").fill(description)
    page.get_by_role("button", name="Trova le misure").click()
    result = page.locator("#misure-risultato .misure")
    result.wait_for()
    text = result.inner_text()
    assert "Ti abbiamo riconosciuto come" in text
    first = result.locator(".misura-testo").first
    assert expected in (first.inner_text() if first.count() else text)
    # One line per measure, not every line marked; each source named by the one source line and
    # linked to its passage on the document's page.
    assert result.locator("mark").count() == 0
    if first.count():
        source = result.locator("a.fonte-pagina").first
        assert source.get_attribute("href").startswith("/documenti/")
        assert source.inner_text().startswith("Piano metropolitano per l'economia sociale")


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
    yield from serve(settings, build_assistant(settings, embedder))


def test_markup_in_documents_is_dropped_and_in_questions_shown_as_text(hostile_url, page):
    page.goto(hostile_url)
    question = (
        "Quando apre il mercato solidale di Barriera? <b>ciao</b> <img src=x onerror=alert(3)>"
    )
    turn = ask_in_page(page, question)
    turn.locator("details.fonti").evaluate("d => d.open = true")
    sources = turn.locator("details.fonti")
    text = sources.inner_text()
    # The document's markup was dropped at indexing (indexer/plain.py): its words stay.
    assert "<b>" not in text and "<script" not in text and "alert" not in text
    assert "${1+1}" in text
    assert "Nota interna sul mercato solidale" in text
    assert "Redazione prova" in text
    assert sources.locator("b, i, script").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert "Originale non disponibile online" in text
    assert turn.locator(".domanda").inner_text().endswith(question)
    assert "grassetto" in turn.locator(".risposta").inner_text()
    assert page.locator("#conversazione").locator("b, script, img").count() == 0
    page.reload()  # and once more from what the browser kept
    page.get_by_label("La tua domanda").wait_for()
    assert page.locator("#conversazione").locator("b, script, img").count() == 0
    assert answers(page).count() == 1


@pytest.fixture
def unindexed_url(make_settings):
    # No Assistant given and an empty data dir: the app's lifespan finds no index.
    yield from serve(make_settings(), None)


def test_without_an_index_the_page_says_so_in_italian(unindexed_url, page):
    page.goto(unindexed_url)
    page.get_by_label("La tua domanda").fill(FIRST)
    page.get_by_label("La tua domanda").press("Enter")
    # The API's own 503, in Italian, as the page's answer.
    page.locator("#conversazione [role=alert]").get_by_text("indice").wait_for()
    page.get_by_role("tab", name="Documenti").click()
    page.locator("#documenti").get_by_text("Il servizio non è pronto").wait_for()


def test_a_poisoned_stored_conversation_is_shown_as_text(page, ui_url):
    """What the browser kept is data: a turn written into localStorage by someone else (markup,
    handlers, `javascript:` and foreign links) shows as text and links nowhere."""
    from ui.layout import STORAGE_KEY

    page.goto(ui_url)
    page.get_by_label("La tua domanda").wait_for()
    evil = "<img src=x onerror=alert(1)>"
    citation = {
        "n": 1,
        "chunk_id": "x:1",
        "doc_id": "x",
        "title": evil,
        "source_type": "<b>stampa</b>",
        "publisher": evil,
        "date": "2025",
        "section": evil,
        "page": None,
        "url": "javascript:alert(2)",
        "text": evil + " testo",
        "quote": evil,
        "highlights": [evil],
        "score": 1.0,
        "page_url": "//evil.example/documenti/x",
        "reference": evil,
    }
    answer = {
        "question": evil,
        "answer": f"{evil} [1]",
        "abstained": False,
        "outcome": "answer",
        "mode": "extractive",
        "citations": [citation],
        "direct": evil,
        "suggestions": [evil],
        "timings_ms": {},
    }
    record = {"turn": "t1", "answer": answer, "build": evil, "rating": None, "row": None}
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [STORAGE_KEY, json.dumps([record])],
    )
    page.reload()
    turn = answers(page).first
    turn.wait_for()
    assert evil in turn.locator(".domanda").inner_text()
    assert page.locator("#conversazione img, #conversazione b").count() == 0
    assert (
        page.locator("#conversazione a[href^='javascript'], a[href*='evil.example']").count() == 0
    )
    turn.locator("details.fonti").evaluate("d => d.open = true")
    assert "Originale non disponibile online" in turn.locator("article.fonte").inner_text()
