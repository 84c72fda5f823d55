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
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

import numpy as np

from tripline.screening.loanwords import katakana_forms
from tripline.screening.normalize import NameForm, Normaliser, Token
from tripline.screening.rules import ACRONYM_MAX_PREFIX, ACRONYM_MIN_WORDS
from tripline.screening.scripts import ScriptReader, readable
from tripline.screening.soundcode import sound_keys

MIN_DELETION_LENGTH = 4
COMMON_KEY_SHARE = 0.1  # keys held by more names than this share are ignored altogether
FOUND_CACHE = 200_000  # key groups whose postings lookup is remembered


def deletions(text: str) -> set[str]:
    """All strings made by deleting one character."""
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def token_keys(tok: Token, normaliser: Normaliser) -> frozenset[str]:
    """The blocking keys of one token: text, romanisation, skeleton, one-deletion variants,
    known expansions of an abbreviation."""
    keys = {"t" + tok.text, "r" + tok.rom}
    if len(tok.skeleton) >= 3:
        keys.add("s" + tok.skeleton)
    if len(tok.rom) >= MIN_DELETION_LENGTH and tok.text.isalpha():
        keys.add("d" + tok.rom)
        keys.update("d" + v for v in deletions(tok.rom))
    keys.update("t" + full for full in normaliser.vocabulary.abbreviations.get(tok.text, ()))
    return frozenset(keys)


@lru_cache(maxsize=200_000)
def listed_sound_keys(word: str) -> frozenset[str]:
    """The sound keys of a listed Latin word and of the forms Katakana or a Chinese transcription
    may write it in (:func:`loanwords.katakana_forms`: "helicopters" as "herikoputaa", "grushina"
    as "gurushin"), so that such a reading retrieves the name it meets in the scorer."""
    return frozenset(key for form in katakana_forms(word) for key in sound_keys(form))


ACRONYM_KEY_SKIPPABLE = 4  # stop words and legal forms of a listed name tried both in and out of its acronym keys
ACRONYM_KEY_MAX_WORDS = 12


def listed_acronyms(words: tuple[str, ...], skippable: AbstractSet[str]) -> set[str]:
    """Acronyms a listed name may be typed as, for its retrieval keys: the initials of its words,
    each stop word or legal form left out or counted (the first ACRONYM_KEY_SKIPPABLE of them;
    with none left out they are the name's own acronym, :attr:`NameForm.acronyms`),
    and a legal form that ends them counted by its first two letters ("CRYMSA": COMERCIAL DE
    RODAJES Y MAQUINARIA, S.A.). The scorer accepts more (:func:`rules.acronym_fit`); a bare
    acronym typed alone retrieves the name by these ("a" keys, as the query's one word)."""
    if not ACRONYM_MIN_WORDS <= len(words) <= ACRONYM_KEY_MAX_WORDS:
        return set()
    optional = [i for i, w in enumerate(words) if w in skippable][:ACRONYM_KEY_SKIPPABLE]
    out: set[str] = set()
    for kept in itertools.product((False, True), repeat=len(optional)):
        dropped = {i for i, keep in zip(optional, kept, strict=True) if not keep}
        chosen = [w for i, w in enumerate(words) if i not in dropped and w[:1].isalpha()]
        if len(chosen) < ACRONYM_MIN_WORDS:
            continue
        initials = "".join(w[0] for w in chosen)
        if dropped:  # every word's initial is the name's own acronym already (NameForm.acronyms)
            out.add(initials)
        if chosen[-1] in skippable and len(chosen[-1]) >= ACRONYM_MAX_PREFIX:
            out.add(initials[:-1] + chosen[-1][:ACRONYM_MAX_PREFIX])
    return out


def key_groups(
    form: NameForm,
    normaliser: Normaliser,
    *,
    query: bool = False,
    generic: bool = False,
    cache: dict[Token | str, frozenset[str]] | None = None,
    reader: ScriptReader | None = None,
) -> list[AbstractSet[str]]:
    """The blocking keys of one name, one group per token (and per joined pair, acronym).

    A name is ranked by the best key it shares in each group, so a token that matches
    exactly (and so shares all its deletion variants) counts once, not ten times. A query
    skips the keys of its generic words when it has a distinctive one: generic words cannot
    make a match on their own, so they only crowd the ranking (`generic` keeps them: the
    fallback for a query whose distinctive words find nothing). `cache` keeps the keys of
    tokens and joined pairs between calls (queries share most of their words).
    """
    groups: list[AbstractSet[str]] = []
    tokens = form.tokens
    skip_generic = query and not generic and any(not t.generic for t in tokens)
    for tok in tokens:
        if skip_generic and tok.generic:
            continue
        keys = cache.get(tok) if cache is not None else None
        if keys is None:
            keys = token_keys(tok, normaliser)
            if cache is not None:
                cache[tok] = keys
        if not query and tok.text.isalpha():
            # a listed word's sound, where a Han or Kana reading meets it (scripts.py); a query
            # word's is not looked up: the reading side holds both ends for Latin queries
            keys = keys | listed_sound_keys(tok.text)
        groups.append(keys)
    for a, b in itertools.pairwise(tokens):
        joined = a.text + b.text
        keys = cache.get(joined) if cache is not None else None
        if keys is None:
            keys = frozenset({"t" + joined, "r" + normaliser.romanise(joined)})
            if cache is not None:
                cache[joined] = keys
        groups.append(keys)
    acronyms = {"a" + acronym for acronym in form.acronyms}
    if not query and not form.person:
        # a group of its own: a name whose own acronyms hold the query's still ranks first
        # ("Beijing Megvii Technology Co., Ltd." before "... Ltd. (Megvii)")
        groups.append(frozenset("a" + a for a in listed_acronyms(form.words, normaliser.acronym_skippable)))
    distinctive = [t for t in tokens if not t.generic]
    if len(distinctive) == 1 and 3 <= len(distinctive[0].text) <= 10 and distinctive[0].text.isalpha():
        acronyms.add("a" + distinctive[0].text)
    if acronyms:
        groups.append(acronyms)
    if reader is not None:  # a Hangul, Han, Kana, Arabic or Hebrew name: its reading's keys too
        groups += reading_key_groups(form, reader, query=query)
    return groups


def reading_key_groups(
    form: NameForm, reader: ScriptReader, *, query: bool = True, words_only: bool = False
) -> list[AbstractSet[str]]:
    """The keys of a name's reading (:meth:`ScriptReader.key_groups`), none for a name not read."""
    if not readable(form, listed=not query):
        return []
    reading = reader.reading(form.original)
    return list(reader.key_groups(reading, words_only=words_only)) if reading is not None else []


def name_keys(form: NameForm, normaliser: Normaliser, reader: ScriptReader | None = None) -> set[str]:
    """All blocking keys of one list name."""
    keys: set[str] = set()
    for group in key_groups(form, normaliser, reader=reader):
        keys |= group
    return keys


class NameIndex:
    """Inverted index over name numbers (positions in the screener's name table).

    Once frozen, every key's posting list is a slice of one flat array of 32-bit name numbers:
    ``flat[starts[k] : starts[k] + dfs[k]]`` for key number ``k = keys[key]``. A query then
    costs a handful of array operations however many keys it visits.
    """

    def __init__(self, max_df_share: float = 0.02, min_max_df: int = 500) -> None:
        self._building: defaultdict[str, list[int]] | None = defaultdict(list)
        self.keys: dict[str, int] = {}
        self.starts: np.ndarray[Any, np.dtype[np.int64]] = np.zeros(0, dtype=np.int64)
        self.dfs: np.ndarray[Any, np.dtype[np.int64]] = np.zeros(0, dtype=np.int64)
        self.flat: np.ndarray[Any, np.dtype[np.int32]] = np.zeros(0, dtype=np.int32)
        self.df_list: list[int] = []  # `dfs` as Python ints (read key by key)
        # a key group's (df, key number) pairs, rarest first
        self._found: dict[AbstractSet[str], list[tuple[int, int]]] = {}
        self.size = 0
        self.max_df_share = max_df_share
        self.min_max_df = min_max_df
        self.max_df = min_max_df

    def __len__(self) -> int:
        """The number of distinct keys."""
        return len(self.keys)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_found"] = {}
        return state

    def add(self, name_no: int, keys: Iterable[str]) -> None:
        assert self._building is not None, "index already frozen"
        for key in keys:
            self._building[key].append(name_no)
        self.size = max(self.size, name_no + 1)

    def freeze(self) -> None:
        """Compact the postings into one flat array; no more adds after this."""
        if self._building is None:
            return
        building = self._building
        self.keys = {key: k for k, key in enumerate(building)}
        self.dfs = np.fromiter((len(v) for v in building.values()), dtype=np.int64, count=len(building))
        self.starts = np.zeros(len(building), dtype=np.int64)
        if len(building):
            np.cumsum(self.dfs[:-1], out=self.starts[1:])
        self.flat = np.fromiter(
            itertools.chain.from_iterable(building.values()), dtype=np.int32, count=int(self.dfs.sum())
        )
        self.df_list = self.dfs.tolist()
        self._building = None
        self.max_df = max(self.min_max_df, int(self.size * self.max_df_share))

    def postings(self, key: str) -> np.ndarray[Any, np.dtype[np.int32]]:
        """The name numbers holding `key` (empty when none does)."""
        k = self.keys.get(key)
        if k is None:
            return self.flat[:0]
        start = int(self.starts[k])
        return self.flat[start : start + int(self.dfs[k])]

    def candidates(self, groups: Iterable[AbstractSet[str]], limit: int) -> list[int]:
        """The `limit` names that share the best keys with the query, best first.

        Each name scores, per key group, the inverse document frequency of the best key it
        shares. Rare keys (held by at most ``max_df`` names; a group's rarest key always
        counts as rare) decide which names are candidates; common keys only add weight, so
        "Mohammad Baseri" ranks the Baseri who is also a Mohammad first. Names tied with the
        `limit`-th are kept too, up to ``4 * limit`` (ties in name order).
        """
        return self.candidates_many([groups], limit)[0]

    def _visits(
        self, groups: Iterable[AbstractSet[str]], keys: Mapping[str, int]
    ) -> tuple[list[int], list[int], list[bool]]:
        """The keys one query visits: key numbers, their group, whether each is rare (`keys`:
        the key numbers of the keys of this block's groups that are not cached)."""
        total = max(self.size, 1)
        ceiling = max(self.max_df, int(total * COMMON_KEY_SHARE))
        df_list, max_df = self.df_list, self.max_df
        visit: list[int] = []  # key numbers, group by group, rarest first within a group
        visit_group: list[int] = []
        visit_rare: list[bool] = []
        rarest: tuple[int, int] | None = None  # (df, position in `visit`) of the rarest common key
        any_rare = False
        cache = self._found
        for group_no, group in enumerate(groups):
            found = cache.get(group) if isinstance(group, frozenset) else None
            if found is None:
                found = sorted((df_list[k], k) for key in group if (k := keys.get(key, -1)) >= 0)
                if isinstance(group, frozenset):
                    cache[group] = found
            for df, k in found:
                if df > ceiling:
                    break
                rare = df <= max_df
                any_rare = any_rare or rare
                if not rare and (rarest is None or df < rarest[0]):
                    rarest = (df, len(visit))
                visit.append(k)
                visit_group.append(group_no)
                visit_rare.append(rare)
        if not any_rare:
            if rarest is None:
                return [], [], []
            visit_rare[rarest[1]] = True
        return visit, visit_group, visit_rare

    def candidates_many(self, queries: Sequence[Iterable[AbstractSet[str]]], limit: int) -> list[list[int]]:
        """:meth:`candidates` for each query's key groups, in one pass of array operations."""
        total = max(self.size, 1)
        queries = [list(groups) for groups in queries]
        found = self._found
        if len(found) >= FOUND_CACHE:
            found.clear()
        wanted = list(
            {key for groups in queries for g in groups if not (isinstance(g, frozenset) and g in found) for key in g}
        )
        get_many = getattr(self.keys, "get_many", None)  # the mapped key table looks a block's keys up at once
        numbers = get_many(wanted) if get_many is not None else [self.keys.get(k, -1) for k in wanted]
        lookup = dict(zip(wanted, numbers, strict=True))
        visits = [self._visits(groups, lookup) for groups in queries]
        counts = np.array([len(v[0]) for v in visits], dtype=np.int64)
        if not counts.sum():
            return [[] for _ in queries]
        kno = np.fromiter(itertools.chain.from_iterable(v[0] for v in visits), dtype=np.int64, count=int(counts.sum()))
        group = np.fromiter(itertools.chain.from_iterable(v[1] for v in visits), dtype=np.int64, count=len(kno))
        rare = np.fromiter(itertools.chain.from_iterable(v[2] for v in visits), dtype=bool, count=len(kno))
        query = np.repeat(np.arange(len(queries), dtype=np.int64), counts)
        dfs = self.dfs[kno]
        # every posting of every visited key, with its query, group, weight and rarity
        ends = np.cumsum(dfs)
        offsets = np.repeat(self.starts[kno] - (ends - dfs), dfs) + np.arange(int(ends[-1]), dtype=np.int64)
        owner = np.repeat(query, dfs) * total + self.flat[offsets]  # (query, name)
        groups = int(group.max()) + 1
        # sorted by query, name, group, then visit order (stable): the first posting of each
        # (query, name, group) is the name's best key in that group (the rarest, visited first)
        composite = owner * groups + np.repeat(group, dfs)
        order = np.argsort(composite, kind="stable")
        ordered = composite[order]
        first = np.empty(len(order), dtype=bool)
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
        chosen = order[first]
        chosen_owner = owner[chosen]
        starts = np.flatnonzero(np.concatenate(([True], chosen_owner[1:] != chosen_owner[:-1])))
        weights = np.repeat(np.log((total + 1) / dfs), dfs)[chosen]
        sums = np.add.reduceat(weights, starts)  # per (query, name), group by group
        hit = np.logical_or.reduceat(np.repeat(rare, dfs)[chosen], starts)
        hit_owner, scores = chosen_owner[starts][hit], sums[hit]
        if not len(scores):
            return [[] for _ in queries]
        hit_query, hit_name = hit_owner // total, hit_owner % total
        # per query: best score first, then name number (already in name order: the sort is
        # stable); the best `limit` and their ties
        order = np.lexsort((-scores, hit_query))
        hit_query, hit_name, scores = hit_query[order], hit_name[order], scores[order]
        per_query = np.bincount(hit_query, minlength=len(queries))
        first_of = np.cumsum(per_query) - per_query
        rank = np.arange(len(order), dtype=np.int64) - first_of[hit_query]
        last = np.minimum(per_query, limit) - 1  # rank of the limit-th best (or the last)
        kth = scores[np.maximum(first_of + last, 0)][hit_query]
        keep = (rank < limit) | ((scores >= kth) & (rank < 4 * limit))
        kept_query, kept_name = hit_query[keep], hit_name[keep]
        bounds = np.searchsorted(kept_query, np.arange(len(queries) + 1))
        names = kept_name.tolist()
        return [names[bounds[i] : bounds[i + 1]] for i in range(len(queries))]

    def memory_estimate(self) -> int:
        """Approximate bytes held by the index (keys, offsets and the flat postings)."""
        import sys

        keys = sum(sys.getsizeof(k) for k in self.keys) + sys.getsizeof(self.keys)
        return keys + self.starts.nbytes + self.dfs.nbytes + self.flat.nbytes
