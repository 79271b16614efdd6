"""The "Glossario" tab: every term with its everyday words and source, searchable, escaped."""

from __future__ import annotations

import pytest

from indexer.glossary import GlossaryEntry, GlossarySource
from tests.ui.conftest import check_page
from ui.glossary_tab import matching, render_glossary


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
    assert [e.term for e in matching(entries, "Prestiti")] == ["accesso al credito"]
    html = render_glossary(entries, {"piano-sintesi": "Il Piano"})
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html
    assert "Il Piano: «accesso al credito»" in html
    assert "Nessuna voce" in render_glossary([], {})


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
    check_page(page)
