"""Where a quote sits in its passage, and the address of a passage on its document's page."""

from __future__ import annotations

from core.models import Citation
from core.passages import cited_passage, page_url, passage_anchor, quote_spans

PASSAGE = (
    "Il Piano è stato presentato il 30 giugno 2025. Hanno partecipato 104 persone.\n"
    "- Favorire lo sviluppo di competenze delle organizzazioni\n"
    "- Favorire il match tra mondo formativo e lavorativo\n"
    "123. Torino Social Impact\n124. UGL Torino\n125. Unicredit Spa"
)


def _marked(spans: list[tuple[int, int]]) -> list[str]:
    return [PASSAGE[s:e] for s, e in spans]


def test_a_quote_is_found_whole_or_sentence_by_sentence_whitespace_aside():
    assert _marked(quote_spans(PASSAGE, "Hanno  partecipato\n104 persone.")) == [
        "Hanno partecipato 104 persone."
    ]
    apart = quote_spans(PASSAGE, "Il Piano è stato presentato il 30 giugno 2025. Favorire il match")
    assert _marked(apart)[0] == "Il Piano è stato presentato il 30 giugno 2025."
    assert quote_spans(PASSAGE, "") == [] and quote_spans(PASSAGE, "Niente di simile qui.") == []


def test_list_items_quoted_together_in_another_order_are_found_one_by_one():
    quote = (
        "Favorire il match tra mondo formativo e lavorativo "
        "Favorire lo sviluppo di competenze delle organizzazioni"
    )
    assert sorted(_marked(quote_spans(PASSAGE, quote))) == [
        "Favorire il match tra mondo formativo e lavorativo",
        "Favorire lo sviluppo di competenze delle organizzazioni",
    ]
    numbered = quote_spans(PASSAGE, "124. UGL Torino 125. Unicredit Spa")
    assert _marked(numbered) == ["124. UGL Torino\n125. Unicredit Spa"]


def test_a_few_common_words_are_not_a_quote():
    # A quoted heading is not in the passage: "il 30 giugno" alone must not be marked.
    assert quote_spans(PASSAGE, "Presentazione del Piano avvenuta il 30 giugno a Torino") == []


def test_the_page_url_names_the_passage_and_the_spans_and_reads_back():
    url = page_url("resoconto-ascolto", "resoconto-ascolto:cd119f27149a-1", [(5, 9), (12, 20)])
    assert url == (
        "/documenti/resoconto-ascolto?passaggio=cd119f27149a-1&evidenzia=5-9,12-20#p-cd119f27149a-1"
    )
    assert passage_anchor("x:abc") == "p-abc"
    assert cited_passage("cd119f27149a-1", "12-20,5-9,7-3,x") == (
        "p-cd119f27149a-1",
        [(5, 9), (12, 20)],
    )
    assert cited_passage("<script>", "1-2") == (None, [])
    assert page_url("d", "d:ab", []) == "/documenti/d?passaggio=ab#p-ab"


def test_every_citation_carries_its_page_url_and_its_source_line():
    c = Citation(
        n=1,
        chunk_id="piano-sintesi:abc123",
        doc_id="piano-sintesi",
        title="Il Piano",
        source_type="piano",
        section="Il Piano > Le priorità > Finanza",
        url="https://example.org/piano",
        text=PASSAGE,
        quote="Hanno partecipato 104 persone.",
        score=1.0,
    )
    dumped = c.model_dump()
    assert (
        dumped["page_url"] == "/documenti/piano-sintesi?passaggio=abc123&evidenzia=47-77#p-abc123"
    )
    assert dumped["reference"] == "Il Piano — Finanza (https://example.org/piano)"
    assert Citation.model_validate(dumped) == c  # computed, not read back
