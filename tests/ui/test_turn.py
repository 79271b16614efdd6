"""The answer first: `Answer.direct` on the first line, marked, with its marker; the words that
answer (`Citation.highlights`) marked in the quote and in the card — in the page and as HTML."""

from __future__ import annotations

import pytest

from core.models import Answer, Citation
from tests.ui.conftest import RecordingAssistant, answers, ask_in_page, serve
from ui.sources import highlight
from ui.turn import answer_html, turn_html, turn_markdown

DATE = "30 giugno 2025"


def with_direct_answer(answer: Answer) -> Answer:
    """What the pipeline (issue 12) fills: the date asked for, verbatim from a cited quote."""
    for c in answer.citations:
        if DATE in c.quote:
            c.highlights = [DATE]
            return answer.model_copy(update={"direct": DATE})
    return answer


@pytest.fixture(scope="module")
def direct_url(corpus_settings, assistant):
    yield from serve(corpus_settings, RecordingAssistant(assistant, with_direct_answer))


@pytest.mark.slow
def test_the_direct_answer_comes_first_and_is_marked_in_the_page(page, direct_url):
    page.goto(direct_url)
    turn = ask_in_page(page, "Quando è stato presentato il Piano?")
    first_line = turn.locator(".risposta > p").first
    assert first_line.get_attribute("class") == "diretta"
    assert first_line.locator("mark.esatta").inner_text() == DATE
    marker = first_line.locator("a.marcatore")
    card = page.locator("#" + marker.get_attribute("data-fonte"))
    assert DATE in card.locator("mark mark.esatta").inner_text()
    assert DATE in card.locator("mark").first.inner_text()
    # Marked in the quote of the answer too, and the rest of the answer is unchanged.
    assert turn.locator(".risposta > p:not(.diretta) mark.esatta").first.inner_text() == DATE


@pytest.mark.slow
def test_without_a_direct_answer_the_page_shows_the_answer_as_it_is(page, ui_url):
    page.goto(ui_url)
    turn = ask_in_page(page, "Quali sono i macro-temi del Piano?")
    assert turn.locator(".diretta").count() == 0
    assert turn.locator("mark.esatta").count() == 0
    assert answers(page).count() == 1


def citation(**fields) -> Citation:  # noqa: ANN003
    base = dict(n=1, chunk_id="d:1", doc_id="d", title="Titolo", source_type="stampa",
                text="Prima frase. Lunedì 30 giugno 2025 è stato presentato il Piano. Ultima.",
                quote="Lunedì 30 giugno 2025 è stato presentato il Piano.", score=1.0)  # fmt: skip
    return Citation(**{**base, **fields})


def test_highlights_are_marked_inside_the_quote_and_escaped():
    html = highlight(
        "a <b> 30 giugno 2025 c. Poi 30 giugno 2025.", "a <b> 30 giugno 2025 c.", [DATE]
    )
    assert html == (
        '<mark>a &lt;b&gt; <mark class="esatta">30 giugno 2025</mark> c.</mark> Poi 30 giugno 2025.'
    )
    assert (
        highlight("x <i>y</i>", "", ["<i>y</i>"])
        == 'x <mark class="esatta">&lt;i&gt;y&lt;/i&gt;</mark>'
    )


def test_direct_answer_line_is_added_once_and_links_its_source():
    c = citation(highlights=[DATE])
    answer = Answer(question="Quando?", answer="«Lunedì 30 giugno 2025 è stato presentato il Piano.» [1]",
                    abstained=False, citations=[c], direct=DATE)  # fmt: skip
    html = answer_html(answer, "t1")
    assert html.startswith('<p class="diretta">')
    assert html.count('href="#f-t1-1"') == 2
    # A pipeline that already opens the answer with the direct words gets no second line.
    opened = answer.model_copy(update={"answer": f"{DATE} [1]\n\n" + answer.answer})
    assert '<p class="diretta">' not in answer_html(opened, "t1")
    assert turn_markdown(answer).splitlines()[2] == f"**In breve:** {DATE} [1]"


def test_markers_without_a_source_stay_text_and_lists_stay_lists():
    answer = Answer(question="Quali?", answer="Secondo il Piano:\n\n- Primo [1]\n- Secondo [7]",
                    abstained=False, citations=[citation()])  # fmt: skip
    html = answer_html(answer, "t2")
    assert '<ul><li>Primo <a class="marcatore"' in html
    assert "Secondo [7]</li></ul>" in html


def test_a_turn_escapes_the_question_and_has_one_reason_box_of_its_own():
    answer = Answer(question="<img src=x onerror=alert(1)>", answer="Non lo so.", abstained=True)
    html = turn_html(answer, "t9", 3)
    assert "<img" not in html and "&lt;img src=x" in html
    assert html.count("<textarea") == 1 and 'id="m-t9"' in html
    assert "Nessun passaggio citato" in html
