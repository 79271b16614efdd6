"""Matching profiles and descriptions to measures: the committed floors, and the chat route."""

from __future__ import annotations

import json

from evals.profiles import evaluate_measures
from evals.report import RESULTS_DIR

AREAS = [
    "Governance e partnership",
    "Social procurement",
    "Finanza a impatto sociale",
    "Formazione continua, sviluppo di competenze, giovani",
    "Connessioni fisiche, digitali e innovazione tecnologica",
    "Inclusione sociale e lavorativa",
]


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
