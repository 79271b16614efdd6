"""HTTP routes for the measures catalogue: list by area, and match a profile or a description."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.errors import error_responses
from api.requests import FilledText
from api.state import assistant
from assistant.answer.citations import citation
from assistant.routes.profiles import MeasureMatch, Profile
from assistant.service import Assistant
from core.limits import MAX_QUESTION_CHARS
from core.models import Citation
from indexer.catalogue import Measure


class MeasuresByArea(BaseModel):
    area: str
    measures: list[Measure]


class MatchRequest(BaseModel):
    # The schema states the one-of rule too, so that clients (and fuzzers) know it.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {
                    "required": ["profile"],
                    "properties": {"profile": {"type": "string", "minLength": 1}},
                },
                {"required": ["description"], "properties": {"description": {"type": "string"}}},
            ]
        }
    )

    profile: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="Id di un profilo (vedi `profiles` in GET /api/measures).",
    )
    description: FilledText | None = Field(
        None,
        max_length=MAX_QUESTION_CHARS,
        description="Descrizione libera, es. «Ho 26 anni e vorrei fondare una cooperativa sociale».",
    )

    @model_validator(mode="after")
    def _one_of(self) -> MatchRequest:
        if not self.profile and not (self.description or "").strip():
            raise ValueError("indica un profilo o una descrizione")
        return self


class RankedMeasure(MeasureMatch):
    citations: list[Citation]


class MeasuresOverview(BaseModel):
    profiles: list[Profile]
    areas: list[MeasuresByArea]


router = APIRouter()
Served = Annotated[Assistant, Depends(assistant)]


@router.get("/api/measures", response_model=MeasuresOverview)
def measures(served: Served) -> MeasuresOverview:
    """Le misure del Piano (obiettivi e azioni) per area prioritaria, con le integrazioni
    della consultazione collegate, e i profili disponibili per il confronto."""
    catalogue = served.profiles.catalogue
    return MeasuresOverview(
        profiles=served.profiles.profiles,
        areas=[
            MeasuresByArea(area=a, measures=[m for m in catalogue.measures if m.area == a])
            for a in catalogue.areas
        ],
    )


@router.post(
    "/api/measures/match", response_model=list[RankedMeasure], responses=error_responses(404)
)
def match(body: MatchRequest, served: Served) -> list[RankedMeasure]:
    """Le misure che riguardano un profilo o una descrizione libera, dalla più pertinente,
    ciascuna con il motivo e le citazioni (la misura e le integrazioni della consultazione)."""
    if body.profile and served.profiles.plan.profile(body.profile) is None:
        known = ", ".join(p.id for p in served.profiles.profiles) or "nessuno"
        raise HTTPException(404, f"Profilo sconosciuto {body.profile!r}: i profili sono {known}.")
    out = []
    for m in served.profiles.match(body.profile, body.description):
        chunk_ids = [m.measure.chunk_id] + [i.chunk_id for i in m.measure.integrations]
        citations = [
            citation(n, served.index.chunks[cid], m.score)
            for n, cid in enumerate(dict.fromkeys(chunk_ids), start=1)
        ]
        out.append(RankedMeasure(**m.model_dump(), citations=citations))
    return out
