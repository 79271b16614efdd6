"""Command line: `python -m indexer build|status`. A build is the product's build (the index and
the answering models fitted on it), so `build` hands over to the wiring (`server.indexing`)."""

from __future__ import annotations

import argparse
import logging
import sys

from core.offline import go_offline


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(
        prog="python -m indexer", description="Indice di Chiedi al Piano"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="costruisce o aggiorna l'indice")
    build_cmd.add_argument(
        "--force", action="store_true", help="ricostruisce anche se nulla è cambiato"
    )
    build_cmd.add_argument(
        "--strict", action="store_true", help="esce con errore se un file è saltato"
    )
    build_cmd.add_argument("--quiet", action="store_true", help="niente barre di avanzamento")
    build_cmd.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDI",
        help="se un'altra costruzione è in corso, attende al massimo tanti secondi (0: esce subito)",
    )
    sub.add_parser("status", help="documenti, passaggi, modello e data dell'indice")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from core.settings import Settings
    from indexer.stores import current_manifest

    settings = Settings()
    if args.command == "status":
        manifest = current_manifest(settings)
        if manifest is None:
            print(f"Nessun indice in {settings.data_dir}: esegui `python -m indexer build`.")
            return 1
        print(f"Indice {manifest.build_id} del {manifest.created}")
        print(
            f"Modello: {manifest.embedder_id}; Chroma: {manifest.chroma_mode} "
            f"({manifest.chroma_collection})"
        )
        print(
            f"{len(manifest.documents)} documenti, {manifest.chunks} passaggi, "
            f"{manifest.sentences} frasi"
        )
        for d in manifest.documents:
            print(
                f"  {d.meta.doc_id:32} {d.meta.source_type:14} {d.meta.date:10} {d.chunks:4} passaggi"
            )
        return 0

    from indexer.build_lock import BuildBusy
    from indexer.embedding import PianoEmbedding
    from indexer.loaders import UnreadableDocument
    from indexer.verify import BuildDamaged
    from server.indexing import build

    try:
        report = build(
            settings,
            PianoEmbedding.from_settings(settings),
            force=args.force,
            progress=not args.quiet,
            wait=args.wait,
        )
    except UnreadableDocument as exc:
        print(f"Errore: {exc}", file=sys.stderr)
        return 2
    except BuildBusy as exc:
        print(f"Errore: {exc}", file=sys.stderr)
        return 3
    except BuildDamaged as exc:
        print(f"Errore: la nuova costruzione non è integra ({exc}); resta l'indice precedente.")
        return 4
    print(report.summary())
    return 1 if (args.strict and report.skipped) else 0


if __name__ == "__main__":
    sys.exit(main())
