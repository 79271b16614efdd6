"""Italian normalisation for lexical matching: accents, elisions, acronyms in both directions."""

from __future__ import annotations

import pytest

from core.italian import GENERIC_ACRONYMS, Acronyms, content_stems, fold, lexical_text, words

# A corpus's table as a build derives it (`indexer.knowledge.acronyms`), plus the Italian ones.
TABLE = Acronyms.of(
    {
        "cciaa": ["camera di commercio industria artigianato e agricoltura", "camera di commercio"],
        "cmto": ["citta metropolitana di torino", "citta metropolitana"],
        "tsi": ["torino social impact"],
        "mef": ["ministero dell economia e delle finanze", "ministero economia e finanze"],
    }
).merged(GENERIC_ACRONYMS)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Città", "citta"),
        ("PERCHÉ è più così", "perche e piu cosi"),
        ("l’economia", "l'economia"),
        (
            "‘Verso il Piano’ e “Torino Social Impact”",
            "'verso il piano' e \"torino social impact\"",
        ),
        ("Società Cooperativa", "societa cooperativa"),
    ],
)
def test_fold_lowercases_unifies_apostrophes_and_drops_accents(text, folded):
    assert fold(text) == folded


def _fold_by_definition(text: str) -> str:
    import unicodedata

    table = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
    text = unicodedata.normalize("NFKD", text.translate(table).lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def test_fold_is_its_definition_on_any_text():
    import random

    rng = random.Random(23)
    pools = [(0x20, 0x7F), (0xC0, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x20, 0x30000)]
    texts = [
        "".join(chr(rng.randrange(*rng.choice(pools))) for _ in range(rng.randrange(0, 80)))
        for _ in range(3000)
    ] + ["Ａ\u0301 ﬁ\u0301x \u00a0\u0301 ｅ\u0300 Città l’economia ǅ İstanbul ß ﬀ ´e ‘x’ “y”"]

    assert [fold(t) for t in texts] == [_fold_by_definition(t) for t in texts]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("dell'impresa", ["dell", "impresa"]),
        ("l’economia sociale", ["l", "economia", "sociale"]),
        ("L'Università e la Città", ["l", "universita", "e", "la", "citta"]),
        ("Piano 2030: 104 persone, 5 tavoli!", ["piano", "2030", "104", "persone", "5", "tavoli"]),
    ],
)
def test_words_split_elisions_and_punctuation(text, tokens):
    assert words(text) == tokens


def test_typographic_and_plain_apostrophes_give_the_same_words():
    assert words("dell’economia sociale") == words("dell'economia sociale")
    assert lexical_text("L’impresa", TABLE) == lexical_text("l'impresa", TABLE) == "l impresa"


@pytest.mark.parametrize(
    ("question", "expansion"),
    [
        ("Che ruolo ha la CCIAA?", "camera di commercio"),
        ("Cosa fa la CmTo?", "citta metropolitana"),
        ("Chi ha firmato per CmTO?", "citta metropolitana"),  # the corpus writes "CmTO"
        ("Cos'è TSI?", "torino social impact"),
        ("Quali ETS hanno partecipato?", "terzo settore"),
    ],
)
def test_acronym_is_expanded(question, expansion):
    assert expansion in lexical_text(question, TABLE)
    assert TABLE.expand(question).startswith(question)  # the original text is kept


@pytest.mark.parametrize(
    ("question", "acronym"),
    [
        ("Che ruolo ha la Camera di Commercio di Torino?", "cciaa"),
        ("Cosa fa la Città metropolitana di Torino?", "cmto"),
        ("Cos'è Torino Social Impact?", "tsi"),
        ("Quali enti del Terzo Settore hanno partecipato?", "ets"),
        ("Il Ministero dell'Economia e delle Finanze", "mef"),  # elision inside the expansion
    ],
)
def test_expansion_adds_the_acronym(question, acronym):
    assert acronym in lexical_text(question, TABLE).split()


def test_both_forms_of_an_acronym_share_terms():
    by_acronym = set(lexical_text("La CCIAA e la CmTo promuovono il Piano", TABLE).split())
    by_name = set(
        lexical_text(
            "La Camera di commercio e la Città metropolitana promuovono il Piano", TABLE
        ).split()
    )

    assert {"cciaa", "cmto", "camera", "commercio", "citta", "metropolitana"} <= by_acronym
    assert {"cciaa", "cmto", "camera", "commercio", "citta", "metropolitana"} <= by_name


@pytest.mark.parametrize(
    "text",
    [
        "Le tsiganate non sono acronimi",  # "tsi" only as a whole word
        "I pets della cooperativa",  # "ets" inside a word
        "La camera da letto e il commercio equo",  # not the phrase "camera di commercio"
        "Una città e un'area metropolitana",  # words apart, not the phrase
    ],
)
def test_acronyms_match_whole_words_only(text):
    assert TABLE.expand(text) == text


def test_tables_merge_without_losing_a_form():
    merged = Acronyms.of({"ciss": ["consorzio intercomunale servizi sociali"]}).merged(
        Acronyms.of({"ciss": ["consorzio dei servizi"], "ue": ["unione europea"]})
    )
    assert merged.as_dict() == {
        "ciss": ["consorzio intercomunale servizi sociali", "consorzio dei servizi"],
        "ue": ["unione europea"],
    }
    # Without a corpus's table only the Italian acronyms are known.
    assert "citta metropolitana" not in lexical_text("La CmTo", GENERIC_ACRONYMS)


def test_content_stems_drop_stopwords_and_merge_inflections():
    assert content_stems("le imprese sociali") == content_stems("l'impresa sociale")
    stems = content_stems("Il Piano dell'economia sociale di Torino")
    assert "il" not in stems and "di" not in stems and "dell" not in stems
    assert {"pian", "econom", "social", "torin"} <= stems
