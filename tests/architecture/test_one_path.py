"""One path per request: one request model for a question and one for a rating, in the API;
the chat page asks and rates through it (no model, check or server function of its own)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "indexer", "assistant", "feedback", "api", "ui", "server")


def _request_models() -> dict[str, set[str]]:
    """Pydantic models a client sends, by field: class name → its annotated fields."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and node.name.endswith("Request"):
                    fields = {
                        s.target.id
                        for s in node.body
                        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                    }
                    found[f"{path.relative_to(REPO)}:{node.name}"] = fields
    return found


def test_one_request_model_for_a_question_and_one_for_a_rating():
    models = _request_models()
    asking = [name for name, fields in models.items() if {"question", "history"} <= fields]
    rating = [name for name, fields in models.items() if "rating" in fields]
    assert asking == ["api/requests.py:AskRequest"]
    assert rating == ["api/feedback.py:FeedbackRequest"]
    assert not [name for name in models if name.startswith("ui/")]


def test_the_chat_page_registers_no_server_function():
    layout = (REPO / "ui" / "layout.py").read_text(encoding="utf-8")
    assert "server_functions" not in layout
    script = "".join(p.read_text(encoding="utf-8") for p in (REPO / "ui" / "assets").glob("*.js"))
    assert "server." not in script and "trigger(" not in script
    assert "props.paths.ask" in script and "props.paths.feedback" in script
    # The control characters the page blanks: read from the server, not typed in the script.
    assert "\\u0000" not in script and "props.control_chars" in script
