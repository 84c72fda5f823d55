"""Constants the scorer (`scorer.py`) and its vectorised bound (`prefilter.py`) share.

A rule changed here changes in both; `tests/screening/test_prefilter.py` checks that the bound
never falls below the score.
"""

from __future__ import annotations

import functools
from collections.abc import Collection

# the score at which a name matches: the default threshold of every edge (API, console, CLI,
# yente /match, cargo targeting). The whole-name rules and caps marked "relative" below are set
# against it (`calibrated`), so each keeps its meaning when it moves; it was chosen together with
# them on the DEV split of tests/data/screening_real (``bench screening --sweep``; bench/README.md).
THRESHOLD = 0.68
# what an agreeing country and an agreeing birth date add together (screener.COUNTRY_AGREE +
# BIRTH_AGREE): a match capped "more evidence needed" at THRESHOLD - EVIDENCE reaches the
# threshold with both, never with one
EVIDENCE = 0.1
SHOWN_ABOVE = 0.02  # a partial match that should be shown for review: just above the threshold
CLEAR_ABOVE = 0.05  # a partial match with more behind it (a rare name, most of a company's name)
ACRONYM_ABOVE = 0.06  # an acronym of four letters or more spelled by the listed name's words
ANOTHER_NAME = 0.2  # below the threshold by this much: another name, even with every other evidence


def calibrated(threshold: float) -> dict[str, float]:
    """The relative whole-name scores and caps for a threshold, by name: what each means is its
    place against the threshold (at it, just above, below by EVIDENCE...), not its value. The
    module's constants are ``calibrated(THRESHOLD)``; ``bench screening --sweep`` asks others."""

    def at(offset: float) -> float:
        return round(threshold + offset, 4)

    return {
        "ACRONYM": at(ACRONYM_ABOVE),
        "SHORT_ACRONYM": at(-EVIDENCE),
        "BARE_ACRONYM": at(0.0),
        "PREFIXED_ACRONYM": at(SHOWN_ABOVE),
        "SUBSET_FACTOR": at(CLEAR_ABOVE),
        "PERSON_SUBSET_FACTOR": at(0.0),
        "RARE_PERSON_SUBSET_FACTOR": at(CLEAR_ABOVE),
        "BARE_NAME": at(SHOWN_ABOVE),
        "COMMON_NAME_CAP": at(-EVIDENCE),
        "FAMILY_CONFLICT_CAP": at(-EVIDENCE),
        "ONE_WORD_CAP": at(-EVIDENCE),
        "FUZZY_ONE_WORD_CAP": at(-EVIDENCE / 2),
        "INITIALS_CAP": at(-EVIDENCE),
        "PERSON_COMPANY_CAP": at(-EVIDENCE),
        "ONE_NAME_READ_CAP": at(-EVIDENCE),
        "NUMBER_CAP": at(-ANOTHER_NAME),
        "LETTER_CODE_CAP": at(-ANOTHER_NAME),
    }


_AT = calibrated(THRESHOLD)

# token similarities, best first
EXACT = 1.0
SPELLING = 0.95
ABBREVIATION = 0.95
PREFIX = 0.85
SKELETON_CROSS_SCRIPT = 0.85
SKELETON_SAME_SCRIPT = 0.7
INITIAL = 0.8  # persons: "J." for "John", "M.-L." for "Marie-Louise"
TYPO_SLOPE = 0.6  # a token's similarity drops by this times the share of its letters edited
TYPO_STEPS = (4, 8, 12)  # one more edit allowed from each of these lengths on
MAX_TYPO_BUDGET = len(TYPO_STEPS)
JOIN_SLACK = 3  # two tokens joined are compared with tokens whose length is within this
JOIN_MIN = 0.85
JOIN_MIN_LETTERS = 2  # a single letter (an initial) is never joined to its neighbour ("J. Yang" is not "Jiang")
MIN_SKELETON = 3  # shortest consonant skeleton compared
MIN_CONSONANTS = 2  # shortest consonants compared across scripts

# whole-name rules
ACRONYM = _AT["ACRONYM"]  # four letters or more
SHORT_ACRONYM = _AT["SHORT_ACRONYM"]  # three letters among other words: shown at low thresholds only
BARE_ACRONYM = _AT["BARE_ACRONYM"]  # a query that is three letters alone ("FSB", "ICI"): at the threshold, not above
# two letters of a word or two ("CRYMSA": COmercial de Rodajes Y MAquinaria SA)
PREFIXED_ACRONYM = _AT["PREFIXED_ACRONYM"]
ACRONYM_MIN_WORDS = 3  # words of the long name an acronym stands for (skipped stop words and legal forms aside)
ACRONYM_MAX_PREFIX = 2  # letters an acronym takes from one word
ACRONYM_MAX_LONG_PREFIXES = 2  # words it takes two letters from
GENERIC_CAP = 0.5  # fixed (script_compare.GENERIC_ONLY_CAP mirrors it): another name at any threshold >= 0.7
GENERIC_FULL_MIN_TOKENS = 3  # a name of this many generic words, every one found exactly: the name itself
SUBSET_FACTOR = _AT["SUBSET_FACTOR"]  # a company named by every word of part of its name
# "Jorge Rodriguez" for "Jorge Jesus RODRIGUEZ GOMEZ": at the threshold, not above
PERSON_SUBSET_FACTOR = _AT["PERSON_SUBSET_FACTOR"]
# ... when a matched name is rare (no country's 100 most common): less is needed
RARE_PERSON_SUBSET_FACTOR = _AT["RARE_PERSON_SUBSET_FACTOR"]
RARE_NAME_MIN_LENGTH = 4  # a shorter word says too little to be called rare
PERSON_SUBSET_BOUND = max(PERSON_SUBSET_FACTOR, RARE_PERSON_SUBSET_FACTOR)  # what the prefilter allows persons
SUBSET_MIN_DISTINCTIVE = 2
BARE_NAME = _AT["BARE_NAME"]  # "Mahan" for "Mahan Air": the bare first distinctive word of a short listed company name
BARE_NAME_MIN_LENGTH = 5
BARE_NAME_MAX_TOKENS = 3  # distinctive words of the listed name
# caps (they only lower a score: the bound needs nothing for them)
# a person matched only on common names, the rest missing: more evidence needed
COMMON_NAME_CAP = _AT["COMMON_NAME_CAP"]
# both persons' names have a word the other lacks: a different family line
FAMILY_CONFLICT_CAP = _AT["FAMILY_CONFLICT_CAP"]
ONE_WORD_CAP = _AT["ONE_WORD_CAP"]  # a company sharing its only distinctive word with a name that has others
NAMESAKE_MIN_LENGTH = 4  # a given name in one company name only ("Shahid Ahmad Kazemi"); "Sue" is often no name
FUZZY_ONE_WORD_CAP = _AT["FUZZY_ONE_WORD_CAP"]  # a company's only distinctive word matched with an edit
FUZZY_ONE_WORD_MIN = 0.9  # ... unless the edit is small against the word's length
SYLLABLE_CAP = 0.5  # fixed, as GENERIC_CAP: Han/Hangul/Kana names that differ in a syllable
NUMBER_CAP = _AT["NUMBER_CAP"]  # names that each carry a number the other lacks ("Plant 123" / "Plant 121")
# a person's initial that aligns with no given name, or a family name matched only loosely
INITIALS_CAP = _AT["INITIALS_CAP"]
# a person's name against a listed name with a legal form (a company named so)
PERSON_COMPANY_CAP = _AT["PERSON_COMPANY_CAP"]
# a person's name read across scripts with one word found, a common name (as COMMON_NAME_CAP),
# a telling word of either name not ("迈克" read "maike" for "Michael McCaul"): it says too little
ONE_NAME_READ_CAP = _AT["ONE_NAME_READ_CAP"]
LETTER_CODE_CAP = _AT["LETTER_CODE_CAP"]  # letter codes ("NPCAP", "SBIG") one letter apart: another code, another name
LETTER_CODE_MAX_LENGTH = 6  # a letter code is short...
LETTER_CODE_MAX_VOWELS = 1  # ... and mostly consonants: not a word one pronounces
# a company word used by this many unrelated companies of the ISO 6346 register, or by this many
# listed organisations without being the brand most of them start with, is common
# (data/company_words.tsv.gz): shared alone, it does not carry a company match
COMMON_COMPANY_OWNERS = 5
COMMON_COMPANY_LISTED = 30
COMMON_COMPANY_FIRST_SHARE = 0.5
SYLLABLE_NAME_COUNTRIES = frozenset({"KR", "KP", "CN", "TW", "HK", "MO", "SG", "VN"})  # romanised syllable names


def typo_budget(length: int) -> int:
    """Edits allowed in a token of this length."""
    return sum(1 for step in TYPO_STEPS if length >= step)


def acronym_fit(word: str, words: tuple[str, ...], skippable: Collection[str]) -> int:
    """Whether `word` is an acronym of the name whose words are `words`: the first one or two
    letters of each word, in order, spelling `word`; a stop word or legal form (`skippable`)
    may be left out ("CASIC": China Aerospace Science and Industry Corporation) or counted
    ("PSC": Proton Shipping Co). At least ACRONYM_MIN_WORDS words must be taken. Returns the
    fewest words taken with two letters (0: plain initials), or -1 when `word` is no acronym
    of the name. The scorer and the prefilter's bound both ask this one function."""
    if len(word) < 3 or not word.isalpha() or len(words) < ACRONYM_MIN_WORDS:
        return -1
    return _acronym_fit(word, words, frozenset(w for w in words if w in skippable))


@functools.lru_cache(maxsize=65_536)
def _acronym_fit(word: str, words: tuple[str, ...], skippable: frozenset[str]) -> int:
    n, m = len(word), len(words)
    memo: dict[tuple[int, int, int], int] = {}
    unreachable = ACRONYM_MAX_LONG_PREFIXES + 1

    def fewest(i: int, j: int, taken: int) -> int:
        """Fewest two-letter words to spell word[i:] from words[j:], having taken `taken`."""
        if j == m:
            return 0 if i == n and taken >= ACRONYM_MIN_WORDS else unreachable
        key = (i, j, taken)
        found = memo.get(key)
        if found is not None:
            return found
        w = words[j]
        best = fewest(i, j + 1, taken) if w in skippable else unreachable
        more = min(taken + 1, ACRONYM_MIN_WORDS)
        for size in range(1, min(ACRONYM_MAX_PREFIX, len(w)) + 1):
            if i + size > n or word[i : i + size] != w[:size]:
                break
            best = min(best, fewest(i + size, j + 1, more) + (size > 1))
        memo[key] = best
        return best

    found = fewest(0, 0, 0)
    return found if found <= ACRONYM_MAX_LONG_PREFIXES else -1
