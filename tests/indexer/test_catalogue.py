"""The measures catalogue, extracted from the corpus at index time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.limits import section_leaf
from indexer.catalogue import extract_catalogue
from indexer.knowledge.files import knowledge_path
from indexer.knowledge.profiles import PlanProfiles, load_profiles
from tests.support.documents import AREAS

REPO_CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "documents"


@pytest.fixture(scope="module")
def catalogue(assistant):
    return assistant.profiles.catalogue


def test_six_areas_and_their_objectives_come_from_the_plan(catalogue, assistant):
    assert catalogue.areas == AREAS
    assert len(catalogue.measures) == 16
    for m in catalogue.measures:
        chunk = assistant.index.chunks[m.chunk_id]
        assert m.text in chunk.text and chunk.meta.source_type == "piano"
        assert m.area == section_leaf(chunk.meta.section)


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
    from indexer.catalogue import load_catalogue
    from indexer.stores import current_build_id

    settings = make_settings()
    shipped = knowledge_path(REPO_CORPUS, "profiles")  # the targets are the plan's data
    shutil.copy(shipped, knowledge_path(settings.corpus_dir, "profiles"))
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


def test_targets_are_read_from_the_words(corpus_settings):
    plan = load_profiles(knowledge_path(corpus_settings.corpus_dir, "profiles"))
    assert "territori_rurali" in plan.targets_of("Sostenere il welfare nei territori rurali")
    assert "finanza" in plan.targets_of("accesso al credito nel sistema bancario")
    assert plan.targets_of("Favorire il riconoscimento") == []
    assert PlanProfiles().targets_of("accesso al credito") == []  # no profiles.toml: nobody


def test_extraction_without_plan_documents_is_empty():
    assert extract_catalogue([], {}, PlanProfiles()).measures == []
