"""The answer routes: ask (whole or streamed), search, the indexed documents, health."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from api.asking import Asking, asking, request_source
from api.errors import BODY_ROUTE, error_responses
from api.requests import AskRequest, SearchRequest
from api.sse import answer_sse
from api.state import Services, assistant, services
from assistant.service import Assistant
from core.models import Answer, SearchResults
from core.paths import ASK_STREAM, BUILD_HEADER
from feedback.question_log import Source
from indexer.stores import DocumentInfo

router = APIRouter()

Served = Annotated[Assistant, Depends(assistant)]
State = Annotated[Services, Depends(services)]
Ask = Annotated[Asking, Depends(asking)]
From = Annotated[Source, Depends(request_source)]


class Health(BaseModel):
    status: str
    documents: int = 0
    chunks: int = 0
    embedding_model: str | None = None
    index_built: str | None = None
    build: str | None = Field(
        None, description="L'indice servito (la build pubblicata in CURRENT quando è stato aperto)."
    )
    message: str | None = None


@router.post("/api/ask", response_model=Answer, responses=error_responses(*BODY_ROUTE, 503))
def ask(body: AskRequest, request: Request, response: Response, asker: Ask, source: From) -> Answer:
    """Risponde a una domanda in italiano citando i passaggi dei documenti.

    Ogni frase della risposta è una citazione testuale seguita dal suo marcatore [n], che
    rimanda a `citations[n-1]`. Se i documenti non ne parlano, `abstained` è true e le
    citazioni sono i passaggi più vicini. Le domande di seguito ("E per i giovani?") vanno
    inviate con i turni precedenti in `history`. Se il server usa un LLM (`mode` = "llm"), le
    frasi sono scritte dal modello e ciascuna è verificata sul passaggio che cita.

    `outcome` dice che cosa è la risposta: `answer` (le citazioni rispondono), `unsure` (i
    passaggi più vicini, che potrebbero non rispondere) o `not_covered` (i documenti non ne
    parlano). Ogni citazione porta `page_url`, il passaggio nella copia del documento servita
    da questo server, con le frasi citate evidenziate; `suggestions` propone domande vicine a
    cui i documenti rispondono.
    """
    answer = asker.answer(body, source)
    request.state.timings_ms = answer.timings_ms
    response.headers[BUILD_HEADER] = asker.served.manifest.build_id
    return answer


@router.post(
    ASK_STREAM,
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Eventi SSE: `delta`, poi `citations` e `done`.",
        },
        **error_responses(*BODY_ROUTE, 503),
    },
)
def ask_stream(body: AskRequest, asker: Ask, source: From) -> StreamingResponse:
    """Come /api/ask, ma la risposta arriva man mano (Server-Sent Events).

    Eventi: `delta` ({"text": …}) con i pezzi del testo, già verificati sulle fonti, nell'ordine;
    poi `citations` (la lista delle citazioni) e `done` (la Answer completa, come /api/ask).
    Unendo i `delta` si ottiene `done.answer`. Senza LLM la risposta estrattiva arriva riga per riga.
    """
    return StreamingResponse(
        answer_sse(asker.events(body, source)),
        media_type="text/event-stream",
        headers={
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
            BUILD_HEADER: asker.served.manifest.build_id,
        },
    )


@router.post(
    "/api/search", response_model=SearchResults, responses=error_responses(*BODY_ROUTE, 503)
)
def search(
    body: SearchRequest, request: Request, response: Response, served: Served
) -> SearchResults:
    """Cerca i passaggi più pertinenti (ricerca ibrida semantica + parole chiave)."""
    results = served.search(body.query, body.top_k)
    request.state.timings_ms = results.timings_ms
    response.headers[BUILD_HEADER] = served.manifest.build_id
    return results


@router.get("/api/documents", response_model=list[DocumentInfo], responses=error_responses(503))
def documents(served: Served) -> list[DocumentInfo]:
    """I documenti indicizzati, con i metadati e il numero di passaggi."""
    return served.manifest.documents


@router.get("/api/health", response_model=Health, responses={503: {"model": Health}})
def health(state: State) -> Any:
    """Stato del servizio: l'indice servito (`build`), i suoi documenti e passaggi, il modello
    di embedding. Con più repliche, ognuna dice quale indice sta servendo. `degraded` (200):
    l'indice pubblicato è danneggiato e si risponde dall'ultimo integro (`message` dice quale e
    perché); 503: nessun indice utilizzabile."""
    served = state.assistant
    if served is None:
        return JSONResponse(
            Health(status="unavailable", message=state.index_error).model_dump(),
            status_code=503,
        )
    m = served.manifest
    return Health(
        # Degraded: the published build is damaged; answers come from the last good one.
        status="degraded" if state.index_error else "ok",
        message=state.index_error,
        documents=len(m.documents),
        chunks=m.chunks,
        embedding_model=m.embedder_id,
        index_built=m.created,
        build=m.build_id,
    )
