"""`GET /api/glossary`: the plan's terms with the everyday words people use for them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.state import assistant
from assistant.service import Assistant
from indexer.glossary import GlossaryEntry

router = APIRouter()


@router.get("/api/glossary", response_model=list[GlossaryEntry])
def glossary(
    served: Annotated[Assistant, Depends(assistant)],
    q: str | None = Query(
        None,
        max_length=200,
        description="Solo le voci che contengono queste parole (o parole simili: errori di "
        "battitura, altre desinenze), dalla più vicina.",
    ),
) -> list[GlossaryEntry]:
    """Il glossario del Piano: per ogni termine le parole di tutti i giorni con cui lo si
    chiama, una spiegazione semplice e il passaggio dei documenti da cui viene.

    Le domande con quelle parole cercano anche il termine del Piano. Con `q`, la ricerca
    tollera gli errori di battitura e ordina le voci dalla più vicina.
    """
    return served.glossary.search(q or "")
