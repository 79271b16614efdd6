"""The compiled-once segmenter gives plain pysbd's sentences, character for character."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pysbd
import pytest

from evals.plan_pdf import write_plan_pdf
from indexer.loaders import corpus_files, load_document
from indexer.segmenter import ItalianSegmenter

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "documents"

TRICKY = [
    "Ai sensi dell'art. 5 del decreto, si veda pag. 12. Il contributo è di 1.000,50 euro.",
    "Come previsto dall'Art. 3, comma 2, lett. b) del regolamento n. 45/2023 (v. allegato).",
    "Hanno risposto in molti, es. cooperative, fondazioni, imprese sociali ecc. Il resto no.",
    "Il dott. Rossi e la Dott.ssa Bianchi di Innova S.p.A. hanno firmato il 5.12.2023 a Torino.",
    "Scrivete a info@torinosocialimpact.it o visitate https://www.torinosocialimpact.it/piano. "
    "Grazie!",
    "Sono state raccolte 20 proposte... Alcune erano lunghe… altre brevi. Perché? Non si sa!",
    "- Favorire le partnership tra pubblico e privato.\n- Rafforzare la governance.\n"
    "1. Prima fase: analisi.\n2) Seconda fase: ascolto.",
    "Vedi pp. 10-12 e nr. 3 del Bollettino. No. 7 è il numero giusto.",
    "La Soc. coop. Esempio s.r.l. ha sede in via Roma n. 1 (TO). Tel. 011 123456.",
    "Temperature di 20 °C. Velocità 50 km/h. Poi la riunione delle ore 10 a.m. e basta.",
    "L'avv. Verdi e l'ing. Neri, p.es. quelli del c.a.p. 10100, sono arrivati. Bene.",
    "Il magg.(maj) Russo e il serg.magg.(sgm) Gallo. Fine della lista.",
    # pysbd reads the word after "{ca} " (its braces are literal) to decide on "ca.": a split.
    "Nel testo {ca} Roma ca. 300 persone. Formule {es} tra graffe: {dott} Rossi. Chiusura.",
    "Frase con spazio unicode.\u00a0Nuova frase.\u2028Altra frase.\x85Ultima.",
    "«Il Piano è di tutti» ha detto la sindaca. “Lo scriveremo insieme”, ha aggiunto.",
    "Nel 2024 l’economia sociale contava 2.345 enti (+3,4% sul 2023); i dati sono Istat.",
    "ECC. ART. 12 DOTT. ROSSI. S.P.A. Tutto maiuscolo.",
    "Riga spezzata dal PDF a metà\nfrase, che continua qui. Poi un'altra\n\nE un capoverso.",
    "",
    "   ",
    "...",
    "a. b. c.",
]


@pytest.fixture(scope="module")
def reference() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="it", clean=False)


def _assert_same(texts: list[str], reference: pysbd.Segmenter) -> None:
    fast = ItalianSegmenter()
    for text in texts:
        assert fast.segment(text) == reference.segment(text), text[:200]


def test_tricky_italian_cases_split_as_pysbd_does(reference):
    _assert_same(TRICKY, reference)


def test_the_shortcuts_are_exercised_by_the_tricky_cases(reference):
    # The cases above must reach both paths of every shortcut, or they prove nothing about them.
    split = ItalianSegmenter().segment
    assert split(TRICKY[0]) != [TRICKY[0]]  # "art." kept, sentence boundary after "12."
    assert split(TRICKY[12])[0] == "Nel testo {ca} Roma ca. "  # without the braces, no split
    assert any(ch.isspace() and ch not in " \t\n\r\f\v" for ch in TRICKY[13])


def test_every_paragraph_and_line_of_the_corpus_splits_as_pysbd_does(reference):
    texts = []
    for path in corpus_files(CORPUS):
        for page in load_document(path).pages:
            blocks = re.split(r"\n\s*\n", page.text)
            texts += blocks + [line for block in blocks for line in block.split("\n")]
    assert len(texts) > 300
    _assert_same(texts, reference)


def test_a_generated_plan_pdf_splits_as_pysbd_does(tmp_path, reference):
    path = write_plan_pdf(tmp_path / "piano.pdf", pages=12)
    pages = [p.text for p in load_document(path).pages]
    assert len(pages) == 12
    _assert_same(pages + [line for page in pages for line in page.split("\n")], reference)


def test_random_mixtures_of_hard_fragments_split_as_pysbd_does(reference):
    fragments = [
        w
        for case in TRICKY
        for w in re.split(r"(\s+)", case)
        if w  # keep the whitespace, so "\n" and "\u00a0" land between words
    ]
    rng = random.Random(17)
    texts = ["".join(rng.choice(fragments) for _ in range(rng.randint(5, 60))) for _ in range(300)]
    _assert_same(texts, reference)
