"""The measures API: catalogue, profile and free-text matching, Italian errors."""

from __future__ import annotations

import pytest

from tests.support.documents import AREAS


def test_free_text_alone_works(client):
    r = client.post(
        "/api/measures/match",
        json={"description": "Ho 26 anni e vorrei fondare una cooperativa sociale"},
    )
    assert r.status_code == 200
    ranked = r.json()
    assert ranked[0]["measure"]["text"] == "Favorire la nascita di nuove imprese sociali giovanili"
    assert "giovani" in ranked[0]["reason"]
    cited = ranked[0]["citations"][0]
    assert ranked[0]["measure"]["text"] in cited["text"] and cited["doc_id"] == "piano-sintesi"


def test_profile_match_and_catalogue_api(client):
    catalogue = client.get("/api/measures").json()
    assert [a["area"] for a in catalogue["areas"]] == AREAS
    assert len(catalogue["profiles"]) >= 9
    ranked = client.post("/api/measures/match", json={"profile": "territori"}).json()
    assert any("territori rurali e montani" in m["measure"]["text"] for m in ranked)


@pytest.mark.parametrize("body", [{}, {"description": ""}])
def test_match_needs_a_profile_or_a_description(client, body):
    r = client.post("/api/measures/match", json=body)
    assert r.status_code == 422


def test_an_unknown_profile_is_not_found(client):
    r = client.post("/api/measures/match", json={"profile": "astronauta"})
    assert r.status_code == 404 and "Profilo sconosciuto" in r.json()["detail"]
