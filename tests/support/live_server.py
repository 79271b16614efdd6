"""The real FastAPI app under uvicorn on a free port of 127.0.0.1, in a thread, for the tests."""

from __future__ import annotations

import socket
import threading
import time

from tests.support.waiting import WAIT_S


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The real FastAPI app under uvicorn on 127.0.0.1, in a thread."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(
                app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + WAIT_S
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def ui_event(page_html: str, api_name: str, session_hash: str = "abc") -> dict:
    """The body of the chat page's event named `api_name`, read from the config the page
    carries (the index of a function moves when the page gains or loses one)."""
    import json
    import re

    config = json.loads(
        re.search(r"window\.gradio_config = (\{.*?\});\s*</script>", page_html, re.S)[1]  # type: ignore[index]
    )
    [fn] = [d["id"] for d in config["dependencies"] if d.get("api_name") == api_name]
    return {"data": [], "fn_index": fn, "session_hash": session_hash}
