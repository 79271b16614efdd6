"""Everyday words bring in the plan's own terms; unrelated questions are left alone."""

from __future__ import annotations

import pytest

from assistant.question.expansion import QueryExpander
from core.italian import content_stems
from indexer.glossary import Glossary, GlossaryEntry, GlossarySource


def _entry(term: str, everyday: list[str]) -> GlossaryEntry:
    return GlossaryEntry(
        term=term,
        everyday=everyday,
        explanation="…",
        source=GlossarySource(doc_id="piano-sintesi", phrase=term),
    )


EXPANDER = QueryExpander(
    Glossary(
        entries=[
            _entry("accesso al credito", ["prestiti dalle banche", "ottenere un finanziamento"]),
            _entry(
                "comunità energetiche",
                ["energia condivisa tra vicini", "pannelli solari in comune"],
            ),
            _entry("digital divide", ["anziani che non usano internet"]),
        ]
    )
)


def _expand(text: str) -> str:
    return EXPANDER.expansion(frozenset(content_stems(text)))


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("la banca non ci concede prestiti, il piano aiuta?", "accesso al credito"),
        ("vorremmo condividere l'energia con i vicini di casa", "comunità energetiche"),
        ("molti anziani non sanno usare internet", "digital divide"),
    ],
)
def test_everyday_words_bring_the_plan_term(question, term):
    assert _expand(question) == term


def test_a_question_using_the_plan_term_is_not_expanded():
    assert _expand("cosa prevede il piano sull'accesso al credito?") == ""


def test_one_shared_word_is_not_enough():
    assert _expand("quali banche hanno partecipato?") == ""
    assert _expand("quando è stato presentato il piano?") == ""
