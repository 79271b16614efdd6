"""The abstention checks, one by one."""

from assistant.coverage import assess, corpus_vocabulary, unknown_names
from assistant.question import Question
from core.sections import CoverageSettings

VOCAB = corpus_vocabulary(
    [
        "Il Piano favorisce l'accesso al credito per gli attori dell'economia sociale.",
        "Hanno partecipato all'evento 104 persone il 5 dicembre 2024 a Torino.",
        "Confronto con le città di Bologna e Milano.",
    ]
)
P = CoverageSettings(min_similarity=0.78, min_known_share=0.4)


def test_covered_question_passes():
    c = assess(
        Question.of("Quante persone hanno partecipato all'evento?"),
        ["Hanno partecipato 104 persone."],
        0.88,
        VOCAB,
        P,
    )
    assert c.covered and c.reason == "ok"


def test_low_similarity_abstains():
    assert (
        assess(Question.of("Quante persone hanno partecipato?"), ["x"], 0.70, VOCAB, P).reason
        == "similarity"
    )


def test_unknown_vocabulary_abstains_in_italian_only():
    q = "Ricetta della bagna cauda con acciughe"
    assert assess(Question.of(q), ["x"], 0.85, VOCAB, P).reason == "vocabulary"
    english = "What is the recipe of bagna cauda with anchovies?"
    assert Question.of(english).language == "en"
    assert assess(Question.of(english), ["x"], 0.85, VOCAB, P).covered


def test_unknown_names_abstain():
    assert unknown_names("Cosa prevede il piano della città di Napoli?", VOCAB) == ["Napoli"]
    assert unknown_names("Il confronto con Bologna com'è andato?", VOCAB) == []


def test_money_questions_need_money_in_the_evidence():
    q = "Quanti soldi per l'accesso al credito dell'economia sociale?"
    assert (
        assess(Question.of(q), ["Il Piano favorisce l'accesso al credito."], 0.9, VOCAB, P).reason
        == "money"
    )
    assert assess(Question.of(q), ["Sono stanziati 3 milioni di euro."], 0.9, VOCAB, P).covered


def test_contact_details_are_never_given():
    c = assess(
        Question.of("Qual è il numero di telefono dell'evento?"), ["104 persone"], 0.95, VOCAB, P
    )
    assert c.reason == "contact"


def test_a_question_without_words_abstains():
    assert assess(Question.of("🤔❓"), ["x"], 0.95, VOCAB, P).reason == "empty"
