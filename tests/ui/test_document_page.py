"""Every indexed document as a page (/documenti/{doc_id}): each citation's `page_url` opens its
passage with the quoted sentences marked, for every answer to the gold test questions; a PDF
keeps its page numbers; the page says it is a copy and where the original is; it gets the same
headers and limits as the API; in Chromium, a card's document link opens it at the passage."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from core.limits import LIST_ITEM_START
from evals.gold import load_gold
from server.app import create_app
from tests.ui.conftest import ask_in_page, check_page, open_page

# The quote is the cited sentences or list items joined by spaces.
SENTENCE_END = re.compile(r"(?<=[.!?…;:»”\"])\s+")
PLAN_ITALIAN = (
    "http://www.cittametropolitana.torino.it/cms/attivita-produttive/competitivita-innovazione/"
    "piano-metropolitano-dell-economia-sociale"
)


@pytest.fixture(scope="module")
def client(corpus_settings, assistant):
    """The app without a rate limit: these tests open hundreds of pages (the limit is tested
    below on its own)."""
    with TestClient(create_app(corpus_settings.updated(rate_limit_per_minute=0), assistant)) as c:
        yield c


def _flat(text: str) -> str:
    return " ".join(text.split())


def quoted_units(quote: str, passage: str) -> list[str]:
    """The sentences and list items of `passage` that `quote` holds (an answer quotes list items
    joined by spaces, not always in the passage's order)."""
    units = [_flat(s) for s in SENTENCE_END.split(quote) if _flat(s) in _flat(passage)]
    lines = [LIST_ITEM_START.sub("", line).strip() for line in passage.splitlines()]
    pieces = [*lines, *(s for line in lines for s in SENTENCE_END.split(line))]
    return units + [_flat(p) for p in pieces if p and _flat(p) in _flat(quote)]


def test_every_citation_of_the_gold_test_answers_opens_its_passage_with_the_quote_marked(client):
    tested = [g for g in load_gold() if g.split == "test"]
    pages: dict[str, BeautifulSoup] = {}
    citations = headings = 0
    for item in tested:
        body = {"question": item.question, "history": [t.model_dump() for t in item.history]}
        answer = client.post("/api/ask", json=body).json()
        for c in answer["citations"]:
            citations += 1
            url = c["page_url"]
            assert url.startswith(f"/documenti/{c['doc_id']}?"), url
            if url not in pages:
                response = client.get(url)
                assert response.status_code == 200, (item.id, url)
                pages[url] = BeautifulSoup(response.text, "html.parser")
            passage = pages[url].find(id=url.rsplit("#", 1)[1])
            assert passage is not None and "citato" in passage["class"], (item.id, url)
            assert _flat(passage.get_text()) == _flat(c["text"])
            marked = _flat(" ".join(m.get_text() for m in passage.find_all("mark")))
            if not c["quote"]:  # a declined question's closest passages: nothing was quoted
                assert not marked
                continue
            units = quoted_units(c["quote"], c["text"])
            if not units:  # a heading quoted (a list's label, a title): shown over the passage
                above = passage.find_all_previous(["h1", "h2", "h3", "h4", "h5", "h6"])
                assert c["quote"] in {h.get_text() for h in above}, (item.id, c["quote"])
                assert not marked, "nothing of the passage is marked for a heading"
                headings += 1
                continue
            for unit in units:
                assert unit in marked, (item.id, unit)
    assert citations > len(tested)  # every answer, declines included, cites passages
    assert headings < citations / 20


def test_the_page_says_it_is_a_copy_and_where_the_original_is(client):
    plan = BeautifulSoup(client.get("/documenti/piano-sintesi").text, "html.parser")
    assert plan.html["lang"] == "it"
    copy = plan.find(class_="copia")
    assert "non è il documento ufficiale" in copy.get_text()
    assert copy.find("a")["href"] == PLAN_ITALIAN, "the plan's original is its Italian page"
    assert [h.get_text() for h in plan.find_all("h2")] == ["Il percorso", "Le priorità"]
    assert not plan.find_all("mark"), "opened without a citation: nothing marked"
    report = BeautifulSoup(client.get("/documenti/resoconto-ascolto").text, "html.parser")
    assert "non è disponibile online" in report.find(class_="copia").get_text()
    assert len(report.find_all(class_="passaggio")) == 40  # the most cited source, whole


def test_unknown_documents_and_odd_queries_are_answered_in_italian_not_errors(client):
    missing = client.get("/documenti/non-esiste")
    assert missing.status_code == 404 and "Documento non trovato" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    odd = client.get("/documenti/piano-sintesi?passaggio=<script>&evidenzia=9-1,x-y,-,1-999999")
    assert odd.status_code == 200 and "<mark>" not in odd.text and "<script>" not in odd.text


def test_the_page_has_the_same_headers_and_limits(corpus_settings, assistant):
    # A document page is a page door (api/doors.py): it spends the page budget.
    settings = corpus_settings.updated(page_rate_limit_per_minute=2)
    with TestClient(create_app(settings, assistant)) as client:
        first = client.get("/documenti/piano-sintesi")
        assert "frame-ancestors 'none'" in first.headers["content-security-policy"]
        assert first.headers["x-content-type-options"] == "nosniff"
        assert first.headers["x-frame-options"] == "DENY"
        assert client.get("/documenti/stile.css").headers["content-type"].startswith("text/css")
        limited = client.get("/documenti/piano-sintesi")
        assert limited.status_code == 429 and "Troppe richieste" in limited.json()["detail"]


def test_a_pdf_keeps_its_page_numbers(make_settings, embedder):
    from fpdf import FPDF

    from indexer.build import build_index
    from server.startup import build_assistant

    settings = make_settings(rate_limit_per_minute=0)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in (
        "Il Piano metropolitano per l'economia sociale è nato a Torino.",
        "Sulla seconda pagina si parla di finanza a impatto sociale.",
    ):
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(settings.corpus_dir / "piano.pdf"))
    (settings.corpus_dir / "piano.pdf.meta.toml").write_text(
        'doc_id = "piano-pdf"\ntitle = "Il Piano in PDF"\nsource_type = "piano"\n'
        'publisher = "Città metropolitana di Torino"\ndate = "2025-06"\n',
        encoding="utf-8",
    )
    build_index(settings, embedder, progress=False)
    with TestClient(create_app(settings, build_assistant(settings, embedder))) as client:
        answer = client.post("/api/ask", json={"question": "Dove è nato il Piano?"}).json()
        page = BeautifulSoup(client.get(answer["citations"][0]["page_url"]).text, "html.parser")
    numbers = [p.get_text() for p in page.find_all(class_="pagina")]
    assert numbers == ["Pagina 1", "Pagina 2"]
    assert page.find(id="pagina-2").find_next(class_="passaggio").get_text().startswith("Sulla")


@pytest.mark.slow
def test_a_cards_document_link_opens_the_page_at_the_marked_passage(browser, ui_url):
    context, page = open_page(browser)
    page.goto(ui_url)
    turn = ask_in_page(page, "Quante interviste sono state fatte nella fase di ascolto?")
    turn.locator("details.fonti").evaluate("d => d.open = true")
    link = turn.locator("article.fonte a.fonte-pagina").first
    anchor = link.get_attribute("href").rsplit("#", 1)[1]
    with context.expect_page() as opened:
        link.click()
    document = opened.value
    passage = document.locator(f"#{anchor}")
    passage.locator("mark").first.wait_for()
    assert "citato" in passage.get_attribute("class")
    shown = passage.bounding_box()
    height = document.viewport_size["height"]
    assert document.evaluate("window.scrollY") > 0, "scrolled down to the passage"
    assert 0 <= shown["y"] < height / 2, shown
    assert document.evaluate("location.hash") == f"#{anchor}"
    context.close()
    check_page(page)
