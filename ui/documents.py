"""The "Documenti" view: what is indexed, each with its copy to read here and its original."""

from __future__ import annotations

from core.passages import document_page
from indexer.stores import IndexManifest
from ui.render import render


def render_documents(manifest: IndexManifest | None) -> str:
    documents = (
        sorted(manifest.documents, key=lambda d: (d.meta.date, d.meta.title), reverse=True)
        if manifest is not None
        else []
    )
    return render("documents.html", manifest=manifest, documents=documents, page_of=document_page)
