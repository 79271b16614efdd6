"""The "Misure" tab: a short profile form → the plan's measures that apply, by area, cited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr

from assistant.answer.citations import citation
from assistant.routes.profiles import MeasureMatch, Profile, ProfileMatcher
from assistant.service import Assistant
from core.limits import MAX_QUESTION_CHARS, without_controls
from core.models import Citation
from core.sources import source_line
from indexer.stores import StoredChunk
from ui import labels
from ui.render import render


@dataclass
class Cited:
    """A text of the plan shown with its source (the measure, or an integration of it)."""

    text: str
    citation: Citation


@dataclass
class ShownMeasure:
    text: str
    reason: str
    citation: Citation
    integrations: list[Cited]


def render_measures(
    matches: list[MeasureMatch],
    chunk_of: Callable[[str], StoredChunk],
    matcher: ProfileMatcher,
    description: str = "",
) -> str:
    """Matches grouped by area; each measure with its reason and source, and the consultation's
    integrations with theirs. Nothing fits: says so, naming the role read."""
    reading = matcher.read(description) if description else None
    nothing = labels.MEASURES_NONE
    if reading and reading.unserved:
        nothing = matcher.no_measure(reading)
    areas: dict[str, list[ShownMeasure]] = {}
    for m in matches:
        own = citation(1, chunk_of(m.measure.chunk_id), m.score, m.measure.text)
        integrations = [
            Cited(i.text, citation(2, chunk_of(i.chunk_id), m.score, i.text))
            for i in m.measure.integrations
        ]
        shown = ShownMeasure(m.measure.text, m.reason, own, integrations)
        areas.setdefault(m.measure.area, []).append(shown)
    roles = ", ".join(r.label for r in reading.roles) if reading else ""
    return render(
        "measures.html",
        unavailable=False,
        asked_nothing=False,
        roles=roles,
        areas=areas,
        nothing=nothing,
        source_line=source_line,
    )


def build_measures_tab(
    get_assistant: Callable[[], Assistant | None], profiles: list[Profile]
) -> None:
    """Builds the tab's components inside the current gr.Tab; `profiles` are the plan's."""
    gr.HTML(render("intro.html", text=labels.MEASURES_INTRO), js_on_load=None)
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
            return render("measures.html", unavailable=True)
        # The browser's limit is not a limit: the server cuts and cleans again.
        text = without_controls(text)[:MAX_QUESTION_CHARS]
        if assistant.profiles.plan.profile(profile_id) is None:
            profile_id = None
        if not profile_id and not text:
            return render("measures.html", unavailable=False, asked_nothing=True)
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
