"""The measures catalogue: extraction from the corpus, matching floors, API and chat route."""

from __future__ import annotations

import json

import pytest

from evals.measures import evaluate_measures
from evals.report import RESULTS_DIR
from indexer.measures import extract_catalogue, targets_of

AREAS = [
    "Governance e partnership",
    "Social procurement",
    "Finanza a impatto sociale",
    "Formazione continua, sviluppo di competenze, giovani",
    "Connessioni fisiche, digitali e innovazione tecnologica",
    "Inclusione sociale e lavorativa",
]


@pytest.fixture(scope="module")
def catalogue(assistant):
    return assistant.measures.catalogue


def test_six_areas_and_their_objectives_come_from_the_plan(catalogue, assistant):
    assert catalogue.areas == AREAS
    assert len(catalogue.measures) == 16
    for m in catalogue.measures:
        chunk = assistant.index.chunks[m.chunk_id]
        assert m.text in chunk.text and chunk.meta["source_type"] == "piano"
        assert m.area == chunk.meta["section"].split(" > ")[-1]


def test_consultation_integrations_are_linked_to_the_area_they_changed(catalogue):
    linked = {
        i.text[:40]: (m.area, i.linked_by) for m in catalogue.measures for i in m.integrations
    }
    area_of = {k: v[0] for k, v in linked.items()}
    assert area_of["l'estensione del perimetro dell'età giov"].startswith("Formazione")
    assert area_of["Sviluppare soluzioni scalabili e adattab"] == "Inclusione sociale e lavorativa"
    assert linked["Sviluppare soluzioni scalabili e adattab"][1] == "quoted objective"
    assert area_of["Programmi di mentoring per giovani profe"].startswith("Formazione")
    assert area_of["Il tema della Corporate Digital Responsi"].startswith("Connessioni")


def test_adding_a_plan_document_adds_its_measures(catalogue, make_settings, embedder):
    from indexer.build import build_index
    from indexer.measures import load_catalogue
    from indexer.stores import current_build_id

    settings = make_settings()
    (settings.corpus_dir / "piano-completo.md").write_text(
        "---\ndoc_id: piano-completo\ntitle: Piano completo\nsource_type: piano\n---\n\n"
        "# Piano\n\n## Le priorità\n\n### Abitare sociale\n\n"
        "- Favorire l'edilizia residenziale sociale con le cooperative di abitanti\n"
        "- Sostenere i giovani che cercano casa\n",
        encoding="utf-8",
    )
    build_index(settings, embedder, progress=False)
    added = load_catalogue(settings.builds_dir / current_build_id(settings))
    assert added.areas == ["Abitare sociale"]
    assert [m.targets for m in added.measures][1] == ["giovani"]


def test_targets_are_read_from_the_words():
    assert "territori_rurali" in targets_of("Sostenere il welfare nei territori rurali e montani")
    assert "finanza" in targets_of("accesso al credito nel sistema bancario")
    assert targets_of("Favorire il riconoscimento") == []


def test_extraction_without_plan_documents_is_empty():
    assert extract_catalogue([], {}).measures == []


def test_matching_holds_the_committed_floors(assistant):
    committed = json.loads((RESULTS_DIR / "latest.json").read_text())["measures"]["media profili"]
    now = evaluate_measures(assistant)["media profili"]
    assert now["precision"] >= committed["precision"] - 0.02
    assert now["recall"] >= committed["recall"] - 0.02


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


@pytest.mark.parametrize("body", [{}, {"profile": "astronauta"}, {"description": ""}])
def test_match_needs_a_known_profile_or_a_description(client, body):
    r = client.post("/api/measures/match", json=body)
    assert r.status_code == 422


def test_chat_answers_with_the_matching_measures_as_a_cited_list(assistant):
    answer = assistant.ask("Quali misure per una cooperativa che cerca credito?")
    assert not answer.abstained
    assert answer.answer.startswith("Secondo il Piano, queste sono le misure che ti riguardano")
    bullets = [line for line in answer.answer.splitlines() if line.startswith("- ")]
    assert any("accesso al credito" in b for b in bullets)
    for line in bullets:
        quote, n = line[2:].rsplit(" [", 1)
        assert quote in answer.citations[int(n.rstrip("]")) - 1].text
