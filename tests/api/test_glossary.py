"""GET /api/glossary through the real app: every entry with its everyday words and source."""

from __future__ import annotations


def test_the_glossary_lists_terms_with_everyday_words_and_their_source(client):
    r = client.get("/api/glossary")
    assert r.status_code == 200
    entries = r.json()
    assert len(entries) >= 40
    credit = next(e for e in entries if e["term"] == "accesso al credito")
    assert credit["everyday"] and credit["explanation"]
    assert credit["source"]["doc_id"] == "piano-sintesi"


def test_the_glossary_can_be_searched_by_everyday_words(client):
    found = client.get("/api/glossary", params={"q": "prestiti"}).json()
    assert [e["term"] for e in found] == ["accesso al credito"]
    assert client.get("/api/glossary", params={"q": "zzz"}).json() == []
