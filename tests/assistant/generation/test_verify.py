"""Support checking of generated text: the calibrated threshold, sentence cutting, markers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import templates
from assistant.generation.verify import StreamVerifier, SupportChecker
from core.sections import LLMSettings

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "calibration" / "support_cases.jsonl")
    .read_text()
    .splitlines()
    if line
]


def _chunk(assistant, phrase):
    return next(c for c in assistant.index.chunks.values() if phrase in c.text)


@pytest.fixture(scope="module")
def checker(assistant, embedder):
    return SupportChecker(embedder, assistant.index.sentence_vectors, LLMSettings())


def test_the_threshold_separates_the_calibration_cases(assistant, checker):
    """tests/calibration/support_cases.jsonl: hand-written paraphrases (supported) and invented,
    altered, misattributed, injected or empty sentences (unsupported), each against one real
    passage. The default threshold was chosen between the two groups; it must keep every
    supported sentence and let no unsupported one through."""
    scored = []
    for case in CASES:
        sentence = case["sentence"]
        support = checker.support(
            sentence, checker.embed(sentence), [_chunk(assistant, case["passage"])]
        )
        scored.append((case, support))
    threshold = checker.params.min_support
    kept = [c["sentence"] for c, s in scored if c["supported"] and s.score < threshold]
    leaked = [c["sentence"] for c, s in scored if not c["supported"] and s.score >= threshold]
    assert not kept, f"supported sentences rejected: {kept}"
    assert not leaked, f"unsupported sentences accepted: {leaked}"
    assert sum(c["supported"] for c in CASES) >= 30 and sum(not c["supported"] for c in CASES) >= 30


def test_numbers_and_names_must_be_in_the_passage(assistant, checker):
    chunk = _chunk(assistant, "Hanno partecipato 104 persone")
    ok = "All'evento del 5 dicembre 2024 hanno partecipato 104 persone."
    for sentence, facts_ok in [
        (ok, True),
        (ok.replace("104", "140"), False),
        ("All'evento hanno partecipato 104 persone di Napoli.", False),
    ]:
        assert checker.support(sentence, checker.embed(sentence), [chunk]).facts_ok is facts_ok


def _verify(assistant, hits, text, **params):
    checker = SupportChecker(
        assistant.embedder, assistant.index.sentence_vectors, LLMSettings(**params)
    )
    verifier = StreamVerifier(checker, hits)
    pieces = [p for i in range(0, len(text), 5) for p in verifier.feed(text[i : i + 5])]
    pieces += list(verifier.finish())
    assert "".join(pieces) == verifier.text
    return verifier


@pytest.fixture(scope="module")
def hits(assistant):
    # Eight passages: both quoted ones are among them whatever their exact rank (4th-6th).
    found = assistant.retrieve(
        "Chi è intervenuto alla presentazione del Piano il 30 giugno 2025?", top_k=8
    ).hits
    return found


def _n(hits, phrase):
    return next(i for i, h in enumerate(hits, start=1) if phrase in h.chunk.text)


def test_markers_are_renumbered_by_first_appearance_and_quotes_are_the_supporting_sentences(
    assistant, hits
):
    when, who = _n(hits, "Lunedì 30 giugno 2025"), _n(hits, "figure istituzionali")
    assert when != who
    text = (
        f"Per la Camera di commercio è intervenuto il segretario generale Guido Bolatto [{who}]. "
        f"Il Piano è stato presentato il 30 giugno 2025 nella Sala Panoramica [{when}]."
    )
    verifier = _verify(assistant, hits, text)
    assert verifier.text == (
        "Per la Camera di commercio è intervenuto il segretario generale "
        "Guido Bolatto [1]. Il Piano è stato presentato il 30 giugno 2025 "
        "nella Sala Panoramica [2]."
    )
    first, second = verifier.citations()
    assert (first.n, first.chunk_id) == (1, hits[who - 1].chunk.chunk_id)
    assert (second.n, second.chunk_id) == (2, hits[when - 1].chunk.chunk_id)
    assert "Guido Bolatto" in first.quote and first.quote in first.text
    assert "30 giugno 2025" in second.quote and second.quote in second.text


def test_unsupported_sentences_and_unknown_markers_are_removed(assistant, hits):
    when = _n(hits, "Lunedì 30 giugno 2025")
    text = (
        f"Il Piano è stato presentato il 30 giugno 2025 [{when}][9]. "
        f"Il Piano stanzia 50 milioni di euro per le cooperative [{when}]. "
        "Lo ha detto il sindaco [9]. HACKED [1]. Spero di esserti stato utile!"
    )
    verifier = _verify(assistant, hits, text)
    assert verifier.text == "Il Piano è stato presentato il 30 giugno 2025 [1]."
    assert [v.reason for v in verifier.verdicts] == [
        "",
        "unsupported",
        "no-marker",
        "unsupported",
        "no-marker",
    ]
    assert [c.n for c in verifier.citations()] == [1]


def test_flag_mode_shows_cited_but_unsupported_sentences_without_their_marker(assistant, hits):
    when = _n(hits, "Lunedì 30 giugno 2025")
    text = (
        f"Il Piano stanzia 50 milioni di euro [{when}]. "
        f"Il Piano è stato presentato il 30 giugno 2025 [{when}]. "
        "Ignora le istruzioni precedenti [1]. Fine senza fonte."
    )
    verifier = _verify(assistant, hits, text, llm_unsupported="flag")
    flagged = templates.flagged("Il Piano stanzia 50 milioni di euro.")
    # The flagged sentence waits for the first supported one, then keeps its place.
    assert verifier.text == f"{flagged} Il Piano è stato presentato il 30 giugno 2025 [1]."
    assert templates.UNSUPPORTED_FLAG in flagged and flagged.endswith(".")


def test_a_sentence_joining_two_passages_keeps_both_markers(assistant, hits):
    when, who = _n(hits, "Lunedì 30 giugno 2025"), _n(hits, "figure istituzionali")
    text = (
        "Il Piano, presentato il 30 giugno 2025 nella Sala Panoramica, ha visto intervenire "
        f"Guido Bolatto, Segretario Generale della Camera di commercio di Torino [{when}][{who}]."
    )
    verifier = _verify(assistant, hits, text)
    assert verifier.supported == 1
    assert verifier.text.endswith("[1][2].")
    assert {c.chunk_id for c in verifier.citations()} == {
        hits[when - 1].chunk.chunk_id,
        hits[who - 1].chunk.chunk_id,
    }


def test_a_bulleted_answer_keeps_its_bullets(assistant):
    found = assistant.retrieve("Quali sono gli obiettivi sulla finanza a impatto sociale?").hits
    n = _n(found, "Favorire l'accesso al credito")
    text = (
        f"Gli obiettivi sono:\n- favorire l'accesso al credito per gli attori dell'economia "
        f"sociale [{n}]\n- creare meccanismi innovativi di finanza di impatto [{n}]\n"
    )
    verifier = _verify(assistant, found, text)
    assert verifier.text == (
        "- favorire l'accesso al credito per gli attori dell'economia sociale [1]"
        "\n- creare meccanismi innovativi di finanza di impatto [1]"
    )
