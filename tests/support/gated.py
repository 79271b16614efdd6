"""`python -m tests.support.gated serve|build`: `python -m assistant serve` and `python -m indexer
build` held where the test's gate says (tests/support/gates.py, the folder named by
PIANO_TEST_GATE): the real embedding model behind it, the files it watches. Everything else is
the real server and the real build."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core.offline import go_offline
from core.settings import Settings
from indexer.embedding import PianoEmbedding, open_backend
from tests.support.gates import GATE_ENV, GatedBackend, hold_files


def gated_embedder(settings: Settings) -> PianoEmbedding:
    backend = GatedBackend(open_backend(settings), Path(os.environ[GATE_ENV]))
    return PianoEmbedding(backend, settings.embedder_id)


def serve(settings: Settings, host: str, port: int) -> int:
    from server.app import create_app
    from server.cli import run
    from server.startup import open_assistant

    # The served Assistant carries the embedder: a reindex and a followed build use it too.
    assistant, error = open_assistant(settings, gated_embedder(settings))
    assert assistant is not None, error
    run(create_app(settings, assistant), settings, host, port)
    return 0


def build(settings: Settings, force: bool) -> int:
    from indexer.build import build_index

    print(build_index(settings, gated_embedder(settings), force=force).summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m tests.support.gated")
    sub = parser.add_subparsers(dest="command", required=True)
    served = sub.add_parser("serve")
    served.add_argument("--host", required=True)
    served.add_argument("--port", type=int, required=True)
    built = sub.add_parser("build")
    built.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    hold_files(Path(os.environ[GATE_ENV]))
    if args.command == "serve":
        return serve(Settings(), args.host, args.port)
    return build(Settings(), args.force)


if __name__ == "__main__":
    sys.exit(main())
