"""One index build at a time per data directory: the CLI and the admin reindex take the same
file lock (filelock), which the operating system releases if the build dies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from core.settings import Settings

LOCK_FILE = "build.lock"
BUSY = (
    "Un'altra costruzione dell'indice è in corso su questa cartella dati: riprova quando è "
    "finita (`python -m indexer build --wait SECONDI` la attende)."
)


class BuildBusy(RuntimeError):
    """Another build holds the lock of this data directory."""


@contextmanager
def build_lock(settings: Settings, wait: float = 0.0) -> Iterator[None]:
    """Hold the data directory's build lock, waiting up to `wait` seconds for it."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(settings.data_dir / LOCK_FILE)
    try:
        lock.acquire(timeout=wait, blocking=wait > 0)
    except Timeout:
        raise BuildBusy(BUSY) from None
    try:
        yield
    finally:
        lock.release()
