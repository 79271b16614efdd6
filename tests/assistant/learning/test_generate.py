"""Training questions generated from the indexed documents: the answer left out of the question,
the passage that holds it named by a phrase of its own, declines that ask for what it lacks."""

from __future__ import annotations

from assistant.learning.examples import normalised
from assistant.learning.generate import Generator, everyday_labelled, typed_questions
from assistant.learning.train import generated_questions
from assistant.question.answer_types import AnswerType, find_spans


def test_generated_questions_name_their_passage_and_leave_the_answer_out(assistant):
    questions = generated_questions(assistant, assistant.glossary)
    answerable = [q for q in questions if q.answerable]
    assert len(answerable) >= 100 and len(questions) - len(answerable) >= 20
    chunks = list(assistant.index.chunks.values())
    for q in answerable:
        assert any(q.held_by(c) for c in chunks), q  # its support phrase is in a passage
        ((doc_id, phrase),) = q.support
        for kind in (AnswerType.DATE, AnswerType.MONEY):
            for span in find_spans(phrase, kind):
                if q.question.startswith(("Quando", "In che data", "Quanti soldi")):
                    assert normalised(span) not in normalised(q.question)


def test_the_same_seed_generates_the_same_questions(assistant):
    first = generated_questions(assistant, assistant.glossary)
    again = generated_questions(assistant, assistant.glossary)
    assert [q.question for q in first] == [q.question for q in again]


def test_declines_ask_for_what_their_passage_does_not_carry(assistant):
    generator = Generator(assistant.lexicon, assistant.glossary, seed=5)
    chunks = list(assistant.index.chunks.values())
    made = [
        q
        for c in chunks
        for s in c.sentences[:2]
        if (q := generator.decline(c, s, 0, ["Bari"])) is not None
    ]
    assert made and all(not q.answerable and not q.support for q in made)


def test_every_form_group_teaches_the_tagger_its_kind(assistant):
    generator = Generator(assistant.lexicon, assistant.glossary, seed=2)
    pairs = typed_questions(generator, list(assistant.index.chunks.values()), 5)
    assert {kind for _, kind in pairs} >= {
        AnswerType.DATE,
        AnswerType.NUMBER,
        AnswerType.DEFINITION,
        AnswerType.LIST,
        AnswerType.OTHER,
    }


def test_the_everyday_questions_are_a_reviewed_list():
    everyday = everyday_labelled()
    assert len(everyday) >= 80
    assert len({q.question for q in everyday}) == len(everyday)
    assert not any(q.answerable for q in everyday)
