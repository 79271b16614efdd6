"""With an LLM, the chat shows each verified sentence as it comes (a queued event pushing the
component's `partial`); without one, one plain call answers."""

from __future__ import annotations

import pytest

from tests.support.fake_llm_server import Reply, number_of
from tests.ui.conftest import ask_in_page, serve
from ui.handlers import ChatHandlers

WHEN = "Quando è stato presentato il Piano?"
GOOD = (
    "Il Piano è stato presentato ufficialmente lunedì 30 giugno 2025 nella Sala Panoramica "
    "della Città metropolitana di Torino [{n}]."
)


def two_sentences(request):  # noqa: ANN001, ANN201
    good = GOOD.format(n=number_of(request, "Lunedì 30 giugno 2025"))
    return Reply(good + " " + good)


def handlers_over(assistant) -> ChatHandlers:  # noqa: ANN001
    return ChatHandlers(lambda: assistant, lambda: None)  # type: ignore[arg-type, return-value]


def test_the_stream_grows_then_ends_with_the_whole_turn(llm_assistant, llm):
    llm.script(two_sentences)
    steps = list(handlers_over(llm_assistant)._stream({"question": WHEN, "turn": "t1"}))
    partial, final = steps[:-1], steps[-1]
    assert [s["html"].count("30 giugno 2025") for s in partial] == [1, 2]
    assert final["done"]["answer"] == GOOD.format(n=1) + " " + GOOD.format(n=1)
    assert 'href="#f-t1-1"' in final["done"]["html"]
    long = list(handlers_over(llm_assistant)._stream({"question": "x" * 2001, "turn": "t1"}))
    assert long == [{"error": "La domanda è troppo lunga: 1 caratteri oltre il massimo di 2000."}]
    assert list(handlers_over(None)._stream({"question": WHEN, "turn": "t1"}))[0]["error"]


@pytest.fixture
def streaming_url(corpus_settings, llm_assistant, fake_llm):
    settings = corpus_settings.updated(llm_base_url=fake_llm.url)
    yield from serve(settings, llm_assistant)


@pytest.mark.slow
def test_the_page_streams_when_an_llm_writes(page, streaming_url, llm):
    llm.script(two_sentences)
    joined: list[str] = []
    page.on("request", lambda r: joined.append(r.url) if "queue/join" in r.url else None)
    page.goto(streaming_url)
    turn = ask_in_page(page, WHEN)
    assert joined, "the streamed answer comes through the queued event, not one call"
    text = turn.locator(".risposta").inner_text()
    assert text.count("Sala Panoramica") == 2
    assert turn.locator("a.marcatore").count() == 2
    assert llm.requests, "the answer was written by the LLM"
