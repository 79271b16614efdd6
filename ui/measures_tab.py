"""The "Misure per te" tab: a short profile form → the plan's measures that apply, by area, cited."""

from __future__ import annotations

from collections.abc import Callable

import gradio as gr

from assistant.citations import citation
from assistant.profiles import PROFILES, MeasureMatch
from assistant.service import Assistant
from core.limits import MAX_QUESTION_CHARS
from core.models import Citation
from indexer.stores import StoredChunk
from ui import labels
from ui.sources import esc, safe_link, section_path, source_badge


def _source_line(c: Citation) -> str:
    """Compact source card: badge, title, section and link; the quote is shown above it."""
    where = section_path(c)
    link = safe_link(c.url)
    link_html = (
        f' · <a href="{esc(link)}" target="_blank" rel="noopener noreferrer">'
        f"{labels.OPEN_SOURCE}</a>"
        if link
        else ""
    )
    return (
        f'<p class="fonte-meta">{source_badge(c.source_type)} {esc(c.title)}'
        f"{' — ' + esc(where) if where else ''}{link_html}</p>"
    )


def render_measures(matches: list[MeasureMatch], chunk_of: Callable[[str], StoredChunk]) -> str:
    """Matches grouped by area; each measure quoted with its reason, its source, and the
    consultation's integrations with theirs (all escaped)."""
    if not matches:
        return f'<div class="misure"><p>{esc(labels.MEASURES_NONE)}</p></div>'
    by_area: dict[str, list[MeasureMatch]] = {}
    for m in matches:
        by_area.setdefault(m.measure.area, []).append(m)
    parts = ['<div class="misure">']
    for area, group in by_area.items():
        parts.append(f"<section><h3>{esc(area)}</h3>")
        for m in group:
            own = citation(1, chunk_of(m.measure.chunk_id), m.score, m.measure.text)
            parts.append(
                f'<article class="misura fonte"><blockquote class="fonte-testo"><mark>'
                f"{esc(m.measure.text)}</mark></blockquote>"
                f'<p class="misura-motivo">{esc(m.reason)}</p>{_source_line(own)}'
            )
            for integration in m.measure.integrations:
                c = citation(2, chunk_of(integration.chunk_id), m.score, integration.text)
                parts.append(
                    f'<p class="misura-integrazione">{labels.MEASURES_INTEGRATION}</p>'
                    f'<blockquote class="fonte-testo"><mark>{esc(integration.text)}</mark>'
                    f"</blockquote>{_source_line(c)}"
                )
            parts.append("</article>")
        parts.append("</section>")
    return "".join(parts) + "</div>"


def build_measures_tab(get_assistant: Callable[[], Assistant | None]) -> None:
    """Builds the tab's components inside the current gr.Tab."""
    gr.HTML(f"<p>{esc(labels.MEASURES_INTRO)}</p>")
    # Radio, not Dropdown: every profile visible at once, and it wraps on a phone screen.
    profile = gr.Radio(
        choices=[(p.label, p.id) for p in PROFILES],
        value=None,
        label=labels.MEASURES_PROFILE,
        elem_id="misure-profilo",
    )
    description = gr.Textbox(
        label=labels.MEASURES_DESCRIPTION,
        elem_id="misure-descrizione",
        placeholder=labels.MEASURES_PLACEHOLDER,
        max_length=MAX_QUESTION_CHARS,
    )
    find = gr.Button(labels.MEASURES_FIND, variant="primary", elem_id="misure-cerca")
    result = gr.HTML(elem_id="misure-risultato")

    def on_find(profile_id: str | None, text: str) -> str:
        assistant = get_assistant()
        if assistant is None:
            return f"<p>{esc(labels.UNAVAILABLE)}</p>"
        if not profile_id and not text.strip():
            return f"<p>{esc(labels.MEASURES_ASK_PROFILE)}</p>"
        matches = assistant.profiles.match(profile_id or None, text.strip() or None)
        return render_measures(matches, assistant.index.chunks.__getitem__)

    find.click(on_find, [profile, description], result, api_name="misure", api_visibility="private")
    description.submit(
        on_find, [profile, description], result, api_name="misure_invio", api_visibility="private"
    )
