"""What a server loads to answer: not Gradio until the chat page is asked for, and none of the
libraries that only building an index or converting the model needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOT_FOR_ANSWERS = ["gradio", "llama_index.core", "chromadb", "onnx", "tokenizers", "sklearn"]

SERVE_THEN_OPEN_THE_PAGE = """
import json, sys
from fastapi.testclient import TestClient
from core.settings import Settings
from server.app import create_app

settings = Settings(_env_file=None, data_dir=sys.argv[1], corpus_dir=sys.argv[2])
with TestClient(create_app(settings)) as client:
    health = client.get("/api/health").status_code
    ask = client.post("/api/ask", json={"question": "Quando è stato presentato il Piano?"})
    loaded = [m for m in json.loads(sys.argv[3]) if m in sys.modules]
    page = client.get("/ui/")
    print(json.dumps({"health": health, "ask": ask.status_code, "cited": len(ask.json()["citations"]),
                      "loaded_to_answer": loaded, "page": page.status_code,
                      "page_is_the_chat": "gradio" in page.text, "gradio_after": "gradio" in sys.modules}))
"""


def test_a_server_answers_without_gradio_and_builds_the_chat_at_its_first_visit(
    corpus_settings, corpus_index
):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIANO_")}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            SERVE_THEN_OPEN_THE_PAGE,
            str(corpus_settings.data_dir),
            str(corpus_settings.corpus_dir),
            json.dumps(NOT_FOR_ANSWERS),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
        check=True,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["health"] == 200 and seen["ask"] == 200 and seen["cited"] > 0
    assert seen["loaded_to_answer"] == []
    assert seen["page"] == 200 and seen["page_is_the_chat"] and seen["gradio_after"]


def test_a_model_that_does_not_load_beside_the_start_up_says_so(corpus_settings, tmp_path):
    from fastapi.testclient import TestClient

    from indexer.e5.convert import MANIFEST, RUNTIME_FILES
    from server.app import create_app

    converted = corpus_settings.e5_model_dir
    broken = tmp_path / "model"
    broken.mkdir()
    for name in (*RUNTIME_FILES, MANIFEST):
        (broken / name).symlink_to(converted / name)
    (broken / "sentencepiece.model").unlink()
    (broken / "sentencepiece.model").write_bytes(b"non e' un modello")
    settings = corpus_settings.updated(embed_model_dir=broken)

    with TestClient(create_app(settings)) as client:
        health = client.get("/api/health")

    assert health.status_code == 503
    assert "non si carica" in health.json()["message"]
