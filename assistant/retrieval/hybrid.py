"""Hybrid retrieval: dense (Chroma) + BM25 (Italian), weighted reciprocal-rank fusion, per-document cap."""

from __future__ import annotations

from dataclasses import dataclass

import bm25s
import numpy as np

from assistant.question.analysed import Question
from core.italian import lexical_text
from core.sections import RetrievalSettings
from indexer.knowledge.sources import SourceNames
from indexer.stores import OpenIndex, StoredChunk


@dataclass
class Hit:
    chunk: StoredChunk
    score: float  # the ranker's probability (without a model: the fused score)
    dense_rank: int | None = None  # its rank in each retriever's own list (None: not in it)
    bm25_rank: int | None = None


class HybridRetriever:
    def __init__(
        self, index: OpenIndex, params: RetrievalSettings, sources: SourceNames | None = None
    ) -> None:
        self._index = index
        self.params = params
        # A question that names its source ("secondo la stampa…", a newspaper's name) gets
        # passages of that kind of document first.
        self.sources = sources or SourceNames()
        self._dense_row = {cid: row for row, cid in enumerate(index.dense_ids)}
        self._documents_of: dict[str, set[str]] = {}
        for chunk in index.chunks.values():
            self._documents_of.setdefault(chunk.meta.source_type, set()).add(chunk.meta.doc_id)

    @property
    def index(self) -> OpenIndex:
        return self._index

    def dense_score(self, chunk_id: str, query_vector: np.ndarray) -> float:
        """The cosine of a passage the dense search did not propose: exact on a small index;
        on a large one (vectors in Chroma) 0, below any candidate's."""
        vectors = self._index.dense_vectors
        if vectors is None or chunk_id not in self._dense_row:
            return 0.0
        return float(vectors[self._dense_row[chunk_id]] @ query_vector)

    def named_documents(self, question: Question) -> set[str]:
        """The documents of the kinds of source the question names."""
        named = self.sources.mentioned(question.folded)
        return {doc for kind in named for doc in self._documents_of.get(kind, ())}

    def dense(self, query_vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """(chunk_id, cosine) best first."""
        n = min(n, len(self._index.chunks))
        vectors = self._index.dense_vectors
        if vectors is not None:  # a small index: exact, and Chroma's own ranking (see stores)
            cosines = vectors @ query_vector.astype(np.float32)
            best = np.argsort(-cosines, kind="stable")[:n]
            return [(self._index.dense_ids[i], float(cosines[i])) for i in best]
        res = self._index.collection.query(
            query_embeddings=[query_vector.tolist()], n_results=n, include=["distances"]
        )
        distances = res["distances"]
        assert distances is not None, "asked for in include="
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], distances[0])]

    def bm25(self, query: str, n: int) -> list[tuple[str, float]]:
        """(chunk_id, bm25 score) best first; empty when no query term is in the index."""
        text = lexical_text(query, self._index.acronyms)
        if not text.strip():
            return []
        # What BM25Retriever.retrieve does, minus its per-call instrumentation and the node
        # objects it builds for every hit (3/4 of its time): same tokens, same scores, same order.
        retriever = self._index.bm25
        tokens = bm25s.tokenize(
            text,
            stemmer=retriever.stemmer,
            token_pattern=retriever.token_pattern,
            show_progress=False,
        )
        found, scores = retriever.bm25.retrieve(
            tokens, k=min(n, len(self._index.chunks)), show_progress=False
        )
        corpus = retriever.corpus
        return [
            (doc["node_id"] if isinstance(doc, dict) else corpus[int(doc)]["node_id"], float(score))
            for doc, score in zip(found[0], scores[0])
            if score > 0
        ]

    def search(
        self, question: Question, query_vector: np.ndarray, top_k: int, mode: str = "hybrid"
    ) -> list[Hit]:
        """The passages for `question.lexical`, best first: fused, boosted, capped per document."""
        p = self.params
        dense = self.dense(query_vector, p.candidates) if mode in ("hybrid", "dense") else []
        lexical = self.bm25(question.lexical, p.candidates) if mode in ("hybrid", "bm25") else []
        fused: dict[str, float] = {}
        for weight, ranking in ((p.dense_weight, dense), (p.bm25_weight, lexical)):
            for rank, (cid, _) in enumerate(ranking, start=1):
                fused[cid] = fused.get(cid, 0.0) + weight / (p.rrf_k + rank)
        named = self.sources.mentioned(question.folded)
        if named:
            for cid in fused:
                if self._index.chunks[cid].meta.source_type in named:
                    fused[cid] *= 1 + p.source_boost
        ranked = sorted(fused.items(), key=lambda kv: kv[1], reverse=True)
        kept: list[str] = []
        per_doc: dict[str, int] = {}
        for cid, _ in ranked:
            doc = self._index.chunks[cid].meta.doc_id
            if per_doc.get(doc, 0) < p.max_per_doc:
                per_doc[doc] = per_doc.get(doc, 0) + 1
                kept.append(cid)
        # The cap only diversifies: when other documents run out, capped passages fill the slots.
        kept += [cid for cid, _ in ranked if cid not in kept]
        scores = dict(ranked)
        return [Hit(self._index.chunks[cid], scores[cid]) for cid in kept[:top_k]]
