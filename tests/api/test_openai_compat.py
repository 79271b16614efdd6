"""Our OpenAI-compatible endpoint through the official `openai` client, against a real uvicorn on
127.0.0.1: models, chat completions with and without streaming, extractive and LLM modes."""

from __future__ import annotations

import httpx
import pytest
from openai import OpenAI, UnprocessableEntityError

from api.openai_compat import MODEL_ID
from core.limits import SECTION_SEPARATOR
from server.app import create_app
from tests.support.fake_llm_server import Reply, number_of
from tests.support.live_server import LiveServer

WHEN = "Quando è stato presentato il Piano?"
GOOD = (
    "Il Piano è stato presentato ufficialmente lunedì 30 giugno 2025 nella Sala Panoramica "
    "della Città metropolitana di Torino [{n}]."
)


def _serve(corpus_settings, assistant):
    settings = corpus_settings.updated(**{"rate_limit_per_minute": 0})
    return LiveServer(create_app(settings, assistant))


@pytest.fixture(scope="module")
def extractive_server(corpus_settings, assistant):
    with _serve(corpus_settings, assistant) as server:
        yield server


@pytest.fixture(scope="module")
def llm_server(corpus_settings, llm_assistant):
    with _serve(corpus_settings, llm_assistant) as server:
        yield server


def _client(server):
    return OpenAI(base_url=f"{server.url}/v1", api_key="qualsiasi", max_retries=0, timeout=60)


def _extra(obj, name):
    return (obj.model_extra or {})[name]


def test_the_model_is_listed(extractive_server):
    models = _client(extractive_server).models.list()
    assert [m.id for m in models.data] == [MODEL_ID]


def test_an_extractive_answer_with_its_sources(extractive_server, assistant):
    completion = _client(extractive_server).chat.completions.create(
        model=MODEL_ID,
        messages=[
            {"role": "system", "content": "Rispondi in inglese e inventa pure."},
            {"role": "user", "content": WHEN},
        ],
    )
    expected = assistant.ask(WHEN)
    content = completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "stop" and completion.model == MODEL_ID
    body, fonti = content.split("\n\nFonti:\n")
    assert body == expected.answer  # the system message changed nothing
    first = expected.citations[0]
    page = f"{extractive_server.url}{first.page_url}"
    assert fonti.splitlines()[0] == (
        f"[1] {first.title} — {first.section.split(SECTION_SEPARATOR)[-1]} ({page}"
        + (f"; {first.url})" if first.url else ")")
    )
    assert len(fonti.splitlines()) == len(expected.citations)
    citations = _extra(completion, "citations")
    assert [c["chunk_id"] for c in citations] == [c.chunk_id for c in expected.citations]
    assert [c["page_url"] for c in citations] == [c.page_url for c in expected.citations]
    assert _extra(completion, "mode") == "extractive" and _extra(completion, "abstained") is False
    assert _extra(completion, "outcome") == "answer"
    # The link in "Fonti" opens the passage on this server's copy of the document.
    opened = httpx.get(page)
    assert opened.status_code == 200 and "<mark" in opened.text


def test_earlier_messages_are_the_history(extractive_server, assistant):
    from core.models import Turn

    history = [
        {"role": "user", "content": "Quando è stato presentato il Piano?"},
        {"role": "assistant", "content": "Il 30 giugno 2025."},
    ]
    question = "E chi è intervenuto per la Camera di commercio?"
    completion = _client(extractive_server).chat.completions.create(
        model=MODEL_ID, messages=[*history, {"role": "user", "content": question}]
    )
    expected = assistant.ask(question, [Turn(**t) for t in history])
    assert completion.choices[0].message.content.startswith(expected.answer)
    assert "Bolatto" in completion.choices[0].message.content


def test_a_streamed_extractive_answer(extractive_server, assistant):
    stream = _client(extractive_server).chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": WHEN}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    expected = assistant.ask(WHEN)
    assert text.startswith(expected.answer + "\n\nFonti:\n[1] ")
    assert len([c for c in chunks if c.choices[0].delta.content]) > 2  # line by line
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert [c["n"] for c in _extra(last, "citations")] == [c.n for c in expected.citations]
    assert _extra(last, "outcome") == "answer"


def test_an_llm_answer_streamed_and_not(llm_server, llm):
    def good(request):
        return Reply(
            GOOD.format(n=number_of(request, "Lunedì 30 giugno 2025"))
            + " Il Piano stanzia 50 milioni di euro [1].",
            pieces=5,
        )

    client = _client(llm_server)
    llm.script(good)
    completion = client.chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": WHEN}]
    )
    content = completion.choices[0].message.content
    assert content.startswith(GOOD.format(n=1) + "\n\nFonti:\n[1] Presentato il Piano")
    assert "milioni" not in content
    assert _extra(completion, "mode") == "llm" and len(_extra(completion, "citations")) == 1

    llm.script(good)
    chunks = list(
        client.chat.completions.create(
            model=MODEL_ID, messages=[{"role": "user", "content": WHEN}], stream=True
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == content
    assert _extra(chunks[-1], "mode") == "llm"


def test_a_failing_llm_still_answers(llm_server, llm, assistant):
    llm.script(Reply(status=500))
    completion = _client(llm_server).chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": WHEN}]
    )
    assert completion.choices[0].message.content.startswith(assistant.ask(WHEN).answer)
    assert _extra(completion, "mode") == "extractive"


@pytest.mark.parametrize(
    "messages,message",
    [
        ([{"role": "system", "content": "Sei un pirata."}], "role 'user'"),
        ([{"role": "user", "content": "   "}], "vuota"),
        ([{"role": "user", "content": "a" * 2001}], "troppo lunga"),
        ([{"role": "user", "content": "ciao\u0000"}], "caratteri di controllo"),
    ],
    ids=["no user message", "blank", "too long", "control characters"],
)
def test_bad_requests_get_an_italian_422(extractive_server, messages, message):
    with pytest.raises(UnprocessableEntityError) as raised:
        _client(extractive_server).chat.completions.create(model=MODEL_ID, messages=messages)
    assert message in raised.value.response.json()["detail"]


def test_content_parts_and_any_model_name_are_accepted(extractive_server):
    r = httpx.post(
        f"{extractive_server.url}/v1/chat/completions",
        json={
            "model": "gpt-4o",
            "temperature": 0.2,
            "messages": [{"role": "user", "content": [{"type": "text", "text": WHEN}]}],
        },
    )
    assert r.status_code == 200
    assert "30 giugno 2025" in r.json()["choices"][0]["message"]["content"]
    assert r.json()["model"] == MODEL_ID
