"""A name in another script as it can be spelled in Latin letters: its words and syllables (see
:mod:`scripts`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReadWord:
    """One word of a reading: its spellings (the first is shown), its sound code, whether it
    only says what kind of organisation (a glossary or generic word)."""

    spellings: tuple[str, ...]
    code: str
    generic: bool
    vowels: str | None = None  # a Kana word's vowels: a Latin word's must be among them, in order
    first_syllable: int = 0  # a Hangul or Chinese word: its syllables in Reading.syllables
    syllable_count: int = 0
    codes: frozenset[str] = frozenset()  # an Arabic or Hebrew word: every code it may be written with
    full_codes: frozenset[str] = frozenset()  # the same, runs of one class kept apart by a vowel letter
    # other readings (code, vowels): a Kana word's as a Russian name's, a Chinese transcription's
    # nasal before a labial; vowels None where they are not compared (a reading of Han characters)
    variants: tuple[tuple[str, str | None], ...] = ()
    translated: bool = False  # a glossary word's English
    # a Han word's characters read as Japanese, word by word: (first syllable, syllables, romaji)
    japanese: tuple[tuple[int, int, str], ...] = ()

    @property
    def text(self) -> str:
        return self.spellings[0]


@dataclass(frozen=True, slots=True)
class Reading:
    """A name in Hangul, Han or Kana as it can be spelled in Latin letters."""

    script: str  # "hangul", "han" (read as Chinese) or "kana" (Japanese, kanji read as Japanese)
    syllables: tuple[frozenset[str], ...]  # one spelling set per Hangul / Chinese character
    words: tuple[ReadWord, ...]

    @property
    def shown(self) -> str:
        return " ".join(w.text for w in self.words)


def first_spelling(spellings: frozenset[str]) -> str:
    """A spelling to show: the shortest (then first in order); "" for a character with no reading."""
    return min(spellings, key=lambda s: (len(s), s), default="")
