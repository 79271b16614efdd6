"""Cutting generated text into sentences with their markers, whole or streamed."""

from __future__ import annotations

from assistant.generation.claims import SentenceSplitter, marker_numbers, strip_markers


def test_markers_are_parsed_in_every_form():
    assert marker_numbers("a [1] b [2, 3] c [3;4] d [1]") == [1, 2, 3, 4]
    assert strip_markers("Il Piano è del 2025 [1][2] .") == "Il Piano è del 2025."


def _split_whole(text):
    splitter = SentenceSplitter()
    return [(u.lead, u.text) for u in splitter.feed(text) + splitter.finish()]


def _split_by_char(text):
    splitter = SentenceSplitter()
    units = [u for ch in text for u in splitter.feed(ch)] + splitter.finish()
    return [(u.lead, u.text) for u in units]


def test_sentences_are_cut_at_their_end_with_markers_after_the_full_stop():
    text = (
        "Secondo l'art. 14 D. Lgs. 276/2003 serve X [1]. Il valore è 2.5 [2]. "
        "La On. Lucia Albano ha parlato. [3] Poi «Y» [4]\n- primo punto [1]\n2. secondo [2]\n"
    )
    expected = [
        ("", "Secondo l'art. 14 D. Lgs. 276/2003 serve X [1]."),
        (" ", "Il valore è 2.5 [2]."),
        (" ", "La On. Lucia Albano ha parlato. [3]"),
        (" ", "Poi «Y» [4]"),
        ("\n- ", "primo punto [1]"),
        ("\n2. ", "secondo [2]"),
    ]
    assert _split_whole(text) == expected
    assert _split_by_char(text) == expected  # streamed one character at a time: the same cuts


def test_the_model_s_own_list_of_sources_is_dropped():
    text = "Il Piano è del 2025 [1].\n\nFonti:\n[1] Piano metropolitano — Il percorso\n"
    assert [t for _, t in _split_by_char(text)] == ["Il Piano è del 2025 [1]."]
