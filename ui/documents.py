"""The "Documenti" view: what is indexed, with source type, date and link (escaped HTML)."""

from __future__ import annotations

from urllib.parse import urlparse

from indexer.stores import IndexManifest
from ui import labels
from ui.sources import document_link, esc, italian_date, safe_link, source_badge


def render_documents(manifest: IndexManifest | None) -> str:
    if manifest is None:
        return f'<div class="documenti"><p>{esc(labels.UNAVAILABLE)}</p></div>'
    built = labels.DOCUMENTS_BUILT.format(
        when=esc(italian_date(manifest.created[:10])),
        docs=len(manifest.documents),
        chunks=manifest.chunks,
    )
    head = "".join(f'<th scope="col">{name}</th>' for name in labels.DOCUMENTS_COLUMNS)
    rows = []
    for doc in sorted(manifest.documents, key=lambda d: (d.meta.date, d.meta.title), reverse=True):
        meta = doc.meta
        link = safe_link(meta.url)
        link_html = document_link(link, _host(link) if link else "")
        cells = (
            f'<th scope="row" data-col="{labels.DOCUMENTS_COLUMNS[0]}">{esc(meta.title)}</th>',
            f'<td data-col="{labels.DOCUMENTS_COLUMNS[1]}">{source_badge(meta.source_type)}</td>',
            f'<td data-col="{labels.DOCUMENTS_COLUMNS[2]}">{esc(meta.publisher)}</td>',
            f'<td data-col="{labels.DOCUMENTS_COLUMNS[3]}">{esc(italian_date(meta.date))}</td>',
            f'<td data-col="{labels.DOCUMENTS_COLUMNS[4]}">{doc.chunks}</td>',
            f'<td data-col="{labels.DOCUMENTS_COLUMNS[5]}">{link_html}</td>',
        )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="documenti"><h2>{labels.DOCUMENTS_TITLE}</h2><p>{labels.DOCUMENTS_INTRO}</p>'
        f'<p class="documenti-indice">{built}</p>'
        f'<table class="documenti-tabella"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _host(url: str) -> str:
    return urlparse(url).netloc.removeprefix("www.") or url
