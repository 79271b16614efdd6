"""A small filesystem of the test's own, and a way to fill it: a real full disk."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def mounted_small_disk(where: Path) -> Iterator[Path]:
    """A 24 MB tmpfs at `where`, unmounted afterwards (needs root, as CI runs)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root (CI runs as root)")
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(where)], check=True)
    yield where
    if subprocess.run(["umount", str(where)], check=False).returncode != 0:
        subprocess.run(["umount", "--lazy", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Fill `disk` to the last byte; returns the filler file (unlink it to free the disk)."""
    filler = disk / "riempitivo"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    try:
        os.truncate(filler, filler.stat().st_size)  # what the buffer still held is dropped
    except OSError:
        pass
    return filler
