"""Okapi BM25 over token lists: the default lexical ranker (no external service, ~1 ms a query)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence


class BM25:
    """An inverted index of documents (token lists) scored with Okapi BM25.

    ``idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))`` (always positive), and
    ``score(d, q) = Σ_t idf(t) · tf·(k1+1) / (tf + k1·(1 - b + b·|d|/avgdl))``.
    """

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.n = len(docs)
        self.lengths = [len(d) for d in docs]
        self.avgdl = (sum(self.lengths) / self.n) if self.n else 0.0
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                postings[term].append((i, tf))
        self.postings = dict(postings)
        self._idf = {t: math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def __contains__(self, term: str) -> bool:
        return term in self.postings

    def scores(self, query: Iterable[str], weights: dict[str, float] | None = None) -> dict[int, float]:
        """Scores of the documents that share at least one term with the query (each term once)."""
        out: dict[int, float] = defaultdict(float)
        k1, b, avgdl = self.k1, self.b, self.avgdl or 1.0
        for term in set(query):
            posting = self.postings.get(term)
            if not posting:
                continue
            w = self._idf[term] * (weights.get(term, 1.0) if weights else 1.0)
            for doc, tf in posting:
                norm = k1 * (1 - b + b * self.lengths[doc] / avgdl)
                out[doc] += w * tf * (k1 + 1) / (tf + norm)
        return dict(out)

    def ceiling(self, query: Iterable[str], weights: dict[str, float] | None = None) -> float:
        """An upper bound of any document's score for this query (for a 0..1 normalisation)."""
        return sum(self._idf.get(t, 0.0) * (weights.get(t, 1.0) if weights else 1.0) for t in set(query)) * (
            self.k1 + 1
        )
