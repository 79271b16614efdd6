"""The question log and the gap report: abstained questions and 👎 answers grouped by topic, as
Markdown and CSV, through the admin endpoint and `python -m assistant report`; retention."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import update

from feedback import schema
from feedback.database import FeedbackDatabase
from feedback.gap_report import build_gap_report, to_csv_text, to_markdown
from feedback.question_log import QuestionLog
from feedback.store import FeedbackStore
from server.app import create_app
from server.cli import main

KEY = "chiave-del-rapporto"
ABSTAINED = "Quanto costa il biglietto del tram a Napoli?"
ANSWERED = "Quante interviste sono state fatte nella fase di ascolto?"


@pytest.fixture
def api(corpus_settings, assistant, tmp_path):
    def make(**overrides):
        settings = corpus_settings.updated(
            **{
                "data_dir": tmp_path / "data",
                "rate_limit_per_minute": 0,
                "admin_key": SecretStr(KEY),
                **overrides,
            }
        )
        return TestClient(create_app(settings, assistant))

    return make


def test_asked_questions_are_logged_with_the_abstention_and_no_address(api, tmp_path):
    with api() as client:
        for question in (ANSWERED, ABSTAINED, ABSTAINED):
            assert (
                client.post(
                    "/api/ask",
                    json={"question": question},
                    headers={"X-Forwarded-For": "203.0.113.5"},
                ).status_code
                == 200
            )
        logged = client.app.state.services.questions.all()
    assert [(q.question, q.abstained) for q in logged] == [
        (ANSWERED, False),
        (ABSTAINED, True),
        (ABSTAINED, True),
    ]
    with sqlite3.connect(tmp_path / "data" / "feedback.sqlite") as db:
        columns = {c[1] for c in db.execute("PRAGMA table_info(questions)")}
        dump = "\n".join(db.iterdump())
    assert columns == {"id", "created", "question", "abstained", "source"}
    assert "203.0.113.5" not in dump and "testclient" not in dump


def test_every_door_logs_once_and_says_which(api):
    """The chat page (through the stream, with its header), /api/ask and /v1: one path, one
    log entry each, with its source; a header that is not the chat's is the API."""
    v1 = {"model": "chiedi-al-piano", "messages": [{"role": "user", "content": ABSTAINED}]}
    with api() as client:
        chat = {"X-Piano-Source": "chat"}
        assert client.post("/api/ask/stream", json={"question": ANSWERED}, headers=chat).is_success
        assert client.post("/api/ask", json={"question": ANSWERED}, headers=chat).is_success
        assert client.post("/api/ask", json={"question": ABSTAINED}).is_success
        spoofed = {"X-Piano-Source": "nginx"}
        assert client.post("/api/ask", json={"question": ABSTAINED}, headers=spoofed).is_success
        assert client.post("/v1/chat/completions", json=v1).is_success
        assert client.post("/v1/chat/completions", json={**v1, "stream": True}).is_success
        logged = client.app.state.services.questions.all()
    assert [(q.question, q.abstained, q.source) for q in logged] == [
        (ANSWERED, False, "chat"),
        (ANSWERED, False, "chat"),
        (ABSTAINED, True, "api"),
        (ABSTAINED, True, "api"),
        (ABSTAINED, True, "v1"),
        (ABSTAINED, True, "v1"),
    ]


def test_question_logging_can_be_switched_off(api):
    with api(log_questions=False) as client:
        client.post("/api/ask", json={"question": ABSTAINED})
        assert client.app.state.services.questions.count() == 0


def test_retention_deletes_old_rows_when_the_stores_open(feedback_db):
    feedback, questions = FeedbackStore(feedback_db), QuestionLog(feedback_db)
    feedback.add("vecchia", "r", "down")
    questions.record("vecchia?", True)
    feedback.add("recente", "r", "down")
    questions.record("recente?", True)
    old = (datetime.now(UTC) - timedelta(days=400)).isoformat(timespec="seconds")

    def age(db):
        for table, question in ((schema.feedback, "vecchia"), (schema.questions, "vecchia?")):
            db.execute(update(table).where(table.c.question == question).values(created=old))

    feedback_db.run(age)

    assert FeedbackStore(feedback_db, retention_days=0).count() == 2  # 0 keeps everything
    assert [r.question for r in FeedbackStore(feedback_db, retention_days=365).all()] == ["recente"]
    assert [q.question for q in QuestionLog(feedback_db, retention_days=365).all()] == ["recente?"]


def _fill(database):
    questions, feedback = QuestionLog(database), FeedbackStore(database)
    for q in (
        ABSTAINED,
        "quanto costa il biglietto del tram a napoli?  ",
        ANSWERED,
        "Quali finanziamenti europei per le cooperative di comunità in montagna?",
    ):
        questions.record(q, abstained=q != ANSWERED)
    questions.record(ANSWERED, abstained=False)
    feedback.add(
        "Quali sono gli obiettivi sulla finanza a impatto sociale?",
        "…",
        "down",
        reason="Troppo generica",
        citations=[],
    )
    feedback.add(
        '=HYPERLINK("http://evil.example") <script>x</script> [a](javascript:1)',
        "…",
        "down",
        reason="@SUM(1)",
    )
    feedback.add("Quando è stato presentato il Piano?", "…", "up")
    return questions, feedback


def test_the_report_groups_abstentions_and_thumbs_down_by_topic(feedback_db, assistant):
    questions, feedback = _fill(feedback_db)
    report = build_gap_report(questions, feedback, assistant)
    assert (report.abstained, report.rated_down) == (3, 2)
    items = {i.question: (t.topic, i) for t in report.topics for i in t.items}
    # Same words, other case and spacing: one item seen twice.
    assert items[ABSTAINED][1].count == 2 and items[ABSTAINED][1].kind == "astensione"
    assert ANSWERED not in items and "Quando è stato presentato il Piano?" not in items
    finanza = items["Quali sono gli obiettivi sulla finanza a impatto sociale?"]
    assert finanza[0] == "Le priorità › Finanza a impatto sociale"
    assert finanza[1].kind == "non utile" and finanza[1].reasons == ["Troppo generica"]
    assert all(t.topic for t in report.topics)
    totals = [t.total for t in report.topics]
    assert totals == sorted(totals, reverse=True)


def test_markdown_and_csv_are_inert(feedback_db, assistant):
    report = build_gap_report(*_fill(feedback_db), assistant)
    md = to_markdown(report)
    assert md.startswith("# Chiedi al Piano — domande senza risposta")
    assert "<script>" not in md and "](javascript" not in md and "\\<script\\>" in md
    assert "| astensione | Quanto costa il biglietto del tram a Napoli? | 2 |" in md
    rows = list(csv.reader(io.StringIO(to_csv_text(report))))
    assert rows[0] == ["argomento", "tipo", "domanda", "volte", "ultima_volta", "canali", "motivi"]
    hostile = [r for r in rows if "HYPERLINK" in r[2]][0]
    assert hostile[2].startswith("'=") and hostile[6] == "'@SUM(1)"


def test_without_an_index_topics_come_from_shared_words(tmp_path):
    report = build_gap_report(*_fill(FeedbackDatabase(tmp_path / "gap.sqlite")), assistant=None)
    topics = {i.question: t.topic for t in report.topics for i in t.items}
    assert topics[ABSTAINED].startswith("parole: ")


def test_the_admin_endpoint_serves_markdown_and_csv(api):
    with api() as client:
        client.post("/api/ask", json={"question": ABSTAINED})
        md = client.get("/api/admin/gap-report", headers={"X-Admin-Key": KEY})
        as_csv = client.get(
            "/api/admin/gap-report?format=csv&days=7", headers={"Authorization": f"Bearer {KEY}"}
        )
        assert client.get("/api/admin/gap-report").status_code == 401
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert ABSTAINED in md.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert ABSTAINED in as_csv.text.splitlines()[1]


def test_the_command_writes_both_files(
    tmp_path, monkeypatch, corpus_settings, corpus_index, capsys
):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(corpus_settings.data_dir, data, ignore=shutil.ignore_patterns("feedback*"))
    database = FeedbackDatabase(data / "feedback.sqlite")
    questions, feedback = QuestionLog(database), FeedbackStore(database)
    questions.record(ABSTAINED, abstained=True)
    feedback.add("Quali sono gli obiettivi sulla finanza a impatto sociale?", "…", "down")
    monkeypatch.chdir(tmp_path)  # no developer .env
    monkeypatch.setenv("PIANO_DATA_DIR", str(data))
    monkeypatch.setenv("PIANO_CORPUS_DIR", str(corpus_settings.corpus_dir))

    assert main(["report", "--out", str(tmp_path / "out")]) == 0

    printed = capsys.readouterr().out
    assert "1 domande senza risposta, 1 risposte 👎" in printed
    md = (tmp_path / "out" / "gap-report.md").read_text(encoding="utf-8")
    assert "## Le priorità › Finanza a impatto sociale (1)" in md and ABSTAINED in md
    table = (tmp_path / "out" / "gap-report.csv").read_text(encoding="utf-8-sig")
    assert table.splitlines()[0] == "argomento,tipo,domanda,volte,ultima_volta,canali,motivi"
