"""The systems compared side by side: ours, dense alone, BM25 alone, LlamaIndex's default index."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from assistant.service import Assistant
from core.models import Turn
from core.settings import Settings
from evals.gold import GoldItem
from evals.scoring import Outcome
from indexer.build import load_corpus
from indexer.stores import StoredChunk

RANK_DEPTH = 10
System = Callable[[GoldItem], Outcome]


def _shown(chunk: StoredChunk) -> str:
    """What a user sees of a passage: its heading path and its text."""
    return f"{chunk.meta.section}\n{chunk.text}"


def ours(assistant: Assistant) -> System:
    def run(item: GoldItem) -> Outcome:
        started = time.perf_counter()
        answer = assistant.ask(item.question, item.history)  # first: its embedding is not cached
        latency = (time.perf_counter() - started) * 1000
        hits = assistant.retrieve(item.question, item.history, top_k=RANK_DEPTH).hits
        return Outcome(
            item,
            [(h.chunk.meta.doc_id, _shown(h.chunk)) for h in hits],
            answer.answer,
            answer.abstained,
            [(c.doc_id, f"{c.section}\n{c.text}") for c in answer.citations],
            latency,
            answer.outcome,
        )

    return run


UNRELATED_HISTORY = [
    Turn(role="user", content="Quali comuni hanno partecipato all'elaborazione del piano?"),
    Turn(role="assistant", content="Tra gli altri il Comune di Chieri e il Comune di Ivrea."),
]


def ours_with_unrelated_history(assistant: Assistant) -> System:
    """Standalone questions sent after an unrelated turn: follow-up fusion must not hurt them."""

    def run(item: GoldItem) -> Outcome:
        history = item.history or UNRELATED_HISTORY
        hits = assistant.retrieve(item.question, history, top_k=RANK_DEPTH).hits
        return Outcome(item, [(h.chunk.meta.doc_id, _shown(h.chunk)) for h in hits])

    return run


def ours_over_http(url: str) -> System:
    """The same evaluation through a running server (`--url`): what users actually get."""
    client = httpx.Client(base_url=url.rstrip("/"), timeout=60)

    def run(item: GoldItem) -> Outcome:
        history = [t.model_dump() for t in item.history]
        search = client.post("/api/search", json={"query": item.question, "top_k": RANK_DEPTH})
        search.raise_for_status()
        started = time.perf_counter()
        r = client.post("/api/ask", json={"question": item.question, "history": history})
        latency = (time.perf_counter() - started) * 1000
        r.raise_for_status()
        a = r.json()
        # /api/search has no history: for follow-ups the ranking is the one the answer cited.
        ranking = (
            [(c["doc_id"], c["text"]) for c in a["citations"]]
            if item.followup
            else [(p["doc_id"], f"{p['section']}\n{p['text']}") for p in search.json()["results"]]
        )
        return Outcome(
            item,
            ranking,
            a["answer"],
            a["abstained"],
            [(c["doc_id"], f"{c['section']}\n{c['text']}") for c in a["citations"]],
            latency,
            a.get("outcome"),
        )

    return run


def single_retriever(assistant: Assistant, mode: str) -> System:
    """Dense or BM25 alone on the raw question, no fusion, no diversity cap, no history."""

    def run(item: GoldItem) -> Outcome:
        r = assistant.retriever
        if mode == "dense":
            ranked = r.dense(assistant.embed_query(item.question), RANK_DEPTH)
        else:
            ranked = r.bm25(item.question, RANK_DEPTH)
        chunks = [assistant.index.chunks[cid] for cid, _ in ranked]
        return Outcome(item, [(c.meta.doc_id, _shown(c)) for c in chunks])

    return run


def llamaindex_default(settings: Settings, assistant: Assistant) -> System:
    """LlamaIndex's default VectorStoreIndex (its default chunking) with the same embedder."""
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core import Settings as LlamaSettings

    from indexer.llama_embedding import LlamaIndexEmbedding

    embed_model = LlamaIndexEmbedding(assistant.embedder)
    LlamaSettings.llm = None  # never reach for a hosted LLM
    LlamaSettings.embed_model = embed_model
    docs, _ = load_corpus(settings)
    documents = [
        Document(text="\n\n".join(p.text for p in d.pages), metadata={"doc_id": d.meta.doc_id})
        for d in docs
    ]
    index = VectorStoreIndex.from_documents(documents, embed_model=embed_model)
    retriever = index.as_retriever(similarity_top_k=RANK_DEPTH)

    def run(item: GoldItem) -> Outcome:
        nodes = retriever.retrieve(item.question)
        return Outcome(item, [(n.node.metadata["doc_id"], n.node.get_content()) for n in nodes])

    return run
