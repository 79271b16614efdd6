"""One routing for what the product knows beside the passages: measures for a role or topic,
who took part, glossary definitions the documents vouch for, lists of headings."""

from __future__ import annotations

import pytest

from core.models import Turn


def test_a_role_named_gets_the_measures_for_it(assistant):
    answer = assistant.ask("che ruolo hanno i comuni nel piano?")
    assert answer.outcome == "answer"
    assert answer.answer.startswith("Secondo il Piano, queste sono le misure")
    assert len([ln for ln in answer.answer.splitlines() if ln.startswith("- ")]) >= 2


def test_a_bare_follow_up_keeps_the_measures_topic(assistant):
    history = [
        Turn(role="user", content="Cosa prevede il piano per le cooperative?"),
        Turn(role="assistant", content="Le misure per le cooperative…"),
    ]
    answer = assistant.ask("e per i giovani?", history)
    assert answer.outcome == "answer"
    assert "giovanili" in answer.answer or "giovani" in answer.answer.split("\n\n", 1)[1]


def test_a_definition_the_documents_vouch_for_is_the_glossarys_with_its_passage(assistant):
    definitions = assistant.router.definitions
    vouched = [
        e
        for e in assistant.glossary.entries
        if (source := definitions._source(e))[0] is not None
        and definitions._vouched(e, source[0])
        and len(e.term.split()) >= 2
    ]
    assert len(vouched) >= 10  # most explanations say only what their passage says
    entry = vouched[0]
    answer = assistant.ask(f"Cos'è {entry.term}?")
    assert answer.direct == entry.term
    assert entry.explanation in answer.answer and "Dal glossario del Piano" in answer.answer
    assert len(answer.citations) == 1 and answer.citations[0].quote in answer.answer


def test_a_glossary_explanation_the_documents_do_not_hold_is_not_given(assistant):
    entry = next(e for e in assistant.glossary.entries if e.term == "New European Bauhaus")
    answer = assistant.ask("cos'è esattamente il new european bauhaus?")
    assert entry.explanation not in answer.answer


def test_which_are_the_n_areas_is_answered_by_the_headings(assistant):
    answer = assistant.ask("Quali sono le sei aree?")
    bullets = [ln for ln in answer.answer.splitlines() if ln.startswith("- ")]
    assert len(bullets) == 6
    assert "Governance e partnership" in bullets[0]


@pytest.mark.parametrize(
    "question",
    [
        "Quali sono i tre soggetti promotori del piano?",  # a count alone names no heading
        "quali obiettivi ha il piano per l'inclusione sociale e lavorativa?",  # nor a glossary term
    ],
)
def test_a_list_is_answered_by_headings_only_when_the_users_words_name_their_parent(
    assistant, question
):
    analysed = assistant.analyse(question)
    found = assistant.retrieve_for(analysed)
    assert assistant.sections.heading_list(analysed, found.hits) is None
    assert "nei documenti comprende" not in assistant.ask(question).answer


def test_the_measures_do_not_answer_for_a_place_no_document_names(assistant):
    named = assistant.analyse(
        "Cosa prevede il piano per i giovani della Città metropolitana di Napoli?"
    )
    plain = assistant.analyse("Cosa prevede il piano per i giovani?")
    assert [p.route for p in assistant.router.proposals(plain)] == ["measures"]
    assert assistant.router.proposals(named) == []
