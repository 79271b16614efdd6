"""What a question asks for, read by the fitted tagger shipped with the product."""

from __future__ import annotations

import pytest

from assistant.question.answer_types import AnswerType
from assistant.question.tagger import AnswerTypeTagger, shipped_tagger


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Quando è stato presentato il Piano?", AnswerType.DATE),
        ("quante persone c'erano?", AnswerType.NUMBER),
        ("Chi è intervenuto alla presentazione?", AnswerType.PERSON),
        ("Quanti soldi mette il piano?", AnswerType.MONEY),
        ("che cos'è il social procurement?", AnswerType.DEFINITION),
        ("Quali sono le fasi del percorso?", AnswerType.LIST),
        ("How many people attended?", AnswerType.NUMBER),
    ],
)
def test_the_shipped_tagger_reads_common_wordings(question, kind):
    tagger = shipped_tagger()
    assert tagger is not None, "run python -m evals.learn"
    assert tagger.tag(question) is kind


def test_chi_as_a_relative_pronoun_does_not_ask_for_a_person():
    tagger = shipped_tagger()
    assert tagger is not None
    assert tagger.tag("Ho 20 anni: cosa c'è nel piano per chi comincia?") is not AnswerType.PERSON


def test_probabilities_sum_to_one_and_unknown_words_are_ignored(tmp_path):
    tagger = shipped_tagger()
    assert tagger is not None
    p = tagger.probabilities("zzqx wwvy")
    assert sum(p.values()) == pytest.approx(1.0)
    tagger.save(tmp_path / "t.json")
    assert AnswerTypeTagger.load(tmp_path / "t.json").tag("Quando?") is tagger.tag("Quando?")


def test_word_beginnings_join_the_forms_of_a_word():
    from assistant.question.tagger import tagger_features

    assert "p:quant" in tagger_features("Quanti occupati?")
    assert "p:quant" in tagger_features("quante persone?")
    assert not [f for f in tagger_features("chi?") if f.startswith("p:")]  # short words stay whole
