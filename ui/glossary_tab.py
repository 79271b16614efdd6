"""The "Glossario" tab: the plan's terms with the everyday words people use for them, a plain
explanation and the passage each comes from; the search tolerates typos and ranks the entries
(`Glossary.search`, the same as GET /api/glossary?q=)."""

from __future__ import annotations

from collections.abc import Callable

import gradio as gr

from assistant.service import Assistant
from core.limits import without_controls
from core.passages import document_page
from indexer.glossary import GlossaryEntry
from ui import labels
from ui.render import render

MAX_SEARCH_CHARS = 200


def render_glossary(
    entries: list[GlossaryEntry], titles: dict[str, str], searched: bool = False
) -> str:
    return render(
        "glossary.html",
        unavailable=False,
        entries=entries,
        titles=titles,
        searched=searched,
        page_of=document_page,
    )


def build_glossary_tab(
    get_assistant: Callable[[], Assistant | None],
) -> tuple[Callable[[], str], gr.HTML]:
    """Builds the tab's components inside the current gr.Tab; returns what the page fills on
    load (every entry) and where."""
    gr.HTML(render("intro.html", text=labels.GLOSSARY_INTRO), js_on_load=None)
    search = gr.Textbox(
        label=labels.GLOSSARY_SEARCH,
        placeholder=labels.GLOSSARY_PLACEHOLDER,
        elem_id="glossario-cerca",
        max_length=MAX_SEARCH_CHARS,
    )
    shown = gr.HTML(elem_id="glossario-voci", js_on_load=None)

    def on_search(text: str | None) -> str:
        assistant = get_assistant()
        if assistant is None:
            return render("glossary.html", unavailable=True)
        titles = {d.meta.doc_id: d.meta.title for d in assistant.manifest.documents}
        text = without_controls(text)[:MAX_SEARCH_CHARS]  # the browser's limit is not a limit
        return render_glossary(assistant.glossary.search(text), titles, searched=bool(text))

    for event, name in ((search.submit, "glossario"), (search.change, "glossario_filtro")):
        event(on_search, [search], shown, api_name=name, api_visibility="private", queue=False)
    return (lambda: on_search("")), shown
