"""Command line: `python -m assistant ask "domanda" [--json]`, `python -m assistant serve` (also
`python -m server`), `python -m assistant report` (the gap report for the plan's authors) and
`python -m ui` (the chat alone). Heavy imports happen inside the command that needs them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.limits import section_leaf
from core.offline import go_offline
from core.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Chiedi al Piano")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="fa una domanda e stampa la risposta citata")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="stampa l'Answer come JSON")
    ask.add_argument("--top-k", type=int, default=None)
    serve = sub.add_parser("serve", help="avvia API e interfaccia web")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    report = sub.add_parser(
        "report", help="domande senza risposta e risposte 👎 per argomento (Markdown e CSV)"
    )
    report.add_argument("--days", type=int, default=None, help="solo gli ultimi N giorni")
    report.add_argument("--out", default=None, help="cartella (predefinita: <data>/reports)")
    return parser


def main(argv: list[str] | None = None) -> int:
    go_offline()
    args = _parser().parse_args(argv)
    settings = Settings()
    commands = {"serve": serve, "report": report, "ask": ask}
    return commands[args.command](settings, args)


def run(app, settings: Settings, host: str, port: int) -> None:
    """The one way this product runs uvicorn: the Italian 400 for what uvicorn cannot parse, the
    proxies it trusts, its logs."""
    import uvicorn

    from api.logs import logging_config
    from server.http import ItalianHttpTools
    from server.proxies import proxy_options

    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,
        log_config=logging_config(settings.server.log_format),
        http=ItalianHttpTools,
        **proxy_options(settings.protection),
    )


def serve(settings: Settings, args: argparse.Namespace) -> int:
    from server.app import create_app

    host, port = args.host or settings.server.host, args.port or settings.server.port
    print(
        f"Chiedi al Piano: API su http://{host}:{port}/docs, interfaccia su http://{host}:{port}/ui"
    )
    run(create_app(settings), settings, host, port)
    return 0


def report(settings: Settings, args: argparse.Namespace) -> int:
    from feedback.gap_report import build_gap_report, write_gap_report
    from server.startup import open_assistant, open_stores

    feedback, questions = open_stores(settings)
    assistant, _ = open_assistant(settings)  # without an index, topics come from shared words
    gaps = build_gap_report(questions, feedback, assistant, args.days)
    md_path, csv_path = write_gap_report(
        gaps, Path(args.out) if args.out else settings.data_dir / "reports"
    )
    print(
        f"{gaps.abstained} domande senza risposta, {gaps.rated_down} risposte 👎, "
        f"{len(gaps.topics)} argomenti.\n{md_path}\n{csv_path}"
    )
    return 0


def ask(settings: Settings, args: argparse.Namespace) -> int:
    from indexer.stores import IndexMissing, ModelMismatch
    from server.startup import build_assistant

    try:
        assistant = build_assistant(settings)
    except (IndexMissing, ModelMismatch) as exc:
        print(f"Errore: {exc}", file=sys.stderr)
        return 2
    question = args.question.strip()
    if not question:
        print("Errore: la domanda è vuota.", file=sys.stderr)
        return 2
    answer = assistant.ask(question, top_k=args.top_k)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    print(answer.answer)
    if answer.citations:
        print("\nFonti:")
    for c in answer.citations:
        where = " — ".join(
            x for x in (section_leaf(c.section), f"p. {c.page}" if c.page else "") if x
        )
        print(
            f"[{c.n}] {c.title} ({c.source_type}, {c.date}){' — ' + where if where else ''}"
            f"{' ' + c.url if c.url else ''}"
        )
    return 0


def serve_ui(argv: list[str] | None = None) -> int:
    """`python -m ui`: the web interface (with the API it asks through) on the configured host and
    port, `/` leading to the chat."""
    go_offline()
    parser = argparse.ArgumentParser(
        prog="python -m ui", description="Chiedi al Piano: interfaccia web"
    )
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)

    from server.app import create_ui_app
    from ui.mount import UI_PATH

    settings = Settings()
    host, port = args.host or settings.server.host, args.port or settings.server.port
    print(f"Chiedi al Piano: interfaccia su http://{host}:{port}{UI_PATH}")
    run(create_ui_app(settings), settings, host, port)
    return 0
