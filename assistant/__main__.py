"""Command line: `python -m assistant ask "domanda" [--json]`, `python -m assistant serve` and
`python -m assistant report` (the gap report for the plan's authors)."""

from __future__ import annotations

import argparse
import sys

from indexer.offline import go_offline


def main(argv: list[str] | None = None) -> int:
    go_offline()
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
    args = parser.parse_args(argv)

    from indexer.settings import Settings

    settings = Settings()
    if args.command == "serve":
        import uvicorn

        from assistant.api import create_app

        host, port = args.host or settings.host, args.port or settings.port
        print(
            f"Chiedi al Piano: API su http://{host}:{port}/docs, interfaccia su http://{host}:{port}/ui"
        )
        from assistant.logs import logging_config

        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            access_log=False,
            log_config=logging_config(settings.log_format),
        )
        return 0
    if args.command == "report":
        from pathlib import Path

        from assistant.gap_report import write_gap_report

        md_path, csv_path, gaps = write_gap_report(
            settings, Path(args.out) if args.out else None, args.days
        )
        print(
            f"{gaps.abstained} domande senza risposta, {gaps.rated_down} risposte 👎, "
            f"{len(gaps.topics)} argomenti.\n{md_path}\n{csv_path}"
        )
        return 0

    from assistant.service import Assistant
    from indexer.stores import IndexMissing, ModelMismatch

    try:
        assistant = Assistant.from_settings(settings)
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
            x
            for x in (
                c.section.split(" > ")[-1] if c.section else "",
                f"p. {c.page}" if c.page else "",
            )
            if x
        )
        print(
            f"[{c.n}] {c.title} ({c.source_type}, {c.date}){' — ' + where if where else ''}"
            f"{' ' + c.url if c.url else ''}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
