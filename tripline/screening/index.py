"""Candidate retrieval: an inverted index from blocking keys to list names.

Each name gives several kinds of keys, so that a variant that changes one kind still shares
another: the token (``t``), its romanised form (``r``), its consonant skeleton (``s``), the
one-deletion neighbourhood of the romanised form (``d``: any one typo on either side meets
in a shared variant), adjacent tokens joined (``t``/``r``: "Fang Wei" / "Fangwei"), known
abbreviations expanded, and acronyms (``a``).

A query visits its keys rarest first. Keys held by more than ``max_df`` names are skipped
once a rarer key has been visited (a common token such as "trading" cannot make a match on
its own, so skipping it loses no true match); the rarest key is always visited. Names are
ranked by the summed inverse document frequency of the keys they share with the query, and
the best ``limit`` go on to the scorer.
"""

from __future__ import annotations

import heapq
import itertools
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable
from operator import itemgetter

from tripline.screening.normalize import NameForm, Normaliser

MIN_DELETION_LENGTH = 4


def deletions(text: str) -> set[str]:
    """All strings made by deleting one character."""
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def name_keys(form: NameForm, normaliser: Normaliser) -> set[str]:
    """The blocking keys of one name."""
    keys: set[str] = set()
    tokens = form.tokens
    abbreviations = normaliser.vocabulary.abbreviations
    for tok in tokens:
        keys.add("t" + tok.text)
        keys.add("r" + tok.rom)
        if len(tok.skeleton) >= 3:
            keys.add("s" + tok.skeleton)
        if len(tok.rom) >= MIN_DELETION_LENGTH and tok.text.isalpha():
            keys.add("d" + tok.rom)
            keys.update("d" + v for v in deletions(tok.rom))
        for full in abbreviations.get(tok.text, ()):
            keys.add("t" + full)
    for a, b in itertools.pairwise(tokens):
        joined = a.text + b.text
        keys.add("t" + joined)
        keys.add("r" + normaliser.romanise(joined))
    keys.update("a" + acronym for acronym in form.acronyms)
    if len(tokens) == 1 and 3 <= len(tokens[0].text) <= 10 and tokens[0].text.isalpha():
        keys.add("a" + tokens[0].text)
    return keys


class NameIndex:
    """Inverted index over name numbers (positions in the screener's name table)."""

    def __init__(self, max_df_share: float = 0.02, min_max_df: int = 500) -> None:
        self._building: defaultdict[str, list[int]] | None = defaultdict(list)
        self.postings: dict[str, array[int]] = {}
        self.size = 0
        self.max_df_share = max_df_share
        self.min_max_df = min_max_df
        self.max_df = min_max_df

    def add(self, name_no: int, keys: Iterable[str]) -> None:
        assert self._building is not None, "index already frozen"
        for key in keys:
            self._building[key].append(name_no)
        self.size = max(self.size, name_no + 1)

    def freeze(self) -> None:
        """Compact the postings (arrays of 32-bit ints); no more adds after this."""
        if self._building is None:
            return
        self.postings = {key: array("i", names) for key, names in self._building.items()}
        self._building = None
        self.max_df = max(self.min_max_df, int(self.size * self.max_df_share))

    def candidates(self, keys: Iterable[str], limit: int) -> list[int]:
        """The `limit` names sharing the most (rarest) keys with the query, best first."""
        found = [(len(p), p) for key in keys if (p := self.postings.get(key)) is not None]
        if not found:
            return []
        found.sort(key=itemgetter(0))
        total = max(self.size, 1)
        scores: dict[int, float] = {}
        get = scores.get
        for n, (df, plist) in enumerate(found):
            if n > 0 and df > self.max_df:
                break
            weight = math.log((total + 1) / df)
            for name_no in plist:
                scores[name_no] = get(name_no, 0.0) + weight
        if len(scores) <= limit:
            return sorted(scores, key=scores.__getitem__, reverse=True)
        return [name_no for name_no, _ in heapq.nlargest(limit, scores.items(), key=itemgetter(1))]

    def memory_estimate(self) -> int:
        """Approximate bytes held by the postings (keys and arrays)."""
        import sys

        return sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in self.postings.items()) + sys.getsizeof(self.postings)
