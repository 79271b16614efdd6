"""The Assistant's flow: a question is analysed once, whatever route answers it."""

from __future__ import annotations

import pytest

from core.models import Turn


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("Quando è stato presentato il Piano?", []),
        ("Ha partecipato anche il Politecnico?", []),
        ("Che tempo farà domani?", []),
        (
            "E quante persone hanno partecipato?",
            [
                Turn(role="user", content="Cosa è successo il 5 dicembre 2024?"),
                Turn(role="assistant", content="Si è tenuto l'evento partecipativo."),
            ],
        ),
    ],
)
def test_each_question_is_analysed_once(assistant, question, history):
    before = assistant.analysed
    assistant.ask(question, history)
    assert assistant.analysed - before == 1
