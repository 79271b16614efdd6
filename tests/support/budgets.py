"""Rate limits seen from outside, whatever the machine's speed.

A limit of N a minute lets N requests through at once and one more every 60/N seconds: a client
on a slow machine legitimately gets a few more before its first 429. The tests therefore send
until the first refusal and check the count against the time it took, instead of assuming that
N + k requests fit in one refill interval.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import httpx


class Budget:
    """What a token bucket of `per_minute` may have let through since it was created (full)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.started = time.monotonic()

    def regained(self) -> int:
        """Tokens refilled since the start: at most this many more requests got through."""
        return math.floor((time.monotonic() - self.started) * self.per_minute / 60)

    def most_accepted(self) -> int:
        return self.per_minute + self.regained()


def until_refused(send: Callable[[], httpx.Response], most: int) -> list[httpx.Response]:
    """The responses of `send()` repeated until the first 429 (at most `most` calls)."""
    replies: list[httpx.Response] = []
    while len(replies) < most and (not replies or replies[-1].status_code != 429):
        replies.append(send())
    return replies


def assert_spent(replies: list[httpx.Response], budget: Budget) -> None:
    """The whole burst was let through, then refused within what the refills allow."""
    statuses = [r.status_code for r in replies]
    limit = budget.per_minute
    assert statuses[:limit] == [200] * limit, statuses
    assert statuses[-1] == 429, f"never refused after {len(statuses)} requests"
    assert set(statuses[:-1]) == {200}, statuses
    assert len(statuses) - 1 <= budget.most_accepted(), (len(statuses), budget.most_accepted())
