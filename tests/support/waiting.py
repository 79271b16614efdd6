"""Waiting for a condition in a test: polled, with a deadline far beyond any real wait, so a
slow or busy machine makes a test slower, never red."""

from __future__ import annotations

import time
from collections.abc import Callable

WAIT_S = 300.0


def wait_for(
    condition: Callable[[], bool],
    what: str,
    alive: Callable[[], bool] = lambda: True,
    timeout: float = WAIT_S,
    every: float = 0.01,
) -> None:
    """Poll `condition` until it holds; fail with `what` if `alive()` turns false or after a
    deadline far beyond any real wait (never a bound on how fast the machine is)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert alive(), f"{what}: the process ended first"
        assert time.monotonic() < deadline, f"{what} in {timeout:.0f} s"
        time.sleep(every)
