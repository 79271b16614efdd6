"""Gates the tests open: a server or a build the test started, held at a point the test names
(a text about to be embedded, a file about to be written) until the test lets it through.

A test that needs work to be "still running" (a long text holding its lane, a build caught
mid-way) holds it here instead of hoping the work takes long enough: the held process waits for
as long as the test wants, on any machine. Test and process share a folder of small files:

- `<name>.pattern`: hold texts to embed that match this regular expression;
- `<name>.file-pattern`: hold the opening for writing of a file whose path matches it (read at
  start-up);
- `<name>.counted`: the process counted the tokens of such a text (a query's last step before
  it waits for the long-text lane);
- `<name>.reached`: the process got there, and waits unless the gate is open;
- `<name>.open`: the test lets it through.

`python -m tests.support.gated serve|build` runs the real server or build with its gate
(PIANO_TEST_GATE names the folder): the real model behind `GatedBackend`, files watched by an
audit hook (`hold_files`). Nothing of ours is patched.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from indexer.embedding import EmbeddingBackend
from tests.support.waiting import wait_for

GATE_ENV = "PIANO_TEST_GATE"
# A held process waits at most this long: a test that failed before opening its gate does not
# leave it hanging for ever (far beyond any wait a passing test makes).
HOLD_LIMIT_S = 600.0


class Gate:
    """The test's side: say what to hold, see it reached, let it through."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict[str, str]:
        return {GATE_ENV: str(self.folder)}

    def hold(self, name: str, pattern: str, *, open_: bool = False) -> None:
        """Hold texts matching `pattern` (let them through at once if `open_`: only watched)."""
        self._write(name, "pattern", pattern, open_)

    def hold_file(self, name: str, pattern: str) -> None:
        """Hold the writing of files whose path matches `pattern` (before the process starts)."""
        self._write(name, "file-pattern", pattern, False)

    def _write(self, name: str, kind: str, pattern: str, open_: bool) -> None:
        if open_:
            self.open(name)
        draft = self.folder / f"{name}.draft"
        draft.write_text(pattern, encoding="utf-8")
        draft.rename(self.folder / f"{name}.{kind}")  # never read half written

    def open(self, name: str) -> None:
        (self.folder / f"{name}.open").touch()

    def reached(self, name: str) -> bool:
        return (self.folder / f"{name}.reached").exists()

    def counted(self, name: str) -> bool:
        return (self.folder / f"{name}.counted").exists()

    def wait_reached(self, name: str, alive: Callable[[], bool] = lambda: True) -> None:
        wait_for(lambda: self.reached(name), f"nothing reached gate {name!r}", alive)

    def wait_counted(self, name: str, alive: Callable[[], bool] = lambda: True) -> None:
        wait_for(lambda: self.counted(name), f"nothing was counted at gate {name!r}", alive)


def _stop_at(folder: Path, name: str) -> None:
    """The held process's side: say it got there, then wait until the test opens the gate."""
    (folder / f"{name}.reached").touch()
    deadline = time.monotonic() + HOLD_LIMIT_S
    while not (folder / f"{name}.open").exists() and time.monotonic() < deadline:
        time.sleep(0.01)


class GatedBackend:
    """The real model behind a gate (an EmbeddingBackend): texts that match a held pattern
    wait until the test opens it."""

    def __init__(self, inner: EmbeddingBackend, folder: Path) -> None:
        self.inner = inner
        self.folder = folder

    def _matching(self, texts: list[str]) -> list[str]:
        names = []
        for pattern_file in sorted(self.folder.glob("*.pattern")):
            pattern = re.compile(pattern_file.read_text(encoding="utf-8"))
            if any(pattern.search(t) for t in texts):
                names.append(pattern_file.stem)
        return names

    def count_tokens(self, text: str) -> int:
        for name in self._matching([text]):
            (self.folder / f"{name}.counted").touch()
        return self.inner.count_tokens(text)

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        for name in self._matching(texts):
            _stop_at(self.folder, name)
        return self.inner.encode(texts, is_query)


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT


def hold_files(folder: Path) -> None:
    """Opening a file for writing whose path matches a held file pattern stops there, in this
    process.

    An audit hook (sys.addaudithook) sees every `open` before it happens: the build is held
    between two files it writes, e.g. with its passages written and its manifest not yet.
    """
    patterns = {
        f.name.removesuffix(".file-pattern"): re.compile(f.read_text(encoding="utf-8"))
        for f in folder.glob("*.file-pattern")
    }

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event != "open" or not isinstance(args[0], str | os.PathLike):
            return
        path, mode, flags = os.fspath(args[0]), args[1], args[2]
        writing = any(c in mode for c in "wax+") if mode else bool(flags & _WRITE_FLAGS)
        if not isinstance(path, str) or not writing:
            return
        for name, pattern in patterns.items():
            if pattern.search(path):
                _stop_at(folder, name)

    if patterns:
        sys.addaudithook(hook)
