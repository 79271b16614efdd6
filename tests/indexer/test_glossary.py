"""The glossary is data reviewed like a document: every entry's source is verbatim in it."""

from __future__ import annotations

from core.settings import Settings
from evals.gold import normalise
from indexer.glossary import load_glossary


def test_every_entry_is_complete_and_its_source_is_verbatim():
    settings = Settings(_env_file=None)
    glossary = load_glossary(settings.glossary_file)
    assert len(glossary.entries) >= 40
    documents = {
        p.stem: normalise(p.read_text(encoding="utf-8")) for p in settings.corpus_dir.glob("*.md")
    }
    terms = [normalise(e.term) for e in glossary.entries]
    assert len(terms) == len(set(terms))
    for entry in glossary.entries:
        assert len(entry.everyday) >= 3 and entry.explanation, entry.term
        assert normalise(entry.source.phrase) in documents[entry.source.doc_id], entry.term


def test_a_missing_file_is_an_empty_glossary(tmp_path):
    assert load_glossary(tmp_path / "none.toml").entries == []
