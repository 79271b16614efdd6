"""Follow-up detection: which questions lean on the previous turn."""

from assistant.question.conversation import resolve_followup
from core.models import Turn

HISTORY = [
    Turn(role="user", content="Quali misure ci sono per i giovani?"),
    Turn(role="assistant", content="Favorire la nascita di nuove imprese sociali giovanili."),
]


def test_no_history_means_no_fusion():
    assert resolve_followup("E per l'accesso al credito?", []).previous is None


def test_elliptic_followups_are_fused_with_the_last_user_question():
    for q in (
        "E per l'accesso al credito?",
        "Quante proposte ha raccolto?",
        "E dopo?",
        "Con quale atto?",
    ):
        assert resolve_followup(q, HISTORY).previous == HISTORY[0].content, q


def test_a_full_new_question_stands_alone():
    q = "Quando la Città metropolitana e la Camera di commercio hanno firmato l'accordo di collaborazione?"
    resolved = resolve_followup(q, HISTORY)
    assert resolved.previous is None
    assert resolved.question == q
