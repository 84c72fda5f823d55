"""Is a goods description consistent with its declared HS code?

Each HS 2022 heading (4 digits) is described by the words of its own text and of its
subheadings. A description's words are weighed by inverse heading frequency (a word found
under few headings says more); the share of that weight a heading explains is its
*coverage*. The description is inconsistent when another chapter explains it well
(coverage >= ``min_best``) and the declared heading explains less than ``ratio`` of that.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from tripline.cargo.reference import ReferenceData

_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    (
        "and",
        "or",
        "of",
        "the",
        "for",
        "with",
        "without",
        "other",
        "than",
        "not",
        "nec",
        "n.e.c",
        "in",
        "its",
        "their",
        "thereof",
        "whether",
        "including",
        "excluding",
        "heading",
        "headings",
        "subheading",
        "item",
        "items",
        "no",
        "parts",
        "accessories",
        "used",
        "use",
        "kind",
        "kinds",
        "type",
        "types",
        "similar",
        "articles",
        "article",
        "made",
        "from",
        "being",
        "such",
        "this",
        "these",
        "those",
        "all",
        "any",
        "more",
        "less",
        "per",
        "each",
        "new",
    )
)


def words(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(text.lower()):
        if len(w) < 3 or w in _STOP:
            continue
        if w.endswith("ies") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith("es") and len(w) > 4 and w[-3] in "sxz":
            w = w[:-2]
        elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
            w = w[:-1]
        out.append(w)
    return out


@dataclass(frozen=True)
class Consistency:
    consistent: bool
    declared_heading: str
    declared_coverage: float
    best_heading: str
    best_coverage: float
    best_description: str

    def explain(self) -> str:
        return (
            f"description fits HS {self.best_heading} ({self.best_description[:60]}) "
            f"better than declared HS {self.declared_heading} "
            f"(coverage {self.best_coverage:.2f} vs {self.declared_coverage:.2f})"
        )


class HsConsistency:
    """Built once from the HS nomenclature; :meth:`check` is cached per (description, heading)."""

    def __init__(self, ref: ReferenceData, *, min_best: float = 0.35, ratio: float = 0.25) -> None:
        self.min_best = min_best
        self.ratio = ratio
        vocab: dict[str, set[str]] = defaultdict(set)
        self.titles: dict[str, str] = {}
        for code, entry in ref.hs.items():
            if len(code) < 4:
                continue
            heading = code[:4]
            if len(code) == 4:
                self.titles[heading] = entry.description
            vocab[heading].update(words(entry.description))
        self.vocab = {h: frozenset(ws) for h, ws in vocab.items()}
        index: dict[str, set[str]] = defaultdict(set)
        for heading, ws in self.vocab.items():
            for w in ws:
                index[w].add(heading)
        n = len(self.vocab)
        self.index = {w: frozenset(hs) for w, hs in index.items()}
        self.idf = {w: math.log(n / len(hs)) for w, hs in index.items()}
        self._cache: dict[tuple[str, str], Consistency] = {}

    def check(self, description: str, hs_code: str) -> Consistency:
        heading = hs_code[:4]
        key = (description, heading)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._check(description, heading)
            if len(self._cache) < 200_000:
                self._cache[key] = hit
        return hit

    def _check(self, description: str, heading: str) -> Consistency:
        ws = set(words(description))
        known = [w for w in ws if w in self.idf]
        total = sum(self.idf[w] for w in known)
        if total <= 0:
            return Consistency(True, heading, 0.0, heading, 0.0, self.titles.get(heading, ""))
        scores: dict[str, float] = defaultdict(float)
        for w in known:
            for h in self.index[w]:
                scores[h] += self.idf[w]
        declared = scores.get(heading, 0.0) / total
        best_heading, best_raw = max(scores.items(), key=lambda kv: (kv[1], kv[0] == heading, kv[0]))
        best = best_raw / total
        consistent = not (best >= self.min_best and best_heading[:2] != heading[:2] and declared < self.ratio * best)
        return Consistency(consistent, heading, declared, best_heading, best, self.titles.get(best_heading, ""))
