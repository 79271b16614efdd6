"""Rebuilding the index while the old one keeps answering: one build at a time, in a thread, and
the served Assistant swapped only when the new one is open."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.state import OpenAssistant, Services
from core.settings import Settings
from indexer.build import BuildReport
from indexer.embedding import PianoEmbedding

log = logging.getLogger(__name__)

FAILED = "Ricostruzione non riuscita ({what}): resta in uso l'indice precedente."
BUSY = "Un'altra costruzione dell'indice è in corso (ad esempio dalla riga di comando)."


class ReindexStatus(BaseModel):
    state: Literal["idle", "running", "done", "failed"] = Field(
        description="idle: mai avviata; running: in corso; done: finita; failed: non riuscita."
    )
    started: str | None = None
    finished: str | None = None
    served_build: str | None = Field(None, description="L'indice che risponde ora alle domande.")
    message: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# The product's build (index + answering models: `server.indexing.build`), given by the wiring.
BuildIndex = Callable[[Settings, PianoEmbedding], BuildReport]


class Reindexer:
    """One build at a time; while it runs, the old index keeps answering."""

    def __init__(
        self,
        settings: Settings,
        services: Services,
        open_assistant: OpenAssistant,
        build_index: BuildIndex,
    ) -> None:
        self.settings = settings
        self.services = services
        self.open_assistant = open_assistant
        self.build_index = build_index
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._status = ReindexStatus(state="idle")

    def start(self) -> bool:
        """Start a build; False if one is already running, here or in another process."""
        from indexer.build_lock import BuildBusy, build_lock

        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            try:
                with build_lock(self.settings):  # a CLI build holds it: say so now, not later
                    pass
            except BuildBusy:
                return False
            self._status = ReindexStatus(state="running", started=_now())
            self._thread = threading.Thread(target=self._run, name="reindex", daemon=True)
            self._thread.start()
            return True

    def status(self) -> ReindexStatus:
        current = self.services.assistant
        return self._status.model_copy(
            update={"served_build": current.manifest.build_id if current else None}
        )

    def wait(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        from indexer.build_lock import BuildBusy

        try:
            current = self.services.assistant
            embedder = current.embedder if current else PianoEmbedding.from_settings(self.settings)
            report = self.build_index(self.settings, embedder)
            if not (report.up_to_date and current is not None):
                assistant, error = self.open_assistant(self.settings, embedder)
                if assistant is None:
                    raise RuntimeError(error)
                self.services.serve(assistant)
            status = ReindexStatus(state="done", message=report.summary())
        except BuildBusy:
            status = ReindexStatus(state="failed", message=FAILED.format(what=BUSY))
        except Exception as exc:
            log.exception("reindex failed")
            status = ReindexStatus(state="failed", message=FAILED.format(what=type(exc).__name__))
        self._status = status.model_copy(
            update={"started": self._status.started, "finished": _now()}
        )
