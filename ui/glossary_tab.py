"""The "Glossario" tab: the plan's terms with the everyday words people use for them, a plain
explanation and the passage each comes from (escaped HTML only)."""

from __future__ import annotations

from collections.abc import Callable

import gradio as gr

from assistant.service import Assistant
from core.italian import fold
from indexer.glossary import GlossaryEntry
from ui import labels
from ui.chat import clean_text
from ui.sources import esc

MAX_SEARCH_CHARS = 200


def matching(entries: list[GlossaryEntry], text: str) -> list[GlossaryEntry]:
    """The entries whose term, wordings or explanation hold every word of `text`."""
    wanted = fold(text).split()
    return [
        e
        for e in entries
        if all(
            w in fold(" ".join([e.term, *e.aliases, *e.everyday, *e.english, e.explanation]))
            for w in wanted
        )
    ]


def render_glossary(entries: list[GlossaryEntry], titles: dict[str, str]) -> str:
    if not entries:
        return f'<p class="glossario-vuoto">{esc(labels.GLOSSARY_NONE)}</p>'
    items = []
    for e in entries:
        also = ", ".join(esc(w) for w in [*e.aliases, *e.everyday])
        source = titles.get(e.source.doc_id, e.source.doc_id)
        items.append(
            f'<article class="glossario-voce"><h3>{esc(e.term)}</h3>'
            f"<p>{esc(e.explanation)}</p>"
            f'<p class="glossario-parole"><strong>{labels.GLOSSARY_ALSO}</strong> {also}</p>'
            f'<p class="glossario-fonte"><strong>{labels.GLOSSARY_SOURCE}</strong> '
            f"{esc(source)}: «{esc(e.source.phrase)}»</p></article>"
        )
    return f'<div class="glossario">{"".join(items)}</div>'


def build_glossary_tab(
    get_assistant: Callable[[], Assistant | None],
) -> tuple[Callable[[], str], gr.HTML]:
    """Builds the tab's components inside the current gr.Tab; returns what the page fills on
    load (every entry) and where."""
    gr.HTML(f"<p>{esc(labels.GLOSSARY_INTRO)}</p>", js_on_load=None)
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
            return f"<p>{esc(labels.UNAVAILABLE)}</p>"
        titles = {d.meta.doc_id: d.meta.title for d in assistant.manifest.documents}
        text = clean_text(text)[:MAX_SEARCH_CHARS]  # the browser's limit is not a limit
        return render_glossary(matching(assistant.glossary.entries, text), titles)

    for event, name in ((search.submit, "glossario"), (search.change, "glossario_filtro")):
        event(on_search, [search], shown, api_name=name, api_visibility="private", queue=False)
    return (lambda: on_search("")), shown
