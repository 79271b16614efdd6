"""Each supported format is read into text, metadata, heading sections and (for PDF) page numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.chunking import chunk_document
from indexer.loaders import (
    SourceDocument,
    UnreadableDocument,
    corpus_files,
    load_document,
)


def _chunks(doc: SourceDocument, embedder):
    return chunk_document(doc, embedder.count_tokens, max_tokens=160, list_max_items=12)


def _chunk_with(chunks, needle: str):
    found = [c for c in chunks if needle in c.text]
    assert len(found) == 1, f"{needle!r} in {len(found)} chunks"
    return found[0]


# --- PDF ---------------------------------------------------------------------------------------

PDF_PAGE_1 = (
    "Il Piano metropolitano per l'economia sociale è nato a Torino.",
    "La Città metropolitana ha svolto più di trenta interviste sul territorio.",
)
PDF_PAGE_2 = ("Sulla seconda pagina si parla di finanza a impatto sociale, perché è una priorità.",)


def _write_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    # Core fonts are latin-1 encoded: enough for à è é ì ò ù, checked by the assertions below.
    pdf.set_font("Helvetica", size=12)
    for page in (PDF_PAGE_1, PDF_PAGE_2):
        pdf.add_page()
        pdf.multi_cell(0, 8, "\n\n".join(page))
    pdf.output(str(path))


def test_pdf_keeps_accents_sidecar_metadata_and_page_numbers(tmp_path, embedder):
    path = tmp_path / "piano-in-pdf.pdf"
    _write_pdf(path)
    path.with_name(path.name + ".meta.toml").write_text(
        'doc_id = "piano-pdf"\ntitle = "Il Piano in PDF"\nsource_type = "piano"\n'
        'publisher = "Città metropolitana di Torino"\ndate = "2025-06"\n',
        encoding="utf-8",
    )

    doc = load_document(path)

    assert [p.number for p in doc.pages] == [1, 2]
    for sentence in PDF_PAGE_1:
        assert sentence in " ".join(doc.pages[0].text.split())
    assert PDF_PAGE_2[0] in " ".join(doc.pages[1].text.split())
    assert doc.meta.doc_id == "piano-pdf"
    assert doc.meta.title == "Il Piano in PDF"
    assert doc.meta.source_type == "piano"
    assert doc.meta.publisher == "Città metropolitana di Torino"
    assert doc.meta.date == "2025-06"

    chunks = _chunks(doc, embedder)
    assert _chunk_with(chunks, "seconda pagina").page == 2
    assert _chunk_with(chunks, "nato a Torino").page == 1
    # A chunk never spans two pages.
    assert not any("nato a Torino" in c.text and "seconda pagina" in c.text for c in chunks)
    assert {c.metadata().page for c in chunks} == {1, 2}


# --- DOCX --------------------------------------------------------------------------------------


def test_docx_headings_become_sections_and_list_items_stay_items(tmp_path, embedder):
    import docx

    document = docx.Document()
    document.core_properties.title = "Linee guida per le imprese sociali"
    document.add_heading("Linee guida per le imprese sociali", level=1)
    document.add_heading("Accesso al credito", level=2)
    document.add_paragraph(
        "Le imprese sociali possono chiedere un prestito agevolato alla Camera di commercio."
    )
    document.add_paragraph("Garanzia pubblica fino all'ottanta per cento.", style="List Bullet")
    path = tmp_path / "linee-guida.docx"
    document.save(str(path))

    doc = load_document(path)

    assert doc.meta.title == "Linee guida per le imprese sociali"  # from the core properties
    assert doc.meta.doc_id == "linee-guida"  # from the file name
    assert doc.meta.source_type == "istituzionale"  # the default
    text = doc.pages[0].text
    assert "# Linee guida per le imprese sociali" in text
    assert "## Accesso al credito" in text
    assert "- Garanzia pubblica fino all'ottanta per cento." in text
    assert doc.pages[0].number is None

    chunks = _chunks(doc, embedder)
    chunk = _chunk_with(chunks, "prestito agevolato")
    assert chunk.section == "Linee guida per le imprese sociali > Accesso al credito"
    assert chunk.page is None
    assert "Garanzia pubblica fino all'ottanta per cento." in chunk.sentences


# --- HTML --------------------------------------------------------------------------------------

HTML = """<!doctype html>
<html lang="it"><head><title>Economia sociale a Torino</title>
<script>var tracciamento = "NON_INDICIZZARE_SCRIPT";</script>
<style>.menu { color: red }</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/contatti">Menu Contatti</a></li></ul></nav>
<h1>Economia sociale a Torino</h1>
<h2>Gli obiettivi</h2>
<p>Il Piano punta a rafforzare le reti tra enti del terzo settore e imprese.</p>
<ul>
  <li>Favorire la co-progettazione tra pubblico e privato</li>
  <li>Diffondere la cultura della <b>misurazione</b> dell'impatto</li>
</ul>
<footer>Tutti i diritti riservati</footer>
</body></html>
"""


def test_html_drops_navigation_and_scripts_and_keeps_structure(tmp_path, embedder):
    path = tmp_path / "pagina-web.html"
    path.write_text(HTML, encoding="utf-8")

    doc = load_document(path)

    text = doc.pages[0].text
    assert doc.meta.title == "Economia sociale a Torino"
    for gone in (
        "NON_INDICIZZARE_SCRIPT",
        "tracciamento",
        "Menu Contatti",
        "Home",
        "color",
        "diritti riservati",
    ):
        assert gone not in text
    assert "# Economia sociale a Torino" in text
    assert "## Gli obiettivi" in text
    assert "- Favorire la co-progettazione tra pubblico e privato" in text
    # Inline markup inside an item does not split it.
    assert "- Diffondere la cultura della misurazione dell'impatto" in text

    chunks = _chunks(doc, embedder)
    assert all("Menu Contatti" not in c.text for c in chunks)
    chunk = _chunk_with(chunks, "rafforzare le reti")
    assert chunk.section == "Economia sociale a Torino > Gli obiettivi"
    item = _chunk_with(chunks, "co-progettazione")
    assert "Favorire la co-progettazione tra pubblico e privato" in item.sentences


# --- Markdown ----------------------------------------------------------------------------------


def test_markdown_front_matter_is_metadata_not_text(tmp_path, embedder):
    path = tmp_path / "comunicato.md"
    path.write_text(
        "---\n"
        'doc_id: "comunicato-legacoop"\n'
        'title: "Presentato il Piano"\n'
        'source_type: "stampa"\n'
        'publisher: "Legacoop Piemonte"\n'
        "date: 2025-06-30\n"  # unquoted: YAML reads a date, the loader keeps it as text
        'url: "https://example.org/piano"\n'
        "---\n\n"
        "# Presentato il Piano\n\n"
        "## La conferenza stampa\n\n"
        "Il presidente ha illustrato le sei priorità dell'economia sociale.\n",
        encoding="utf-8",
    )

    doc = load_document(path)

    assert doc.meta.doc_id == "comunicato-legacoop"
    assert doc.meta.title == "Presentato il Piano"
    assert doc.meta.source_type == "stampa"
    assert doc.meta.publisher == "Legacoop Piemonte"
    assert doc.meta.date == "2025-06-30"
    assert doc.meta.url == "https://example.org/piano"
    assert "doc_id" not in doc.pages[0].text and "source_type" not in doc.pages[0].text

    [chunk] = _chunks(doc, embedder)
    assert chunk.section == "Presentato il Piano > La conferenza stampa"
    assert chunk.text == "Il presidente ha illustrato le sei priorità dell'economia sociale."
    assert chunk.metadata().url == "https://example.org/piano"


# --- plain text with a sidecar -----------------------------------------------------------------


def test_plain_text_takes_metadata_from_its_sidecar(tmp_path, embedder):
    path = tmp_path / "nota.txt"
    path.write_text(
        "Nota della Camera di commercio.\n\nLe domande si presentano entro il 30 settembre.\n",
        encoding="utf-8",
    )
    sidecar = tmp_path / "nota.txt.meta.toml"
    sidecar.write_text(
        'doc_id = "nota-cciaa"\ntitle = "Nota sui bandi"\nsource_type = "istituzionale"\n'
        'publisher = "Camera di commercio di Torino"\ndate = "2025-03-01"\n',
        encoding="utf-8",
    )

    doc = load_document(path)

    assert doc.meta.doc_id == "nota-cciaa"
    assert doc.meta.title == "Nota sui bandi"
    assert doc.meta.publisher == "Camera di commercio di Torino"
    assert doc.meta.date == "2025-03-01"
    assert "entro il 30 settembre" in doc.pages[0].text
    chunks = _chunks(doc, embedder)
    assert all(c.meta.doc_id == "nota-cciaa" and c.section == "" for c in chunks)
    assert any("Le domande si presentano entro il 30 settembre." in c.sentences for c in chunks)
    # The sidecar is metadata, not a document of its own.
    assert list(corpus_files(tmp_path)) == [path]


def test_sidecar_overrides_front_matter(tmp_path):
    path = tmp_path / "scheda.md"
    path.write_text(
        '---\ndoc_id: "scheda"\ntitle: "Titolo vecchio"\nsource_type: "stampa"\n---\n\nTesto.\n',
        encoding="utf-8",
    )
    (tmp_path / "scheda.md.meta.toml").write_text('title = "Titolo corretto"\n', encoding="utf-8")

    doc = load_document(path)

    assert doc.meta.title == "Titolo corretto"
    assert doc.meta.source_type == "stampa"


# --- what cannot be indexed --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("rotto.pdf", b"%PDF-1.4\n\x00\x9f\x13 non e' un pdf \xff\xfe" * 20, "corrotto"),
        ("vuoto.md", b"  \n\n", "vuoto"),
        ("dati.xyz", b"Testo in un formato sconosciuto.", "formato non supportato"),
        ("blog.md", b'---\ntitle: "Un blog"\nsource_type: "blog"\n---\n\nTesto.', "source_type"),
        ("Nome Con Spazi!.md", b'---\ndoc_id: "Non Valido"\n---\n\nTesto.', "doc_id"),
    ],
)
def test_unreadable_files_raise_with_an_italian_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(UnreadableDocument, match=reason):
        load_document(path)


def test_bad_sidecar_toml_is_reported(tmp_path):
    path = tmp_path / "nota.txt"
    path.write_text("Testo della nota.", encoding="utf-8")
    (tmp_path / "nota.txt.meta.toml").write_text('title = "senza virgolette finali\n')

    with pytest.raises(UnreadableDocument, match="nota.txt.meta.toml"):
        load_document(path)


def test_front_matter_after_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "con-bom.md"
    text = (
        '---\ndoc_id: "piano-con-bom"\ntitle: "Il Piano"\nsource_type: "piano"\n---\n\n'
        "# Il Piano\n\nIl Piano prevede misure per i giovani.\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    doc = load_document(path)

    assert doc.meta.doc_id == "piano-con-bom" and doc.meta.source_type == "piano"
    assert "doc_id" not in doc.pages[0].text


HOSTILE = """---
doc_id: "nota-ostile"
title: "Nota <b>ostile</b>"
source_type: "istituzionale"
publisher: "<script>alert(1)</script>Ente"
url: "javascript:alert(document.cookie)"
---

# Nota

Il Piano prevede uno sportello <img src=x onerror="alert(1)"> per le cooperative.
Leggi [il bando](javascript:alert(1)) o [la pagina](https://www.example.org/bando) e
![immagine](data:image/svg+xml;base64,PHN2Zz4=) <a href="javascript:void(0)">qui</a>.
<script>fetch('/api/feedback')</script><!-- nascosto --> <javascript:alert(2)>
"""


def test_document_text_is_plain_and_links_only_to_web_pages(tmp_path):
    path = tmp_path / "ostile.md"
    path.write_text(HOSTILE, encoding="utf-8")

    doc = load_document(path)
    text = doc.pages[0].text

    assert doc.meta.url is None  # not a web page: dropped
    assert doc.meta.title == "Nota ostile" and doc.meta.publisher == "Ente"
    for bad in ("javascript:", "data:", "<img", "onerror", "<script", "fetch(", "<a ", "nascosto"):
        assert bad not in text, bad
    assert "uno sportello  per le cooperative" in text
    assert "Leggi il bando o [la pagina](https://www.example.org/bando)" in text
    assert "immagine" in text and "qui" in text


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://www.example.org/piano", True),
        ("http://www.example.org/piano", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("file:///etc/passwd", False),
        ("//evil.example/x", False),
        ("https:///senza-host", False),
    ],
)
def test_only_http_urls_are_kept_as_a_documents_url(tmp_path, url, kept):
    path = tmp_path / "link.md"
    path.write_text(
        f'---\ndoc_id: "link"\ntitle: "Link"\nsource_type: "stampa"\nurl: "{url}"\n---\n\nTesto.\n',
        encoding="utf-8",
    )
    assert (load_document(path).meta.url == url) is kept
