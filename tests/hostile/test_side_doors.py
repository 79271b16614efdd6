"""The side doors, tried as an attacker would, through a real server (`python -m assistant
serve` on 127.0.0.1): long texts, the chat UI's own Gradio endpoints, lone surrogates and control
characters where the API stores or embeds text, headers. Each case is a row H34… of
docs/hostile-inputs.md. Clients connect from addresses of their own in 127.0.0.0/8, so each
test has its own rate-limit budget."""

from __future__ import annotations

import json
import re
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from core.limits import LONG_EMBED_QUEUE
from evals.loadtest import copy_index, serve
from evals.servers import LOOPBACK
from tests.support.budgets import Budget, assert_spent, until_refused
from tests.support.gates import Gate
from tests.support.live_server import ui_event
from tests.support.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]
LIMIT = 30
ADMIN = "chiave-di-prova"
QUESTION = "Quando è stato presentato il Piano?"
# A pasted page as an earlier user turn, under the 20,000-character limit of a turn.
PAGE = "Il Piano metropolitano per l'economia sociale di Torino prevede molte azioni. " * 250
PATIENT_S = 300  # a client that waits for a held text: far beyond any real wait


@pytest.fixture(scope="module")
def gate(tmp_path_factory):
    return Gate(tmp_path_factory.mktemp("side-doors-gate"))


@pytest.fixture(scope="module")
def server(corpus_settings, corpus_index, tmp_path_factory, gate):
    """The real server, its embedding model behind the test's gate (tests/support/gated.py)."""
    work = tmp_path_factory.mktemp("side-doors")
    served = serve(
        copy_index(corpus_settings.data_dir, work / "data"),
        work,
        {"PIANO_RATE_LIMIT_PER_MINUTE": str(LIMIT), "PIANO_ADMIN_KEY": ADMIN, **gate.env()},
        module="tests.support.gated",
    )
    served.data_dir = work / "data"  # type: ignore[attr-defined]
    yield served
    served.stop()


_addresses = iter(range(2, 250))


def client(server, **kwargs) -> httpx.Client:
    """A client from an address of its own (its own rate-limit budget)."""
    address = f"127.0.2.{next(_addresses)}"
    return httpx.Client(
        base_url=server.url,
        timeout=kwargs.pop("timeout", 60),
        transport=httpx.HTTPTransport(local_address=address),
        **kwargs,
    )


def italian(r: httpx.Response, status: int, words: str) -> None:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    assert words in r.json()["detail"], r.json()["detail"]


def request_lines(server) -> list[dict]:
    lines = server.log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [
        row
        for row in (json.loads(line) for line in lines if line.startswith("{"))
        if row.get("message") == "request"
    ]


# --- 1. long texts: bounded, refused when too many wait, dropped when the client left -------


def follow_up(text: str) -> dict:
    # "E per i giovani?" carries no topic of its own: the earlier user turn is embedded too.
    return {"question": "E per i giovani?", "history": [{"role": "user", "content": text}]}


def ask(server, body: dict) -> httpx.Response:
    with client(server, timeout=PATIENT_S) as c:
        return c.post("/api/ask", json=body)


def test_H34_too_many_long_texts_at_once_are_refused_not_queued(server, gate):
    # Every page is held at the model until the test opens the gate: the first one in the lane,
    # LONG_EMBED_QUEUE - 1 waiting behind it; the others must be refused at once.
    gate.hold("h34", r"^Pagina \d+\. ")
    bodies = [follow_up(f"Pagina {n}. {PAGE}") for n in range(8)]
    extra = len(bodies) - LONG_EMBED_QUEUE
    with ThreadPoolExecutor(len(bodies)) as pool:
        replies = [pool.submit(ask, server, body) for body in bodies]
        try:
            wait_for(lambda: sum(r.done() for r in replies) >= extra, "no long text refused")
            refused = [r.result() for r in replies if r.done()]
            with client(server) as c:  # ordinary questions are never in that line
                assert c.post("/api/ask", json={"question": QUESTION}).status_code == 200
        finally:
            gate.open("h34")
        statuses = sorted(r.result().status_code for r in replies)
    assert [r.status_code for r in refused] == [503] * extra
    italian(refused[0], 503, "occupato da testi molto lunghi")
    assert refused[0].headers["retry-after"].isdigit()
    assert statuses == [200] * LONG_EMBED_QUEUE + [503] * extra  # the ones let in are answered


def send_and_stay(server, body: dict) -> socket.socket:
    """A POST to /api/ask on a bare socket, left unanswered until the caller closes it."""
    data = json.dumps(body).encode()
    sock = socket.create_connection(
        (LOOPBACK, server.port), source_address=(f"127.0.2.{next(_addresses)}", 0)
    )
    head = (
        f"POST /api/ask HTTP/1.1\r\nHost: piano\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    sock.sendall(head.encode() + data)
    return sock


def test_H35_the_work_of_a_client_that_left_is_dropped(server, gate):
    gate.hold("h35-first", r"^Prima pagina\. ")
    gate.hold("h35-second", r"^Seconda pagina\. ", open_=True)  # watched: it must not be embedded
    with ThreadPoolExecutor(1) as pool:
        holder = pool.submit(ask, server, follow_up(f"Prima pagina. {PAGE}"))
        try:
            gate.wait_reached("h35-first")  # the first page holds the lane of long texts
            leaving = send_and_stay(server, follow_up(f"Seconda pagina. {PAGE}"))
            # Its tokens counted, the second page's request has passed its last check before
            # the lane and waits there; now its client leaves.
            gate.wait_counted("h35-second")
            leaving.close()
            # The server reads a closed connection before a later one on its one event loop: once
            # this is answered, the request of the client that left is marked as abandoned.
            with client(server) as c:
                assert c.get("/api/health").status_code == 200
        finally:
            gate.open("h35-first")
        assert holder.result().status_code == 200
    wait_for(
        lambda: [r for r in request_lines(server) if r["status"] == 499],
        "the request of the client that left was not dropped",
    )
    assert not gate.reached("h35-second")  # its page was never embedded


# --- 2. the chat UI's Gradio endpoints ------------------------------------------------------


def documents_event(c: httpx.Client) -> dict:
    """The documents tab's event, as the page (loaded first, as a browser does) sends it."""
    page = c.get("/ui/")
    assert page.status_code == 200
    return ui_event(page.text, "documenti")


def test_H36_the_ui_event_endpoints_share_the_rate_limit(server):
    budget = Budget(LIMIT)
    with client(server) as c:
        # The page first, as a browser does: the UI is built then (seconds in which the budget
        # would refill), and the page itself spends the page budget, not this one.
        event = documents_event(c)
        chat = until_refused(
            lambda: c.post("/ui/gradio_api/run/predict", json=event), most=10 * LIMIT
        )
        assert_spent(chat, budget)
        # /api/ask draws on what the chat's endpoints spent (its own budget would let LIMIT in).
        asks = until_refused(lambda: c.post("/api/ask", json={"question": QUESTION}), most=LIMIT)
    italian(asks[-1], 429, "Troppe richieste")
    assert len(chat) - 1 + len(asks) - 1 <= budget.most_accepted()


def test_H37_the_ui_endpoints_have_the_body_limit(server):
    big = {"data": ["a" * 100_000, None]}
    with client(server) as c:
        italian(c.post("/ui/gradio_api/run/chiedi", json=big), 413, "al massimo 64 kB")
        italian(c.post("/ui/gradio_api/queue/join", json={**big, "fn_index": 2}), 413, "64 kB")


def test_H38_uploads_to_the_ui_are_refused_and_nothing_is_kept(server):
    with client(server) as c:
        r = c.post("/ui/gradio_api/upload", files={"files": ("carica.bin", b"\0" * 20_000)})
        italian(r, 403, "non accetta file")
        big = c.post("/ui/gradio_api/upload", files={"files": ("grande.bin", b"\0" * 300_000)})
        assert big.status_code in (403, 413)
    assert not list(server.data_dir.rglob("carica.bin"))
    assert not list(server.data_dir.rglob("grande.bin"))


# --- 5. 500s where a 4xx is promised --------------------------------------------------------


def post_raw(c: httpx.Client, path: str, raw: bytes, **headers) -> httpx.Response:
    return c.post(path, content=raw, headers={"content-type": "application/json", **headers})


def test_H39_a_lone_surrogate_in_feedback_citations_is_an_italian_422(server):
    raw = b'{"question": "q", "answer": "a", "rating": "up", "citations": ["\\ud800"]}'
    with client(server) as c:
        italian(post_raw(c, "/api/feedback", raw), 422, "caratteri Unicode non validi")


def test_H40_a_lone_surrogate_in_a_v1_history_message_is_an_italian_422(server):
    raw = (
        b'{"messages": [{"role": "user", "content": "\\ud800 ciao"},'
        b' {"role": "user", "content": "Quando e stato presentato il Piano?"}]}'
    )
    with client(server) as c:
        italian(post_raw(c, "/v1/chat/completions", raw), 422, "caratteri Unicode non validi")


@pytest.mark.parametrize(
    "path, body, message",
    [
        ("/ui/gradio_api/run/predict", {"data": [], "fn_index": 999}, "Richiesta non valida"),
        ("/ui/gradio_api/run/predict", {"data": "x", "fn_index": "a"}, "Richiesta non valida"),
        # No function of the page runs in Gradio's queue (the chat asks the API): no such door.
        (
            "/ui/gradio_api/queue/join",
            {"data": [], "fn_index": 5, "session_hash": "abc"},
            "Risorsa non trovata",
        ),
    ],
)
def test_H41_a_malformed_ui_event_is_an_italian_4xx(server, path, body, message):
    with client(server) as c:
        assert c.get("/ui/").status_code == 200  # the page first: the UI is built then
        r = c.post(path, json=body)
    assert 400 <= r.status_code < 500, r.status_code
    assert r.json()["detail"].startswith(message)


# --- 6. smaller holes -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/ui/", "/api/health", "/docs"])
def test_H42_security_headers_on_every_response(server, path):
    with client(server) as c:
        headers = c.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    if path != "/api/health":
        assert "default-src 'self'" in headers["content-security-policy"]


def test_H43_the_api_docs_load_nothing_from_another_host(server):
    with client(server) as c:
        page = c.get("/docs").text
        assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page)
        assert assets and not [a for a in assets if "//" in a], assets
        for asset in assets:
            assert c.get(asset).status_code == 200, asset


def test_H44_forwarded_host_headers_are_not_reflected_into_the_ui_config(server):
    with client(server) as c:
        config = c.get(
            "/ui/",  # the page carries its config
            headers={"X-Forwarded-Host": "evil.example", "X-Gradio-Server": "http://evil.example"},
        ).text
    assert "evil.example" not in config


def test_H45_the_ui_gives_no_cors_to_other_origins(server):
    origin = {"Origin": "http://localhost:9999"}
    with client(server) as c:
        preflight = c.options(
            "/ui/gradio_api/queue/join", headers={**origin, "Access-Control-Request-Method": "POST"}
        )
        simple = c.get("/ui/", headers=origin)
    for r in (preflight, simple):
        assert not [h for h in r.headers if h.lower().startswith("access-control-")], r.headers


def test_H46_ui_error_messages_name_no_server_path(server):
    with client(server) as c:
        r = c.get("/ui/gradio_api/file=/etc/passwd")
    italian(r, 404, "Risorsa non trovata")
    assert "/etc" not in r.text and str(server.data_dir) not in r.text


def test_H47_control_characters_in_history_and_feedback_are_refused(server):
    with client(server) as c:
        history = [{"role": "user", "content": "a\u0000b"}]
        r = c.post("/api/ask", json={"question": QUESTION, "history": history})
        italian(r, 422, "caratteri di controllo")
        for field in ("question", "answer", "reason"):
            body = {"question": "q", "answer": "a", "rating": "up", field: "x\u001b[31m"}
            italian(c.post("/api/feedback", json=body), 422, "caratteri di controllo")


def test_H48_the_days_of_the_gap_report_have_their_own_range(server):
    with client(server, headers={"X-Admin-Key": ADMIN}) as c:
        italian(c.get("/api/admin/gap-report?days=0"), 422, "deve essere almeno 1")
        italian(c.get("/api/admin/gap-report?days=5000"), 422, "al massimo 3650")


# --- 7. Gradio's own doors: only those the page uses ----------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/ui/gradio_api/dev/reload"),  # a stream polling 20 times a second
        ("GET", "/ui/gradio_api/info"),
        ("GET", "/ui/gradio_api/openapi.json"),
        ("GET", "/ui/openapi.json"),
        ("GET", "/ui/monitoring"),
        ("GET", "/ui/monitoring/summary"),
        ("GET", "/ui/config"),
        ("POST", "/ui/login"),
        ("POST", "/ui/gradio_api/run/chiedi"),
        ("POST", "/ui/gradio_api/call/chiedi"),
        ("POST", "/ui/gradio_api/api/chiedi"),
        ("GET", "/ui/gradio_api/mcp/schema"),
    ],
)
def test_H49_gradio_paths_the_page_never_calls_answer_404(server, method, path):
    body = {"data": [None]} if method == "POST" else None
    with client(server) as c, c.stream(method, path, json=body) as r:
        # Streamed: an open door may be an endless event stream (dev/reload was one).
        text = b"".join(r.iter_bytes()) if r.status_code == 404 else next(r.iter_bytes(), b"")
    assert r.status_code == 404, (r.status_code, text[:300])
    assert json.loads(text)["detail"] == "Risorsa non trovata."


def test_H50_process_recording_takes_no_file_and_keeps_none(server):
    with client(server) as c:
        r = c.post(
            "/ui/gradio_api/process_recording",
            files={"audio": ("registrazione.wav", b"RIFF" + b"\0" * 4000, "audio/wav")},
        )
    italian(r, 404, "Risorsa non trovata")
    assert not list(server.data_dir.rglob("registrazione*"))


def test_H51_the_page_still_works_through_the_open_doors(server):
    with client(server) as c:
        page = c.get("/ui/")
        assert page.status_code == 200
        for asset in re.findall(r'(?:src|href)="\./(assets/[^"]+)"', page.text)[:5]:
            assert c.get(f"/ui/{asset}").status_code == 200, asset
        r = c.post("/ui/gradio_api/run/predict", json=documents_event(c))
        assert r.status_code == 200 and "Documenti indicizzati" in r.text


# --- 8. clients that hang up during a streamed answer --------------------------------------


def hang_up_after_the_first_bytes(server, path: str, body: dict) -> None:
    import socket

    raw = json.dumps(body).encode()
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(
            f"POST {path} HTTP/1.1\r\nHost: piano\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(raw)}\r\n\r\n".encode()
            + raw
        )
        s.recv(100)  # the stream has started


def test_H52_a_dropped_stream_is_one_info_line_and_no_traceback(server):
    before = server.log.stat().st_size
    question = {"role": "user", "content": "Quali sono gli obiettivi del Piano?"}
    for n in range(10):
        hang_up_after_the_first_bytes(
            server, "/v1/chat/completions", {"stream": True, "messages": [question]}
        )
        hang_up_after_the_first_bytes(server, "/api/ask/stream", {"question": f"Misure {n}?"})
    wait_for(  # until the server has written the 20 lines
        lambda: (
            len([r for r in request_lines(server) if r["path"].endswith(("stream", "tions"))]) >= 20
        ),
        "not every dropped stream was logged",
    )
    written = server.log.read_bytes()[before:].decode("utf-8", errors="replace")
    assert "Traceback" not in written and '"level": "ERROR"' not in written
    assert len(written.splitlines()) <= 20 and len(written.encode()) <= 20 * 400, written[:2000]


# --- 9. Italian everywhere, plain text in every field ----------------------------------------

ENGLISH = ("Input should", "Field required", "String should", "List should", "Invalid HTTP")


@pytest.mark.parametrize(
    "body",
    [
        {"messages": []},
        {"messages": "ciao"},
        {"messages": [{"role": "bot", "content": "ciao"}]},
        {"messages": [{"role": "user", "content": [{"type": "text"}]}]},
        {"messages": [{"role": "user", "content": "ciao"}], "stream": "sì"},
        {},
    ],
)
def test_H53_v1_refusals_are_in_italian_down_to_each_error(server, body):
    with client(server) as c:
        r = c.post("/v1/chat/completions", json=body)
    assert r.status_code == 422, r.text
    assert not [w for w in ENGLISH if w in r.text], r.text


@pytest.mark.parametrize(
    "raw",
    [
        b"Content-Length: abc\r\n\r\n{}",
        b"Content-Length: 5\r\nContent-Length: 7\r\n\r\n{}",
        b"Intestazione senza due punti\r\n\r\n",
    ],
)
def test_H54_a_malformed_request_gets_an_italian_400(server, raw):
    import socket

    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"POST /api/ask HTTP/1.1\r\nHost: piano\r\n" + raw)
        reply = b""
        while chunk := s.recv(4096):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head
    assert "Richiesta HTTP non valida" in json.loads(body)["detail"]


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/measures/match", {"description": "cooperativa\u0000sociale"}),
        ("/api/measures/match", {"description": "giovani\u001b[31m"}),
        ("/api/measures/match", {"description": " \n\t "}),
        ("/api/feedback", {"question": "   ", "answer": "a", "rating": "up"}),
        ("/api/feedback", {"question": "q", "answer": "\n", "rating": "up"}),
        ("/api/feedback", {"question": "q", "answer": "a", "rating": "up", "citations": [" "]}),
        ("/api/ask", {"question": "E i giovani?", "history": [{"role": "user", "content": "  "}]}),
    ],
)
def test_H55_every_text_field_is_plain_and_not_only_spaces(server, path, body):
    with client(server) as c:
        r = c.post(path, json=body)
    assert r.status_code == 422, r.text
    assert "controllo" in r.text or "vuot" in r.text, r.text


def test_every_side_door_is_in_the_table_of_docs():
    table = (REPO / "docs" / "hostile-inputs.md").read_text(encoding="utf-8")
    ids = set(re.findall(r"def test_(H\d\d)", Path(__file__).read_text()))
    assert not sorted(i for i in ids if f"| {i} |" not in table)
