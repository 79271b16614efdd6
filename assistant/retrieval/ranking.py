"""The passage ranking: candidates from both retrievers, ordered by a fitted model.

Dense search and BM25 each propose their best passages; a logistic model over what
`retrieval.features` measures orders the union (fitted on questions generated from the indexed
documents and on dev, see `assistant.learning`). Without a model the order is the weighted
reciprocal-rank fusion of the two rankings, as before the model existed.
"""

from __future__ import annotations

import numpy as np

from assistant.question.analysed import Question
from assistant.retrieval.features import PASSAGE_FEATURES, Candidate, PassageFeatures
from assistant.retrieval.hybrid import Hit, HybridRetriever
from core.linear import LinearModel


class PassageRanker:
    def __init__(
        self,
        retriever: HybridRetriever,
        features: PassageFeatures,
        model: LinearModel | None,
    ) -> None:
        if model is not None:
            model.check(PASSAGE_FEATURES)
        self.retriever = retriever
        self.features = features
        self.model = model

    def candidates(self, question: Question, vector: np.ndarray, mode: str) -> list[Candidate]:
        """The union of both retrievers' candidates, each with its score and rank in each."""
        n = self.retriever.params.candidates
        index = self.retriever.index
        dense = self.retriever.dense(vector, n) if mode in ("hybrid", "dense") else []
        lexical = self.retriever.bm25(question.lexical, n) if mode in ("hybrid", "bm25") else []
        dense_at = {cid: (rank, score) for rank, (cid, score) in enumerate(dense)}
        bm25_at = {cid: (rank, score) for rank, (cid, score) in enumerate(lexical)}
        out = []
        for cid in dict.fromkeys([c for c, _ in dense] + [c for c, _ in lexical]):
            chunk = index.chunks[cid]
            d_rank, d_score = dense_at.get(cid, (None, None))
            b_rank, b_score = bm25_at.get(cid, (None, 0.0))
            if d_score is None:
                d_score = self.retriever.dense_score(cid, vector)
            out.append(Candidate(chunk, float(d_score), d_rank, float(b_score), b_rank))
        return out

    def rank(
        self, question: Question, vector: np.ndarray, top_k: int, mode: str = "hybrid"
    ) -> list[Hit]:
        """The best `top_k` passages, best first; `Hit.score` is the model's probability that
        the passage holds the answer (the fused score without a model)."""
        if self.model is None:
            return self.retriever.search(question, vector, top_k, mode)
        candidates = self.candidates(question, vector, mode)
        named = self.retriever.named_documents(question)
        rows = self.features.rows(question, vector, candidates, named)
        probabilities = self.model.probabilities(rows)
        order = np.argsort(-probabilities, kind="stable")
        return [
            Hit(c.chunk, float(probabilities[i]), c.dense_rank, c.bm25_rank)
            for i in order[:top_k]
            for c in [candidates[i]]
        ]
