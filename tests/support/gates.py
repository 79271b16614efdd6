"""Gates the tests open: the embedding model held at a text the test names, in this process or in
a server or build it started, until the test lets it through.

A test that needs work to be "still running" (a long text holding its lane, a build caught
mid-way) holds it here instead of hoping the work takes long enough: the held process waits for
as long as the test wants, on any machine. Test and process share a folder of small files:

- `<name>.pattern`: the test holds texts matching this regular expression;
- `<name>.counted`: the process counted the tokens of such a text (a query's last step before
  it waits for the long-text lane);
- `<name>.reached`: the process was asked to embed such a text (and now waits, unless open);
- `<name>.open`: the test lets such texts through.

Servers and builds get their gate from `python -m tests.support.gated` (PIANO_TEST_GATE names
the folder); the real model sits behind it, unchanged.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from indexer.embedding import EmbeddingBackend

GATE_ENV = "PIANO_TEST_GATE"
# A held text waits at most this long: a test that failed before opening its gate does not leave
# a process hanging for ever (far beyond any wait a passing test makes).
HOLD_LIMIT_S = 600.0
WAIT_S = 300.0  # how long a test waits for the process to reach a gate (a very busy machine)


class Gate:
    """The test's side: say what to hold, see it reached, let it through."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict[str, str]:
        return {GATE_ENV: str(self.folder)}

    def hold(self, name: str, pattern: str, *, open_: bool = False) -> None:
        """Hold texts matching `pattern` (let them through at once if `open_`: only watched)."""
        if open_:
            self.open(name)
        draft = self.folder / f"{name}.draft"
        draft.write_text(pattern, encoding="utf-8")
        draft.rename(self.folder / f"{name}.pattern")  # never read half written

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


def wait_for(
    condition: Callable[[], bool],
    what: str,
    alive: Callable[[], bool] = lambda: True,
    timeout: float = WAIT_S,
) -> None:
    """Poll `condition` until it holds; fail with `what` if `alive()` turns false or after a
    deadline far beyond any real wait (never a bound on how fast the machine is)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert alive(), f"{what}: the process ended first"
        assert time.monotonic() < deadline, f"{what} in {timeout:.0f} s"
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
            (self.folder / f"{name}.reached").touch()
            deadline = time.monotonic() + HOLD_LIMIT_S
            while not (self.folder / f"{name}.open").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return self.inner.encode(texts, is_query)
