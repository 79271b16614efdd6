"""The knowledge files beside the corpus are data reviewed like documents: every source passage is
verbatim in its document, every reference points at something that exists, and a corpus without
them still loads."""

from __future__ import annotations

import re

import pytest

from core.settings import Settings
from evals.gold import normalise
from indexer.build import _fingerprint
from indexer.knowledge import load_knowledge
from indexer.knowledge.acronyms import ReviewedAcronym
from indexer.knowledge.files import (
    KNOWLEDGE_FILES,
    knowledge_digest,
    knowledge_path,
    read_toml,
    words_pattern,
)
from indexer.knowledge.kinds import load_kinds
from indexer.knowledge.profiles import load_profiles
from indexer.loaders import SOURCE_TYPES

SETTINGS = Settings(_env_file=None)
CORPUS = SETTINGS.corpus_dir


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return {p.stem: normalise(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.md")}


def test_every_shipped_knowledge_file_exists():
    assert all(knowledge_path(CORPUS, name).exists() for name in KNOWLEDGE_FILES)


def test_every_source_passage_is_verbatim(documents):
    about = read_toml(knowledge_path(CORPUS, "about"))
    sources = [about["plan_source"]] + [p["source"] for p in about["promoter"]]
    sources += [c["source"] for c in about.get("contact", [])]
    acronyms = read_toml(knowledge_path(CORPUS, "acronyms"))["acronym"]
    sources += [ReviewedAcronym.model_validate(a).source.model_dump() for a in acronyms]
    assert len(sources) >= 7
    for source in sources:
        assert normalise(source["phrase"]) in documents[source["doc_id"]], source


def test_kinds_and_profiles_refer_to_what_exists():
    kinds = load_kinds(knowledge_path(CORPUS, "organisation_kinds"))
    labels = {k.label for k in kinds.kinds}
    assert len(labels) == len(kinds.kinds) >= 10
    assert all(set(k.yields_to) <= labels and k.asked_by and k.plural for k in kinds.kinds)
    plan = load_profiles(knowledge_path(CORPUS, "profiles"))
    targets = {t.id for t in plan.targets}
    assert all(set(p.targets) <= targets for p in plan.profiles)
    assert all(set(r.targets) <= targets for r in plan.roles)
    for pattern in [t.pattern for t in plan.targets] + [r.pattern for r in plan.roles]:
        re.compile(pattern)
    sources = read_toml(knowledge_path(CORPUS, "sources"))["source"]
    assert {s["type"] for s in sources} <= set(SOURCE_TYPES)


@pytest.mark.parametrize(
    ("phrases", "text", "found"),
    [
        (["sindacat*"], "quali sindacati hanno partecipato", True),
        (["coop"], "la cooperativa", False),  # whole words only
        (["camera di commercio"], "la camera da letto e il commercio", False),
        (["^comune di"], "comune di alfa", True),
        (["^comune di"], "unione del comune di alfa", False),  # tied to the start
        (["s.c.s"], "progetto tenda s.c.s.", True),
        (["istitut* di credito"], "gli istituti di credito", True),
        (["Città"], "la citta", True),  # folded like the text it is matched on
        ([], "qualsiasi testo", False),
    ],
)
def test_word_lists_match_whole_folded_words(phrases, text, found):
    assert bool(words_pattern(phrases).search(text)) is found


def test_a_corpus_without_knowledge_files_still_loads(tmp_path):
    corpus = tmp_path / "documents"
    corpus.mkdir()
    knowledge = load_knowledge(corpus, [])
    assert knowledge.about.plan == "" and knowledge.about.whom_to_ask() is None
    # Only the product's generic kinds of organisation (kind words, no body's name).
    assert {k.label for k in knowledge.kinds.kinds} >= {
        "comune",
        "fondazione",
        "cooperativa o impresa sociale",
    }
    assert not any(k.names for k in knowledge.kinds.kinds) and knowledge.plan.profiles == []
    assert knowledge.sources.mentioned("secondo la stampa") == set()
    assert not knowledge.plan.asks_for_measures("cosa c'è per me?")


def test_a_changed_knowledge_file_changes_the_build_fingerprint(tmp_path):
    corpus = tmp_path / "documents"
    corpus.mkdir()
    settings = SETTINGS.updated(corpus_dir=corpus, data_dir=tmp_path / "data")
    before, digest = _fingerprint(settings, []), knowledge_digest(corpus)
    knowledge_path(corpus, "profiles").write_text('[measures]\nquestion = "per me"\n')
    assert knowledge_digest(corpus) != digest
    assert _fingerprint(settings, []) != before
