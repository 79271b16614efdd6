"""The "Misure" tab: a short profile form → the plan's measures that apply, by area, cited."""

from __future__ import annotations

from collections.abc import Callable

import gradio as gr

from assistant.answer.citations import citation
from assistant.routes.profiles import MeasureMatch, Profile, ProfileMatcher
from assistant.service import Assistant
from core.limits import MAX_QUESTION_CHARS
from core.models import Citation
from indexer.stores import StoredChunk
from ui import labels
from ui.chat import clean_text
from ui.sources import document_link, esc, section_path, source_badge


def _source_line(c: Citation) -> str:
    """Compact source: badge, section and link; the document's title is given once, above."""
    where = section_path(c)
    return (
        f'<p class="fonte-meta">{source_badge(c.source_type)} {esc(where)} · '
        f"{document_link(c.url)}</p>"
    )


def _sources_heading(citations: list[Citation]) -> str:
    titles = dict.fromkeys(f"{c.title}" for c in citations)
    return (
        f'<p class="misure-fonte">{labels.MEASURES_SOURCE}: {"; ".join(esc(t) for t in titles)}</p>'
    )


def render_measures(
    matches: list[MeasureMatch],
    chunk_of: Callable[[str], StoredChunk],
    matcher: ProfileMatcher,
    description: str = "",
) -> str:
    """Matches grouped by area; each measure with its reason and source, and the consultation's
    integrations with theirs (all escaped). Nothing fits: says so, naming the role read."""
    reading = matcher.read(description) if description else None
    recognised = (
        f"<p>{esc(labels.MEASURES_RECOGNISED.format(roles=', '.join(r.label for r in reading.roles)))}</p>"
        if reading and reading.roles
        else ""
    )
    if not matches:
        text = matcher.no_measure(reading) if reading and reading.unserved else labels.MEASURES_NONE
        return f'<div class="misure">{recognised}<p class="misure-nessuna">{esc(text)}</p></div>'
    by_area: dict[str, list[MeasureMatch]] = {}
    for m in matches:
        by_area.setdefault(m.measure.area, []).append(m)
    cited: list[Citation] = []
    parts = []
    for area, group in by_area.items():
        parts.append(f"<section><h3>{esc(area)}</h3>")
        for m in group:
            own = citation(1, chunk_of(m.measure.chunk_id), m.score, m.measure.text)
            cited.append(own)
            parts.append(
                f'<article class="misura fonte"><p class="misura-testo">{esc(m.measure.text)}</p>'
                f'<p class="misura-motivo">{esc(m.reason)}</p>{_source_line(own)}'
            )
            for integration in m.measure.integrations:
                c = citation(2, chunk_of(integration.chunk_id), m.score, integration.text)
                cited.append(c)
                parts.append(
                    f'<p class="misura-integrazione">{labels.MEASURES_INTEGRATION}</p>'
                    f'<blockquote class="fonte-testo">{esc(integration.text)}</blockquote>'
                    f"{_source_line(c)}"
                )
            parts.append("</article>")
        parts.append("</section>")
    return f'<div class="misure">{recognised}{_sources_heading(cited)}{"".join(parts)}</div>'


def build_measures_tab(
    get_assistant: Callable[[], Assistant | None], profiles: list[Profile]
) -> None:
    """Builds the tab's components inside the current gr.Tab; `profiles` are the plan's."""
    gr.HTML(f"<p>{esc(labels.MEASURES_INTRO)}</p>", js_on_load=None)
    # Radio, not Dropdown: every profile visible at once, and it wraps on a phone screen.
    profile = gr.Radio(
        choices=[(p.label, p.id) for p in profiles],
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
    result = gr.HTML(elem_id="misure-risultato", js_on_load=None)

    def on_find(profile_id: str | None, text: str | None) -> str:
        assistant = get_assistant()
        if assistant is None:
            return f"<p>{esc(labels.UNAVAILABLE)}</p>"
        # The browser's limit is not a limit: the server cuts and cleans again.
        text = clean_text(text)[:MAX_QUESTION_CHARS]
        if assistant.profiles.plan.profile(profile_id) is None:
            profile_id = None
        if not profile_id and not text:
            return f"<p>{esc(labels.MEASURES_ASK_PROFILE)}</p>"
        matches = assistant.profiles.match(profile_id, text or None)
        return render_measures(
            matches, assistant.index.chunks.__getitem__, assistant.profiles, text
        )

    for event, name in ((find.click, "misure"), (description.submit, "misure_invio")):
        event(
            on_find,
            [profile, description],
            result,
            api_name=name,
            api_visibility="private",
            queue=False,
        )
