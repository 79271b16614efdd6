"""The plan's measures as a catalogue, extracted at indexing time from the documents themselves.

A measure is a list item of a `piano` document; its priority area is the heading it sits under.
An accepted integration is a nested list item of a `consultazione` document (the proposals the
consultation added); it is linked to the area it changed — by the objective it quotes when it
quotes one, else by embedding similarity to the area's objectives. Who a measure is for is read
from its words (and those of its area and integrations) with the plan's target patterns
(`profiles.toml` beside the corpus: `indexer.knowledge.profiles`); without them, for nobody.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel

from core.italian import fold
from core.limits import LIST_MARKER, SECTION_SEPARATOR
from indexer.knowledge.profiles import PlanProfiles

if TYPE_CHECKING:  # the catalogue is extracted when a build is written, read by the server
    from indexer.chunking import Chunk

# Bump when extraction changes: it is part of the build fingerprint, so the next build redoes it.
CATALOGUE_VERSION = 3

_ITEM = re.compile(rf"^(?P<indent>\s*){LIST_MARKER}\s+(?P<text>.+)$")
_QUOTED = re.compile(r"[\"“«](?P<q>[^\"”»]{20,})[\"”»]")


class Integration(BaseModel):
    """A change the consultation brought, linked to the area it changed."""

    text: str
    chunk_id: str
    doc_id: str
    area: str
    linked_by: str  # "quoted objective" or "similarity"


class Measure(BaseModel):
    measure_id: str
    area: str
    text: str
    action: str  # the verb that says what it offers: "Favorire", "Promuovere"…
    targets: list[str]
    responsible: str | None = None  # only when a document names one
    chunk_id: str
    doc_id: str
    integrations: list[Integration] = []


class Catalogue(BaseModel):
    areas: list[str]
    measures: list[Measure]


def _items(chunk: Chunk, nested: bool) -> list[str]:
    out = []
    for line in chunk.text.splitlines():
        m = _ITEM.match(line)
        if m and bool(m["indent"]) == nested:
            out.append(m["text"].strip())
    return out


def _responsible(text: str) -> str | None:
    m = re.search(r"\b(?:a cura di|responsabil\w* (?:è|sono)|in capo a)\s+([^.;]+)", text)
    return m.group(1).strip() if m else None


def extract_catalogue(
    chunks: list[Chunk], vector_of: dict[str, np.ndarray], plan: PlanProfiles
) -> Catalogue:
    """`vector_of` maps a sentence to its passage embedding (list items are sentences); `plan`
    says whom a measure's words speak to."""
    measures: list[Measure] = []
    for chunk in chunks:
        if chunk.meta.source_type != "piano" or SECTION_SEPARATOR not in chunk.section:
            continue
        area = chunk.section.split(SECTION_SEPARATOR)[-1]
        for text in _items(chunk, nested=False):
            digest = hashlib.sha1(f"{area}\n{text}".encode()).hexdigest()[:10]
            measures.append(
                Measure(
                    measure_id=f"{chunk.meta.doc_id}:{digest}",
                    area=area,
                    text=text,
                    action=text.split()[0].strip(",;:"),
                    targets=plan.targets_of(f"{area} {text}"),
                    responsible=_responsible(text),
                    chunk_id=chunk.chunk_id,
                    doc_id=chunk.meta.doc_id,
                )
            )
    areas = list(dict.fromkeys(m.area for m in measures))
    if not measures:
        return Catalogue(areas=[], measures=[])

    for chunk in chunks:
        if chunk.meta.source_type != "consultazione":
            continue
        for text in _items(chunk, nested=True):
            target = _quoted_measure(text, measures) or _nearest_measure(text, measures, vector_of)
            if target is None:
                continue
            measure, how = target
            measure.integrations.append(
                Integration(
                    text=text,
                    chunk_id=chunk.chunk_id,
                    doc_id=chunk.meta.doc_id,
                    area=measure.area,
                    linked_by=how,
                )
            )
            measure.targets = list(dict.fromkeys(measure.targets + plan.targets_of(text)))
    return Catalogue(areas=areas, measures=measures)


def _quoted_measure(text: str, measures: list[Measure]) -> tuple[Measure, str] | None:
    for m in _QUOTED.finditer(text):
        quoted = fold(m["q"]).strip()
        for measure in measures:
            if quoted in fold(measure.text):
                return measure, "quoted objective"
    return None


def _nearest_measure(
    text: str, measures: list[Measure], vector_of: dict[str, np.ndarray]
) -> tuple[Measure, str] | None:
    """The area whose objectives are closest on average, then its closest objective."""
    vector = vector_of.get(text)
    known = [m for m in measures if m.text in vector_of]
    if vector is None or not known:
        return None
    by_area: dict[str, list[Measure]] = {}
    for m in known:
        by_area.setdefault(m.area, []).append(m)
    centroid = {a: np.mean([vector_of[m.text] for m in ms], axis=0) for a, ms in by_area.items()}
    area = max(centroid, key=lambda a: float(vector @ centroid[a]))
    best = max(by_area[area], key=lambda m: float(vector @ vector_of[m.text]))
    return best, "similarity"


def load_catalogue(build_dir) -> Catalogue:  # type: ignore[no-untyped-def]
    """The catalogue of a build; empty for builds made before measures were extracted."""
    path = build_dir / "measures.json"
    if not path.exists():
        return Catalogue(areas=[], measures=[])
    return Catalogue.model_validate_json(path.read_text(encoding="utf-8"))
