"""Declining: hard refusals, then the calibrated model fitted on dev (its file is data)."""

from __future__ import annotations

import pytest

from assistant.answer.answerability import FEATURE_NAMES, AnswerabilityModel


def test_the_committed_calibration_matches_the_features():
    model = AnswerabilityModel.load()
    assert model.names == FEATURE_NAMES
    assert 0.0 < model.threshold < 1.0
    assert any(model.weights)


def test_a_model_on_other_features_is_refused():
    model = AnswerabilityModel.load()
    stale = AnswerabilityModel(**{**model.__dict__, "names": ["cosine"]})
    with pytest.raises(ValueError, match="re-run"):
        stale.probability(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "question",
    [
        "E il suo indirizzo email?",
        "Mi dai il numero di cellulare di Sonia Cambursano?",
        "Quanti milioni di euro mette il piano per le imprese sociali giovanili?",
        "Entro quando scade il bando per le imprese sociali giovanili?",
        "Qual è la capitale dell'Australia?",
    ],
)
def test_what_the_documents_cannot_answer_is_declined(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained
    assert answer.answer.startswith("I documenti che conosco non rispondono")


def test_the_operating_point_can_be_moved(assistant):
    question = "Quando è stato presentato il Piano?"
    found = assistant.retrieve(question)
    _, features = assistant.evidence(found)
    p = assistant.answerability.probability(features)
    assert p >= assistant.answerability.threshold
    assert assistant.answerability.at(min(1.0, p + 0.01)).threshold > p
