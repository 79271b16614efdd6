"""The internal endpoints (/docs, /openapi.json, /metrics): public by default, and with
PIANO_INTERNAL_ENDPOINTS=private only for a client on this host that did not come through a
proxy; the API docs are served whole from this host."""

from __future__ import annotations

import pytest

INTERNAL = ("/docs", "/openapi.json", "/metrics", "/docs/assets/swagger-ui-bundle.js")


def test_public_by_default(make_client):
    client = make_client(client_ip="203.0.113.9")
    assert all(client.get(p).status_code == 200 for p in INTERNAL)


@pytest.mark.parametrize("path", INTERNAL)
def test_private_keeps_them_from_the_outside(make_client, path):
    outside = make_client(client_ip="203.0.113.9", internal_endpoints="private")
    r = outside.get(path)
    assert r.status_code == 404 and r.json()["detail"] == "Risorsa non trovata."
    local = make_client(client_ip="127.0.0.1", internal_endpoints="private")
    assert local.get(path).status_code == 200
    # From this host, but through a proxy: the outside.
    assert local.get(path, headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 404
    assert local.get("/api/health").status_code == 200  # the users' endpoints stay public


def test_the_docs_page_names_no_other_host(make_client):
    page = make_client().get("/docs").text
    assert "/docs/assets/swagger-ui-bundle.js" in page and "https://" not in page


def test_messages_of_a_missing_index_name_no_server_path(make_settings):
    from fastapi.testclient import TestClient

    from server.app import create_app

    settings = make_settings()
    with TestClient(create_app(settings)) as client:
        r = client.get("/api/health")
    assert r.status_code == 503 and "PIANO_DATA_DIR" in r.json()["message"]
    assert str(settings.data_dir) not in r.text and "/tmp" not in r.text
