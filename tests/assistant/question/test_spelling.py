"""Typos are read as the corpus word they nearly spell; real Italian words are left alone."""

from __future__ import annotations

from assistant.question.spelling import Speller, apply_corrections

CORPUS = [
    "La consultazione online ha raccolto 20 proposte di integrazione.",
    "Hanno partecipato all'evento 104 persone. Le cooperative sociali e l'economia sociale.",
    "La presentazione del Piano si è tenuta a Torino.",
]
SPELLER = Speller(CORPUS)


def test_misspelled_key_words_are_corrected():
    fixed = SPELLER.corrections("quante propste alla cosultazione? economia socile, evnto")
    assert fixed == {
        "propste": "proposte",
        "cosultazione": "consultazione",
        "socile": "sociale",
        "evnto": "evento",
    }


def test_correct_italian_words_are_never_corrected():
    # Not in the corpus, but real words: "vicini", "sindaco", "pannelli" stay as they are.
    assert SPELLER.corrections("i vicini, il sindaco e i pannelli sul tetto") == {}


def test_corrections_keep_the_rest_of_the_text():
    text = "Quante Propste sono arrivate?"
    assert apply_corrections(text, SPELLER.corrections(text)) == "Quante proposte sono arrivate?"
