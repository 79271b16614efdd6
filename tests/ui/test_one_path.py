"""The chat is a client of the public API: its questions go through /api/ask/stream and its
ratings through /api/feedback (saying they come from the chat), so its questions reach the
question log and the gap report, and its ratings get the same tokens as any client's."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from feedback.database import FeedbackDatabase
from feedback.gap_report import build_gap_report, to_markdown
from feedback.question_log import QuestionLog
from feedback.store import FeedbackStore
from tests.ui.conftest import ask_in_page, check_page, open_page, serve

pytestmark = pytest.mark.slow

OFF_TOPIC = "Quanto costa il biglietto del tram a Napoli nel 2031?"
ON_TOPIC = "Quante interviste sono state fatte nella fase di ascolto?"


@pytest.fixture
def own_archive(tmp_path):
    """A feedback database of the test's own (the test resets it)."""
    return tmp_path / "archivio.sqlite"


@pytest.fixture
def archive_url(corpus_settings, recording, own_archive):
    settings = corpus_settings.updated(
        rate_limit_per_minute=0, database_url=SecretStr(f"sqlite:///{own_archive}")
    )
    yield from serve(settings, recording)


def test_a_chat_question_reaches_the_question_log_and_the_gap_report(
    browser, archive_url, own_archive, assistant
):
    context, page = open_page(browser)
    calls: list[tuple[str, str | None]] = []
    page.on(
        "request",
        lambda r: (
            calls.append((r.url, r.headers.get("x-piano-source"))) if r.method == "POST" else None
        ),
    )
    page.goto(archive_url)
    ask_in_page(page, OFF_TOPIC)
    turn = ask_in_page(page, ON_TOPIC)
    turn.get_by_role("button", name="👎 No").click()
    turn.get_by_text("non è utile").wait_for()

    # Two questions and a rating: three calls to the public API, each saying it is the chat.
    # Gradio's own calls are the page's two load events (the documents and glossary tabs).
    paths = [url.split("/", 3)[3] for url, _ in calls]
    api = [(path, source) for path, (_, source) in zip(paths, calls) if path.startswith("api/")]
    assert api == [("api/ask/stream", "chat"), ("api/ask/stream", "chat"), ("api/feedback", "chat")]
    gradio = [path for path in paths if not path.startswith("api/")]
    assert set(gradio) <= {"ui/gradio_api/run/predict"} and len(gradio) <= 2, gradio

    database = FeedbackDatabase(own_archive)
    questions, feedback = QuestionLog(database), FeedbackStore(database)
    logged = [(q.question, q.abstained, q.source) for q in questions.all()]
    assert logged == [(OFF_TOPIC, True, "chat"), (ON_TOPIC, False, "chat")]
    [rated] = feedback.all()
    assert (rated.question, rated.rating, rated.channel) == (ON_TOPIC, "down", "ui")

    report = to_markdown(build_gap_report(questions, feedback, assistant))
    assert OFF_TOPIC in report and ON_TOPIC in report
    line = next(ln for ln in report.splitlines() if OFF_TOPIC in ln)
    assert "| astensione |" in line and "| chat |" in line
    database.close()
    context.close()
    check_page(page)


def test_after_the_archive_is_reset_the_page_is_told_its_rating_was_stored_anew(
    browser, archive_url, own_archive
):
    context, page = open_page(browser)
    page.goto(archive_url)
    turn = ask_in_page(page, ON_TOPIC)
    turn.get_by_role("button", name="👍 Sì").click()
    turn.get_by_text("è utile").wait_for()
    for suffix in ("", "-wal", "-shm"):  # the README's recovery: the file removed
        own_archive.with_name(own_archive.name + suffix).unlink(missing_ok=True)
    others = FeedbackStore(FeedbackDatabase(own_archive))
    theirs = others.add_signed("Chi ha scritto il Piano?", "…", "up", channel="ui")

    turn.get_by_label("Motivo (facoltativo)").fill("Mancavano le date.")
    turn.get_by_role("button", name="Invia il motivo").click()

    turn.get_by_text("non risulta più nell'archivio").wait_for()
    assert "registrata come nuova" in turn.locator(".valuta-stato").inner_text()
    rows = {r.question: r for r in others.all()}
    assert (rows["Chi ha scritto il Piano?"].reason, rows["Chi ha scritto il Piano?"].id) == (
        None,
        theirs.id,
    )
    assert rows[ON_TOPIC].reason == "Mancavano le date." and rows[ON_TOPIC].rating == "up"
    # The next thought goes to the new row, with its new token: no warning this time.
    down = turn.get_by_role("button", name="👎 No")
    down.click()
    page.wait_for_function(
        "b => b.getAttribute('aria-pressed') === 'true'", arg=down.element_handle()
    )
    assert "non risulta" not in turn.locator(".valuta-stato").inner_text()
    assert {r.question: r.rating for r in others.all()}[ON_TOPIC] == "down"
    context.close()
    check_page(page)
