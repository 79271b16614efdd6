"""What names a source in a question: the words users use per kind (sources.toml) and the rare
words of each document's metadata; and what the plan is, from about.toml or the documents."""

from __future__ import annotations

from indexer.knowledge.about import load_about
from indexer.knowledge.sources import load_sources, metadata_names
from indexer.loaders import DocumentMeta

DOCS = [
    DocumentMeta(
        doc_id="patto",
        title="Patto per l'economia di comunità della Valdorno — le azioni",
        source_type="piano",
        publisher="Unione dei Comuni della Valdorno; Provincia di Monteluce",
    ),
    DocumentMeta(
        doc_id="ascolto",
        title="Il percorso di ascolto del Patto per la Valdorno",
        source_type="consultazione",
        publisher="Unione dei Comuni della Valdorno",
    ),
    DocumentMeta(
        doc_id="articolo",
        title="Presentato il Patto per la Valdorno",
        source_type="stampa",
        publisher="Il Gazzettino Orniano",
        publication="Il Gazzettino Orniano",
    ),
]


def test_rare_words_of_one_kind_of_source_name_it():
    names = metadata_names(DOCS)
    assert "orniano" in names["stampa"] and "il gazzettino orniano" in names["stampa"]
    assert "monteluce" in names["piano"]
    # Shared by every kind ("valdorno") or common in Italian ("percorso"): names nothing.
    assert not any("valdorno" in ws or "percorso" in ws for ws in names.values())


def test_the_words_of_the_file_come_with_the_derived_ones(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\ntype = "stampa"\nlead_in = "Secondo la stampa locale"\n'
        'words = ["giornal*", "articolo"]\n',
        encoding="utf-8",
    )
    sources = load_sources(path, DOCS)
    assert sources.mentioned("cosa dicono i giornali?") == {"stampa"}
    assert sources.mentioned("secondo il gazzettino orniano") == {"stampa"}
    assert sources.mentioned("che cosa prevede il patto?") == set()
    assert sources.lead_ins == {"stampa": "Secondo la stampa locale"}
    assert load_sources(tmp_path / "none.toml", DOCS).mentioned("i giornali") == set()


def test_without_about_the_plan_is_its_document_and_its_publishers(tmp_path):
    about = load_about(tmp_path / "none.toml", DOCS)
    assert about.plan == "Patto per l'economia di comunità della Valdorno"
    assert about.whom_to_ask() == "Unione dei Comuni della Valdorno, Provincia di Monteluce"


def test_contacts_of_about_are_whom_to_ask(tmp_path):
    path = tmp_path / "about.toml"
    path.write_text(
        'plan = "Patto per la Valdorno"\n[[contact]]\nname = "Ufficio del Patto"\n'
        'how = "patto@valdorno.example"\n'
        'source = { doc_id = "patto", phrase = "Ufficio del Patto" }\n',
        encoding="utf-8",
    )
    about = load_about(path, DOCS)
    assert about.plan == "Patto per la Valdorno"
    assert about.whom_to_ask() == "Ufficio del Patto (patto@valdorno.example)"
