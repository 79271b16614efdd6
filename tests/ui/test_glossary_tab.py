"""The "Glossario" tab: every term with its everyday words and source, searchable with typos,
ranked, escaped."""

from __future__ import annotations

import pytest

from indexer.glossary import Glossary, GlossaryEntry, GlossarySource
from tests.ui.conftest import check_page
from ui.glossary_tab import render_glossary


def _entry(term: str, everyday: list[str], explanation: str = "Spiegazione.") -> GlossaryEntry:
    return GlossaryEntry(
        term=term,
        everyday=everyday,
        explanation=explanation,
        source=GlossarySource(doc_id="piano-sintesi", phrase=term),
    )


def test_search_matches_the_everyday_words_and_markup_stays_text():
    entries = [
        _entry("accesso al credito", ["prestiti dalle banche"]),
        _entry("digital divide", ["<script>alert(1)</script>"], "Chi resta <b>fuori</b>."),
    ]
    assert [e.term for e in Glossary(entries=entries).search("Prestiti")] == ["accesso al credito"]
    html = render_glossary(entries, {"piano-sintesi": "Il Piano"})
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html
    assert 'href="/documenti/piano-sintesi"' in html and "Il Piano" in html
    assert "«accesso al credito»" in html
    assert "Nessuna voce" in render_glossary([], {})


def test_the_shipped_glossary_forgives_typos_and_ranks_the_term_itself_first(assistant):
    glossary = assistant.glossary
    typo = glossary.search("coperativa")  # found nothing before (substring match only)
    assert typo and typo[0].term == "cooperativa sociale"
    ranked = glossary.search("economia sociale")  # 29 entries hold both words
    assert ranked[0].term == "economia sociale"
    assert glossary.search("social procurment")[0].term == "social procurement"
    assert glossary.search("zzz") == []
    assert len(glossary.search("")) == len(glossary.entries)


@pytest.mark.slow
def test_the_tab_lists_and_filters_the_glossary(page, ui_url):
    page.goto(ui_url)
    page.get_by_role("tab", name="Glossario").click()
    entries = page.locator("#glossario-voci article.glossario-voce")
    entries.first.wait_for()
    assert entries.count() >= 40
    page.get_by_label("Cerca nel glossario").fill("prestiti")
    page.wait_for_function(
        "document.querySelectorAll('#glossario-voci article.glossario-voce').length === 1"
    )
    assert "accesso al credito" in entries.first.inner_text()
    page.get_by_label("Cerca nel glossario").fill("coperativa")
    page.wait_for_function(
        "document.querySelector('#glossario-voci h3')?.textContent === 'cooperativa sociale'"
    )
    assert "dalla più vicina" in page.locator("#glossario-voci").inner_text()
    check_page(page)
