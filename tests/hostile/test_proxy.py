"""The client's address behind a real nginx (Debian's, started on loopback by the test with the
site file of deploy/nginx/): one rate-limit budget per user through the proxy, and forwarded
headers believed only from the trusted proxy, never from a client.

nginx connects to the app from 127.0.0.9 (`proxy_bind`), as a proxy on another host would;
clients connect from addresses of their own in 127.0.0.0/8, so each has its own budget.
"""

from __future__ import annotations

import httpx
import pytest

from evals.loadtest import copy_index, serve
from tests.support.budgets import Budget, assert_spent, until_refused
from tests.support.nginx_single import Nginx

PROXY = "127.0.0.9"
LIMIT = 4
HOST = {"Host": "piano.example"}  # the server_name of the site file
SEARCH = {"query": "interviste"}


@pytest.fixture(scope="module")
def proxied(corpus_settings, corpus_index, tmp_path_factory):
    work = tmp_path_factory.mktemp("proxy")
    server = serve(
        copy_index(corpus_settings.data_dir, work / "data"),
        work,
        {
            "PIANO_TRUSTED_PROXIES": PROXY,
            "PIANO_RATE_LIMIT_PER_MINUTE": str(LIMIT),
            "PIANO_INTERNAL_ENDPOINTS": "private",
        },
    )
    try:
        with Nginx(work / "nginx", f"127.0.0.1:{server.port}", bind=PROXY) as nginx:
            yield nginx, server
    finally:
        server.stop()


def client_from(address: str, base_url: str) -> httpx.Client:
    """A client whose connections come from `address` (any of 127.0.0.0/8 is this host)."""
    return httpx.Client(
        base_url=base_url, timeout=30, transport=httpx.HTTPTransport(local_address=address)
    )


def search(client: httpx.Client, headers=None) -> httpx.Response:
    return client.post("/api/search", json=SEARCH, headers={**HOST, **(headers or {})})


def spend(client: httpx.Client, spoof_from: str | None = None) -> None:
    """Search until refused (each time from a new forged address, if `spoof_from`): one
    budget of LIMIT is spent, whatever the forged headers say."""
    budget = Budget(LIMIT)
    sent = iter(range(1, 255))

    def send() -> httpx.Response:
        forged = {"X-Forwarded-For": f"{spoof_from}.{next(sent)}"} if spoof_from else {}
        return search(client, forged)

    assert_spent(until_refused(send, most=10 * LIMIT), budget)


def test_each_user_has_their_own_budget_through_the_proxy(proxied):
    nginx, _ = proxied
    with client_from("127.0.0.2", nginx.url) as first, client_from("127.0.0.3", nginx.url) as other:
        spend(first)
        # Another user behind the same proxy is not held by the first one's requests.
        assert search(other).status_code == 200


def test_a_forwarded_for_header_sent_through_the_proxy_is_overwritten(proxied):
    nginx, _ = proxied
    with client_from("127.0.0.4", nginx.url) as spoofer:
        spend(spoofer, spoof_from="198.51.100")


def test_a_forwarded_for_header_from_a_client_that_is_not_the_proxy_is_ignored(proxied):
    _, server = proxied
    # Straight to the app from 127.0.0.1 (uvicorn's own default trusts that address).
    with client_from("127.0.0.1", server.url) as spoofer:
        spend(spoofer, spoof_from="203.0.113")


def test_internal_endpoints_are_private_and_unknown_hosts_dropped(proxied):
    nginx, server = proxied
    with client_from("127.0.0.5", nginx.url) as outside:
        for path in ("/metrics", "/docs", "/openapi.json"):
            r = outside.get(path, headers=HOST)
            assert r.status_code == 404 and r.json()["detail"] == "Risorsa non trovata.", path
        assert outside.get("/api/health", headers=HOST).status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):  # 444: closed without an answer
            outside.get("/api/health", headers={"Host": "evil.example"})
    with client_from("127.0.0.1", server.url) as local:
        assert local.get("/metrics").status_code == 200  # on the private side


def test_answers_stream_through_the_proxy(proxied):
    nginx, _ = proxied
    with client_from("127.0.0.6", nginx.url) as user:
        with user.stream(
            "POST",
            "/api/ask/stream",
            json={"question": "Quante interviste sono state fatte?"},
            headers=HOST,
        ) as r:
            assert r.status_code == 200
            events = [line for line in r.iter_lines() if line.startswith("event: ")]
    assert events[0] == "event: delta" and events[-1] == "event: done"
