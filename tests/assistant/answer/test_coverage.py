"""What a question is about as the corpus knows it, and the questions never answered."""

from assistant.answer.coverage import corpus_vocabulary, hard_refusal, topic_stems, unknown_names
from assistant.question.analysed import Question

VOCAB = corpus_vocabulary(
    [
        "Il Piano favorisce l'accesso al credito per gli attori dell'economia sociale.",
        "Hanno partecipato all'evento 104 persone il 5 dicembre 2024 a Torino.",
        "Confronto con le città di Bologna e Milano.",
    ]
)


def test_topic_words_leave_out_the_question_words():
    topics = topic_stems(Question.of("Quando si è parlato di accesso al credito?"))
    assert "cred" in topics and "quand" not in topics


def test_unknown_names_are_the_capitalised_words_no_document_contains():
    assert unknown_names("Cosa prevede il piano della città di Napoli?", VOCAB) == ["Napoli"]
    assert unknown_names("Il confronto con Bologna com'è andato?", VOCAB) == []


def test_contact_details_are_never_given():
    assert hard_refusal(Question.of("Qual è il numero di telefono dell'evento?")) == "contact"
    assert hard_refusal(Question.of("E il suo indirizzo email?")) == "contact"
    assert hard_refusal(Question.of("Quante persone c'erano?")) is None


def test_a_question_without_words_is_refused():
    assert hard_refusal(Question.of("🤔❓")) == "empty"
