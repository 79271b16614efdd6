"""Where an answer's time went: one stopwatch per answer, read into `Answer.timings_ms`."""

from __future__ import annotations

import time


class Stopwatch:
    """Laps in milliseconds, each from the previous lap (or the start) to now."""

    def __init__(self) -> None:
        self.started = self._last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round((now - self._last) * 1000, 2)
        self._last = now

    def timings(self) -> dict[str, float]:
        """The laps so far and the total since the start."""
        total = round((time.perf_counter() - self.started) * 1000, 2)
        return {**self.laps, "total": total}
