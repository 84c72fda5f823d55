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

import itertools
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

import numpy as np

from tripline.screening.normalize import NameForm, Normaliser

MIN_DELETION_LENGTH = 4
COMMON_KEY_SHARE = 0.1  # keys held by more names than this share are ignored altogether


def deletions(text: str) -> set[str]:
    """All strings made by deleting one character."""
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def key_groups(form: NameForm, normaliser: Normaliser, *, query: bool = False) -> list[set[str]]:
    """The blocking keys of one name, one group per token (and per joined pair, acronym).

    A name is ranked by the best key it shares in each group, so a token that matches
    exactly (and so shares all its deletion variants) counts once, not ten times. A query
    skips the keys of its generic words when it has a distinctive one: generic words cannot
    make a match on their own, so they only crowd the ranking.
    """
    groups: list[set[str]] = []
    tokens = form.tokens
    abbreviations = normaliser.vocabulary.abbreviations
    skip_generic = query and any(not t.generic for t in tokens)
    for tok in tokens:
        if skip_generic and tok.generic:
            continue
        keys = {"t" + tok.text, "r" + tok.rom}
        if len(tok.skeleton) >= 3:
            keys.add("s" + tok.skeleton)
        if len(tok.rom) >= MIN_DELETION_LENGTH and tok.text.isalpha():
            keys.add("d" + tok.rom)
            keys.update("d" + v for v in deletions(tok.rom))
        keys.update("t" + full for full in abbreviations.get(tok.text, ()))
        groups.append(keys)
    for a, b in itertools.pairwise(tokens):
        joined = a.text + b.text
        groups.append({"t" + joined, "r" + normaliser.romanise(joined)})
    acronyms = {"a" + acronym for acronym in form.acronyms}
    distinctive = [t for t in tokens if not t.generic]
    if len(distinctive) == 1 and 3 <= len(distinctive[0].text) <= 10 and distinctive[0].text.isalpha():
        acronyms.add("a" + distinctive[0].text)
    if acronyms:
        groups.append(acronyms)
    return groups


def name_keys(form: NameForm, normaliser: Normaliser) -> set[str]:
    """All blocking keys of one list name."""
    keys: set[str] = set()
    for group in key_groups(form, normaliser):
        keys |= group
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

    def candidates(self, groups: Iterable[set[str]], limit: int) -> list[int]:
        """The `limit` names that share the best keys with the query, best first.

        Each name scores, per key group, the inverse document frequency of the best key it
        shares. Rare keys (held by at most ``max_df`` names; a group's rarest key always
        counts as rare) decide which names are candidates; common keys only add weight, so
        "Mohammad Baseri" ranks the Baseri who is also a Mohammad first.
        """
        total = max(self.size, 1)
        ceiling = max(self.max_df, int(total * COMMON_KEY_SHARE))
        group_ids: list[np.ndarray[Any, np.dtype[np.int32]]] = []
        group_weights: list[np.ndarray[Any, np.dtype[np.float64]]] = []
        rare: list[np.ndarray[Any, np.dtype[np.int32]]] = []
        rarest: tuple[int, np.ndarray[Any, np.dtype[np.int32]]] | None = None
        for group in groups:
            found = sorted(
                ((len(p), p) for key in group if (p := self.postings.get(key)) is not None), key=itemgetter(0)
            )
            ids: list[np.ndarray[Any, np.dtype[np.int32]]] = []
            weights: list[np.ndarray[Any, np.dtype[np.float64]]] = []
            for df, plist in found:
                if df > ceiling:
                    break
                arr = np.frombuffer(plist, dtype=np.int32)
                if df <= self.max_df:
                    rare.append(arr)
                elif rarest is None or df < rarest[0]:
                    rarest = (df, arr)
                ids.append(arr)
                weights.append(np.full(df, math.log((total + 1) / df)))
            if len(ids) == 1:
                group_ids.append(ids[0])
                group_weights.append(weights[0])
            elif ids:
                # the best (highest) weight per name within the group
                all_ids, all_w = np.concatenate(ids), np.concatenate(weights)
                order = np.lexsort((-all_w, all_ids))
                sorted_ids = all_ids[order]
                first = np.concatenate(([True], sorted_ids[1:] != sorted_ids[:-1]))
                group_ids.append(sorted_ids[first])
                group_weights.append(all_w[order][first])
        if not rare and rarest is not None:
            rare.append(rarest[1])
        if not rare:
            return []
        names, inverse = np.unique(np.concatenate(group_ids), return_inverse=True)
        sums = np.bincount(inverse, weights=np.concatenate(group_weights))
        hit = np.unique(np.concatenate(rare))
        scores = sums[np.searchsorted(names, hit)]
        if len(hit) > limit:
            # the best `limit`, and every name tied with the last of them (up to 4 x limit)
            kth = -np.partition(-scores, limit - 1)[limit - 1]
            keep = np.flatnonzero(scores >= kth)
            if len(keep) > 4 * limit:
                keep = np.argpartition(-scores, 4 * limit)[: 4 * limit]
            hit, scores = hit[keep], scores[keep]
        order = np.lexsort((hit, -scores))
        return [int(i) for i in hit[order]]

    def memory_estimate(self) -> int:
        """Approximate bytes held by the postings (keys and arrays)."""
        import sys

        return sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in self.postings.items()) + sys.getsizeof(self.postings)
