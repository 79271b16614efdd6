"""A chat that guides, in Chromium: the phone's first screen, the notice in one line, every tab
in sight; undo for "Nuova conversazione", the focus kept, questions waiting kept over a reload,
a source previewed on its marker, next questions, and an answer that is not one never looking
like one."""

from __future__ import annotations

import pytest

from tests.ui.conftest import (
    ARTIFACTS,
    PHONE,
    AnswerGate,
    RecordingAssistant,
    answers,
    ask_in_page,
    check_page,
    open_page,
    serve,
)

pytestmark = pytest.mark.slow

FIRST = "Quando è stato presentato il Piano?"
NUMBERS = "Quante persone hanno partecipato all'evento del 5 dicembre?"
TABS = ["Chiedi", "Misure", "Documenti", "Glossario"]


def box_of(locator):  # noqa: ANN001, ANN201
    return locator.bounding_box()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_phone_first_screen_shows_three_examples_above_the_question_box(
    browser, ui_url, scheme
):
    context, page = open_page(browser, PHONE, color_scheme=scheme)
    page.goto(ui_url)
    composer = page.locator("#compositore")
    composer.wait_for()
    examples = page.locator(".esempi-primi button.esempio")
    assert examples.count() == 3
    assert page.evaluate("window.scrollY") == 0
    top_of_composer = box_of(composer)["y"]
    for example in examples.all():
        shown = box_of(example)
        assert example.is_visible() and 0 <= shown["y"]
        assert shown["y"] + shown["height"] <= top_of_composer, "an example under the box"
    for part in (page.get_by_label("La tua domanda"), page.get_by_role("button", name="Invia")):
        shown = box_of(part)
        assert shown["y"] + shown["height"] <= PHONE["height"], "the box is off the screen"
    # The notice: one line, the rest behind "Dettagli".
    line = page.locator(".avviso-riga")
    height = float(
        page.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)", line.element_handle())
    )
    assert box_of(line)["height"] <= height * 1.5
    assert page.locator(".avviso summary").get_by_text("Dettagli").is_visible()
    assert not page.get_by_role("note").is_visible()
    # Every tab in sight, in Italian: none behind Gradio's English "More tabs".
    tabs = page.get_by_role("tab")
    assert [t.inner_text() for t in tabs.all() if t.is_visible()] == TABS
    assert (
        page.locator("button[aria-label='More tabs']").count() == 0
        or not page.locator("button[aria-label='More tabs']").is_visible()
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"ui-phone-first-screen-{scheme}.png")
    context.close()
    check_page(page)


def test_a_new_conversation_can_be_taken_back(page, ui_url):
    page.goto(ui_url)
    ask_in_page(page, FIRST)
    ask_in_page(page, NUMBERS)
    page.get_by_role("button", name="Nuova conversazione").click()
    page.get_by_text("Conversazione cancellata.").wait_for()
    assert answers(page).count() == 0
    page.get_by_role("button", name="Annulla").click()
    page.get_by_text("Conversazione ripristinata.").wait_for()
    assert answers(page).count() == 2
    assert not page.get_by_role("button", name="Annulla").is_visible()
    page.reload()
    page.get_by_label("La tua domanda").wait_for()
    assert answers(page).count() == 2, "what was taken back is kept"
    # Cleared, then a new question: the old conversation is gone for good.
    page.get_by_role("button", name="Nuova conversazione").click()
    ask_in_page(page, FIRST)
    assert not page.get_by_role("button", name="Annulla").is_visible()
    assert answers(page).count() == 1


def test_the_focus_stays_in_the_conversation_after_an_example(page, ui_url):
    page.goto(ui_url)
    example = page.locator(".esempi-primi button.esempio").nth(1)
    example.focus()
    example.press("Enter")
    page.wait_for_function("document.querySelectorAll('#conversazione article.turno').length")
    answers(page).first.wait_for()
    page.wait_for_function("document.activeElement !== document.body")
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.offsetParent !== null]"
    )
    assert focused == ["risposta", True], focused
    # From there the keyboard reaches the answer's marker next.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "marcatore"


def test_hovering_or_focusing_a_marker_previews_its_quote(page, ui_url, recording):
    page.goto(ui_url)
    turn = ask_in_page(page, FIRST)
    quote = recording.answers[-1].citations[0].quote
    marker = turn.locator(".risposta a.marcatore").first
    preview = page.locator("#anteprima")
    marker.hover()
    preview.wait_for()
    assert quote[:60] in preview.inner_text()
    assert marker.get_attribute("aria-describedby") == "anteprima"
    page.mouse.move(0, 0)
    preview.wait_for(state="hidden")
    marker.focus()
    preview.wait_for()
    assert preview.get_attribute("role") == "tooltip"
    page.keyboard.press("Escape")
    preview.wait_for(state="hidden")
    assert marker.get_attribute("aria-describedby") is None


def test_next_questions_follow_an_answer_and_are_asked_with_a_click(page, ui_url, recording):
    page.goto(ui_url)
    turn = ask_in_page(page, "Quali sono le fasi del percorso?")
    offered = turn.locator(".seguito button")
    assert 2 <= offered.count() <= 3
    suggestion = offered.first.inner_text()
    assert suggestion == recording.answers[-1].suggestions[0]
    offered.first.click()
    page.wait_for_function(
        "document.querySelectorAll('#conversazione article.turno:not(.in-attesa)').length === 2"
    )
    newest = answers(page).nth(1)
    assert newest.locator(".domanda-testo").inner_text() == suggestion
    assert recording.answers[-1].outcome == "answer" and recording.answers[-1].citations
    assert not turn.locator(".seguito").is_visible(), "only the newest answer offers more"


@pytest.fixture(scope="module")
def gate():
    return AnswerGate()


@pytest.fixture(scope="module")
def gated_url(corpus_settings, assistant, gate):
    yield from serve(
        corpus_settings.updated(rate_limit_per_minute=0), RecordingAssistant(assistant, gate)
    )


def test_questions_waiting_survive_a_reload(page, gated_url, gate):
    questions = [FIRST, NUMBERS, "Quali sono i macro-temi del Piano?"]
    page.goto(gated_url)
    box = page.get_by_label("La tua domanda")
    gate.open.clear()
    for question in questions:
        box.fill(question)
        box.press("Enter")
    page.wait_for_function("document.querySelectorAll('#coda li').length === 2")
    page.reload()
    page.wait_for_function("document.querySelectorAll('#coda li').length === 2")
    gate.open.set()
    page.wait_for_function(
        "document.querySelectorAll('#conversazione article.turno:not(.in-attesa)').length === 3"
    )
    shown = [t.locator(".domanda-testo").inner_text() for t in answers(page).all()]
    assert shown == questions
    page.reload()
    page.get_by_label("La tua domanda").wait_for()
    assert answers(page).count() == 3 and page.locator("#coda li").count() == 0


def unsure_on_purpose(answer):  # noqa: ANN001, ANN201
    """What the pipeline will say when its closest passages may not answer (`unsure`)."""
    if answer.question.startswith("Forse"):
        answer.outcome = "unsure"
        answer.abstained = True
    return answer


@pytest.fixture(scope="module")
def outcomes_url(corpus_settings, assistant):
    yield from serve(
        corpus_settings.updated(rate_limit_per_minute=0),
        RecordingAssistant(assistant, unsure_on_purpose),
    )


def test_the_three_outcomes_look_different_and_only_an_answer_looks_like_one(browser, outcomes_url):
    context, page = open_page(browser)
    page.goto(outcomes_url)
    answered = ask_in_page(page, FIRST)
    unsure = ask_in_page(page, "Forse quando è stato presentato il Piano?")
    uncovered = ask_in_page(page, "Quanto costa il biglietto del tram a Napoli?")

    assert "esito-answer" in answered.get_attribute("class")
    assert not answered.locator(".esito").is_visible()
    assert answered.locator(".risposta mark.esatta").count() >= 1
    assert answered.locator("details.fonti summary").inner_text().startswith("Fonti")

    assert "esito-unsure" in unsure.get_attribute("class")
    assert unsure.locator(".esito").inner_text().startswith("Forse non risponde alla domanda")
    assert unsure.locator(".diretta").count() == 0, "no «In breve» line for what is not an answer"
    assert unsure.locator(".risposta mark").count() == 0
    assert unsure.locator("details.fonti summary").inner_text().startswith("Passaggi più vicini")

    assert "esito-not_covered" in uncovered.get_attribute("class")
    assert uncovered.locator(".esito").inner_text().startswith("I documenti non ne parlano")
    styles = [
        page.evaluate(
            "e => getComputedStyle(e).borderLeftStyle", t.locator(".risposta").element_handle()
        )
        for t in (answered, unsure, uncovered)
    ]
    assert styles[0] != "dashed" and styles[1:] == ["dashed", "dashed"]
    with page.expect_download() as download:
        page.get_by_role("button", name="Scarica la conversazione").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert "_Forse non risponde alla domanda._" in text and "_I documenti non ne parlano._" in text
    context.close()
    check_page(page)
