"""Three honest outcomes on the real index, decided by the models the build fitted."""

from __future__ import annotations

import pytest

from assistant.learning.store import load_models


def test_the_build_fitted_the_outcome_models(assistant, corpus_settings):
    models = load_models(corpus_settings.builds_dir / assistant.manifest.build_id)
    assert models.passages is not None and models.sentences is not None
    assert models.outcome is not None
    assert 0.0 < models.outcome.answer_at < 1.0
    assert 0.0 < models.outcome.not_covered_below < 1.0
    assert assistant.models.outcome is not None  # and the assistant applies them


def test_a_plain_question_is_answered_with_what_holds_the_answer(assistant):
    answer = assistant.ask("Quando è stato presentato ufficialmente il Piano?")
    assert answer.outcome == "answer" and not answer.abstained
    assert "30 giugno 2025" in answer.citations[0].quote


@pytest.mark.parametrize(
    "question",
    ["Che tempo farà domani?", "Come si prepara il risotto ai funghi?", "Who won the match?"],
)
def test_far_off_topic_questions_get_no_quotes(assistant, question):
    answer = assistant.ask(question)
    assert answer.outcome == "not_covered"
    assert "Secondo" not in answer.answer
    assert all(c.quote == "" for c in answer.citations)


def test_not_sure_shows_the_closest_passages_as_such(assistant):
    judged = assistant.judge(
        assistant.retrieve("Cosa pensa il piano del futuro delle piccole botteghe?")
    )
    judged.decision.outcome = "unsure"
    composed = assistant.compose(judged)
    assert composed.outcome == "unsure"
    assert composed.answer.startswith("Non ne sono sicuro")
    assert "Secondo" not in composed.answer
    assert composed.citations and all(c.quote for c in composed.citations)


def test_the_operating_point_moves_the_outcome(assistant):
    question = "Quali sono gli obiettivi sulla finanza a impatto sociale?"
    found = assistant.retrieve(question)
    features = assistant.judge(found).decision.features
    models = assistant.models.outcome
    assert models is not None and features is not None
    right = models.right.probability(features)
    strict = assistant.models.at(min(1.0, right + 0.01), None).outcome
    lenient = assistant.models.at(max(0.0, right - 0.01), None).outcome
    units = assistant.judge(found).units
    assert strict is not None and lenient is not None
    assert strict.decide(found.question, units, features).outcome != "answer"
    assert lenient.decide(found.question, units, features).outcome == "answer"


def test_a_typed_question_whose_evidence_lacks_the_asked_thing_is_not_answered(assistant):
    """A count of something no passage counts: the closest quotes are not an answer, however
    confident the model is about them."""
    from assistant.question.answer_types import AnswerType

    found = assistant.retrieve("Quanti dipendenti comunali lavorano al Piano?")
    judged = assistant.judge(found)
    assert found.question.asks in (AnswerType.NUMBER, AnswerType.MONEY)
    assert judged.decision.missing is not None
    models = assistant.models.at(0.0, None).outcome  # an answer whatever the probability…
    assert models is not None
    decision = models.decide(found.question, judged.units, judged.decision.features)
    assert decision.outcome != "answer"  # …but not without the asked thing
