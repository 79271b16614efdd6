"""Matching profiles and descriptions to measures: the committed floors, and the chat route."""

from __future__ import annotations

import json

from evals.profiles import evaluate_measures
from evals.report import RESULTS_DIR


def test_matching_holds_the_committed_floors(assistant):
    committed = json.loads((RESULTS_DIR / "latest.json").read_text())["measures"]["media profili"]
    now = evaluate_measures(assistant)["media profili"]
    assert now["precision"] >= committed["precision"] - 0.02
    assert now["recall"] >= committed["recall"] - 0.02


def test_chat_answers_with_the_matching_measures_as_a_cited_list(assistant):
    answer = assistant.ask("Quali misure per una cooperativa che cerca credito?")
    assert not answer.abstained
    assert answer.answer.startswith("Secondo il Piano, queste sono le misure che ti riguardano")
    bullets = [line for line in answer.answer.splitlines() if line.startswith("- ")]
    assert any("accesso al credito" in b for b in bullets)
    for line in bullets:
        quote, n = line[2:].rsplit(" [", 1)
        assert quote in answer.citations[int(n.rstrip("]")) - 1].text


def test_free_descriptions_are_read_by_role(assistant):
    from evals.roles import evaluate_roles, summary

    rows = evaluate_roles(assistant)
    wrong = [r["text"] for r in rows if not (r["targets_ok"] and r["none_ok"] and r["first_ok"])]
    assert not wrong, wrong
    assert summary(rows) == {"targets_ok": 1.0, "none_ok": 1.0, "first_ok": 1.0}


def test_a_workplace_is_not_a_job_search(assistant):
    matches = assistant.profiles.match(
        description="Lavoro in un comune e devo fare appalti con clausole sociali"
    )
    assert "social procurement" in matches[0].measure.text
    assert all("pubblica_amministrazione" in m.measure.targets for m in matches)


def test_chat_says_no_measure_is_aimed_at_a_journalist(assistant):
    answer = assistant.ask("Sono un giornalista: c'è qualcosa per me nel Piano?")
    assert answer.answer.startswith("Nessuna misura del Piano è rivolta specificamente a te")
    assert "giornalista" in answer.answer
    assert answer.abstained and not answer.citations
