"""The one source-line formatter: «title — section (link; link)»."""

from __future__ import annotations

from assistant import templates
from core.sources import source_line


def test_the_source_line():
    assert source_line("Il Piano", "Il Piano > Le priorità > Finanza") == "Il Piano — Finanza"
    assert source_line("Il Piano", "", ["https://a.it", None, ""]) == "Il Piano (https://a.it)"
    assert source_line("T", "A > B", ["/documenti/x", "https://a.it"]) == (
        "T — B (/documenti/x; https://a.it)"
    )


def test_every_answer_template_that_names_a_source_uses_it():
    assert templates.sources_entry(2, "T", "A > B", ["https://a.it"]) == "[2] T — B (https://a.it)"
    assert templates.suggestion("T", "A > B", 3) == "- T — B [3]"
