"""With an LLM, the chat shows each verified sentence as it comes: the page reads the Server-Sent
Events of /api/ask/stream, like any client, and grows the answer until `done`."""

from __future__ import annotations

import pytest

from tests.support.fake_llm_server import Reply, number_of
from tests.ui.conftest import answers, serve

pytestmark = pytest.mark.slow

WHEN = "Quando è stato presentato il Piano?"
GOOD = (
    "Il Piano è stato presentato ufficialmente lunedì 30 giugno 2025 nella Sala Panoramica "
    "della Città metropolitana di Torino [{n}]."
)
PIECES = 6  # characters per streamed chunk
# The LLM goes silent after its first sentence and the start of the second, until the test has
# seen the page show the first (verified, sent as a `delta`) and releases it.
TIMEOUT_S = 60.0


def pausing_after_one_sentence(request):  # noqa: ANN001, ANN201
    good = GOOD.format(n=number_of(request, "Lunedì 30 giugno 2025"))
    return Reply(good + " " + good, pieces=PIECES, hold_after=len(good) // PIECES + 2)


@pytest.fixture
def streaming_url(corpus_settings, make_llm_assistant):
    patient = make_llm_assistant(llm_timeout_s=TIMEOUT_S)
    yield from serve(corpus_settings.updated(rate_limit_per_minute=0), patient)


def test_the_page_shows_each_verified_sentence_as_it_comes(page, streaming_url, llm):
    llm.script(pausing_after_one_sentence)
    page.goto(streaming_url)
    box = page.get_by_label("La tua domanda")
    box.fill(WHEN)
    box.press("Enter")
    waiting = page.locator("#conversazione article.turno.in-attesa .risposta")
    waiting.get_by_text("Sala Panoramica").wait_for()
    assert waiting.inner_text().count("Sala Panoramica") == 1, "one sentence so far"
    llm.release()
    page.wait_for_function(
        "document.querySelectorAll('#conversazione article.turno:not(.in-attesa)').length === 1"
    )
    turn = answers(page).first
    assert turn.locator(".risposta").inner_text().count("Sala Panoramica") == 2
    assert turn.locator(".risposta a.marcatore").count() == 2
    assert page.locator("#conversazione .in-attesa").count() == 0
    assert llm.requests, "the answer was written by the LLM"
