"""What a question asks for, and the verbatim spans of a sentence that carry it."""

from __future__ import annotations

import pytest

from assistant.question.answer_types import AnswerType, asked_type, find_spans


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Quando è stato presentato il Piano?", AnswerType.DATE),
        ("quante persone c'erano?", AnswerType.NUMBER),
        ("Chi è intervenuto alla presentazione?", AnswerType.PERSON),
        ("Dove si è svolto l'evento?", AnswerType.PLACE),
        ("Come si intitola la terza fase?", AnswerType.TITLE),
        ("Quanti soldi mette il piano?", AnswerType.MONEY),
        ("che cos'è Torino Social Impact?", AnswerType.DEFINITION),
        ("Quali sono gli obiettivi?", AnswerType.LIST),
        ("How many people attended?", AnswerType.NUMBER),
        ("Cosa prevede il piano per i giovani?", AnswerType.OTHER),
    ],
)
def test_the_asked_type_comes_from_the_wording(question, kind):
    assert asked_type(question) is kind


def test_spans_are_verbatim_pieces_of_the_asked_type():
    s = (
        "Lunedì 30 giugno 2025, nella Sala Panoramica della Città Metropolitana di Torino, "
        "sono intervenuti Sonia Cambursano e Guido Bolatto davanti a 104 persone."
    )
    assert find_spans(s, AnswerType.DATE) == ["Lunedì 30 giugno 2025"]
    assert find_spans(s, AnswerType.PLACE) == [
        "nella Sala Panoramica della Città Metropolitana di Torino"
    ]
    assert find_spans(s, AnswerType.PERSON) == ["Sonia Cambursano", "Guido Bolatto"]
    assert find_spans(s, AnswerType.NUMBER) == ["104 persone"]  # the year is no count
    assert find_spans('una "Guida alla discussione", ovvero', AnswerType.TITLE) == [
        "Guida alla discussione"
    ]
    assert find_spans("costa 3 milioni di euro", AnswerType.MONEY) == ["3 milioni"]
