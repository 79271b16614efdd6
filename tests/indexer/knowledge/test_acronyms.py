"""Acronyms derived from the documents at build time, the reviewed ones beside the corpus, and the
table a build stores for its BM25 index and its queries."""

from __future__ import annotations

import pytest

from core.italian import GENERIC_ACRONYMS
from indexer.knowledge.acronyms import derive_acronyms, load_acronyms


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        (
            "Il Consorzio Intercomunale dei Servizi Sociali (CISS) coordina le azioni.",
            {"ciss": ["consorzio intercomunale dei servizi sociali"]},
        ),
        (  # a place after the long form, before the parenthesis
            "la Camera di commercio, industria, artigianato e agricoltura di Torino (CCIAA)",
            {"cciaa": ["camera di commercio industria artigianato e agricoltura"]},
        ),
        (  # the acronym first, the long form in parentheses
            "il tema della CDR (Corporate Digital Responsibility) nel Piano",
            {"cdr": ["corporate digital responsibility"]},
        ),
        (  # a list line "Long Form - LF"; a word may give two letters (To-rino)
            "29. Città metropolitana di Torino - CmTo",
            {"cmto": ["citta metropolitana di torino"]},
        ),
        (  # link words skipped
            "Il Ministero dell'Economia e delle Finanze (MEF) ha avviato i lavori.",
            {"mef": ["ministero dell economia e delle finanze"]},
        ),
    ],
)
def test_a_spelled_out_acronym_is_derived(text, pairs):
    assert derive_acronyms([text]).as_dict() == pairs


@pytest.mark.parametrize(
    "text",
    [
        "Liceo Classico di Torino (TO)",  # a province code: one word cannot spell it
        "Comune di Torre Pellice (TO)",  # "To-rre" then "Pellice" would be left out
        "La CCIAA (Camera di commercio) firma",  # the letters do not all match
        "Un incontro (ANCI) tra i sindaci",  # nothing before spells it
        "Il Piano (Documento) è stato approvato",  # not an acronym
    ],
)
def test_what_does_not_spell_an_acronym_out_is_left_alone(text):
    assert derive_acronyms([text]).as_dict() == {}


def test_the_shipped_build_has_derived_and_reviewed_acronyms(assistant, corpus_settings):
    table = assistant.index.acronyms.as_dict()
    derived = derive_acronyms(
        p.read_text(encoding="utf-8") for p in sorted(corpus_settings.corpus_dir.glob("*.md"))
    ).as_dict()
    # What the text spells out comes from the text; corpus/acronyms.toml adds the rest.
    assert set(derived) == {"cciaa", "tsi", "cdr", "cmto"}
    assert table["tsi"] == ["torino social impact"]
    assert table["cmto"] == ["citta metropolitana di torino", "citta metropolitana"]
    assert table["mef"][0] == "ministero dell economia e delle finanze"
    assert table["dcr"] == ["deliberazione del consiglio"]
    assert table["ets"] == GENERIC_ACRONYMS.as_dict()["ets"]


def test_a_build_without_a_stored_table_uses_the_italian_acronyms(tmp_path):
    assert load_acronyms(tmp_path) == GENERIC_ACRONYMS
