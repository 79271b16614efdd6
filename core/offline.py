"""Offline by default: the environment switches that keep every library from phoning home."""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "ANONYMIZED_TELEMETRY": "False",  # Chroma
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime (pulled in by chromadb)
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def go_offline() -> None:
    """Set the switches unless the user set them; called first by every entry point."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
