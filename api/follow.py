"""Following the published build: every few seconds the server reads `CURRENT` in the data
directory (shared by every replica), and when it names a build other than the one served, opens
that build beside the old one and swaps the served Assistant in one assignment.

A request takes the Assistant once, when it starts, and keeps it to the end: an answer is made
from one build only, the old one or the new one, never a mix. No restart and no signal: a
build published by `python -m indexer build` on any machine reaches every replica by itself.
Polling a small file works on every shared volume (NFS included), where change notifications
do not.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from api.state import OpenAssistant, Services
from core.settings import Settings
from indexer.stores import current_build_id

log = logging.getLogger(__name__)

# A published build that would not open is tried again after this long (or as soon as another
# one is published): a transient fault (Chroma restarting) heals, a broken build does not spin.
RETRY_FAILED_S = 60.0


class BuildFollower:
    """Serves the build `CURRENT` names, checked every `interval_s` seconds in a thread."""

    def __init__(
        self,
        settings: Settings,
        services: Services,
        open_assistant: OpenAssistant,
        interval_s: float,
    ) -> None:
        self.settings = settings
        self.services = services
        self.open_assistant = open_assistant
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failed: tuple[str, float] | None = None  # (build id, when it failed to open)

    def served_build(self) -> str | None:
        current = self.services.assistant
        return current.manifest.build_id if current is not None else None

    def check(self) -> bool:
        """Switch to the published build if it is not the one served; True if it switched."""
        published = current_build_id(self.settings)
        if published is None or published == self.served_build():
            return False
        if self._failed and self._failed[0] == published:
            if time.monotonic() - self._failed[1] < RETRY_FAILED_S:
                return False
        current = self.services.assistant
        assistant, error = self.open_assistant(
            self.settings, current.embedder if current is not None else None
        )
        if assistant is None or assistant.manifest.build_id != published:
            self._failed = (published, time.monotonic())
            log.error(
                "published build %s not served (still %s): %s",
                published,
                self.served_build(),
                error,
            )
            if assistant is not None and current is None:  # an earlier build beats none
                self.services.serve(assistant, note=error)
            return False
        before = self.served_build()
        self.services.serve(assistant)
        self._failed = None
        log.info("now serving build %s (was %s)", assistant.manifest.build_id, before)
        return True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="build-follower", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check()
            except Exception:  # the thread must outlive any one bad check
                log.exception("checking the published build failed")


@contextmanager
def following_builds(
    settings: Settings, services: Services, open_assistant: OpenAssistant
) -> Iterator[BuildFollower | None]:
    """A BuildFollower running for the duration of the block (none if PIANO_BUILD_POLL_S=0)."""
    interval = settings.server.build_poll_s
    if not interval:
        yield None
        return
    follower = BuildFollower(settings, services, open_assistant, interval)
    follower.start()
    try:
        yield follower
    finally:
        follower.stop()
