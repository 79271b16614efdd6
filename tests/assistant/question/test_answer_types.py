"""The verbatim spans of a sentence that carry the kind of answer asked (the kind itself is the
tagger's: test_tagger.py)."""

from __future__ import annotations

from assistant.question.answer_types import AnswerType, find_spans


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
