"""Kana and kanji read as Japanese: Hepburn romaji by pykakasi, word by word, and the other
readings of a Kana word transcribing a Russian or other foreign name (see :mod:`scripts`)."""

from __future__ import annotations

import re
from typing import Any

from tripline.screening.loanwords import foreign_kana

_LONG_VOWEL = re.compile(r"(?<=o)[ou]|(?<=u)u")


class Japanese:
    """Japanese text read by pykakasi (loaded on first use): one per reader, no global state."""

    def __init__(self) -> None:
        self._kakasi: Any = None

    def romaji(self, text: str, *, foreign: bool = True) -> str:
        """Hepburn romaji of Japanese text (pykakasi, loaded on first use); Latin kept; with
        ``foreign``, Katakana combinations for foreign sounds in Hepburn's extended spellings
        (:func:`loanwords.foreign_kana`: "ティ" ti; without, pykakasi's letter by letter "tei")."""
        if self._kakasi is None:
            import pykakasi

            self._kakasi = pykakasi.kakasi()  # type: ignore[no-untyped-call]
        out = []
        for item in self._kakasi.convert(foreign_kana(text) if foreign else text):
            out.append(item["hepburn"] or item["orig"])
        return "".join(ch for ch in "".join(out).lower() if "a" <= ch <= "z")

    def segments(self, text: str) -> tuple[tuple[int, int, str], ...]:
        """The words pykakasi reads in Japanese text, each as (first character, characters,
        Hepburn romaji with long vowels written once: "古屋圭司" -> furuya, keishi)."""
        if self._kakasi is None:
            self.romaji("")
        out: list[tuple[int, int, str]] = []
        at = 0
        for item in self._kakasi.convert(text):
            size = len(item["orig"])
            romaji = "".join(ch for ch in (item["hepburn"] or "").lower() if "a" <= ch <= "z")
            if romaji:
                out.append((at, size, short_vowels(romaji)))
            at += size
        return tuple(out)


_KANA_RUSSIAN = (
    (re.compile(r"ch(?=[auo])"), "ty"),  # チャ, チュ, チョ for тя, тю, тё ("ヴィチャズ" / Vityaz)
    (re.compile(r"j(?=i)"), "d"),  # ジ for ди ("ウラジーミル" / Vladimir)
    (re.compile(r"n(?=[bpm])"), "m"),  # ン before b, p, m is m ("テンプ" / Temp)
    (re.compile(r"^u(?=[^aeiouy])"), "v"),  # a first ウ for в ("ウラジオストク" / Vladivostok)
)


def kana_variants(romaji: str) -> list[str]:
    """Other readings of a Kana word transcribing a Russian or other foreign name: each rule of
    ``_KANA_RUSSIAN`` alone, and all of them together (Hepburn romaji in, romaji out)."""
    out = []
    together = romaji
    for rx, to in _KANA_RUSSIAN:
        changed = rx.sub(to, romaji)
        if changed != romaji:
            out.append(changed)
            together = rx.sub(to, together)
    if len(out) > 1:
        out.append(together)
    return out


def short_vowels(romaji: str) -> str:
    """Hepburn romaji with a long o or u written once, as the lists write Japanese names
    ("Itou" / "Ito", "Ooshima" / "Oshima", "Yuuki" / "Yuki")."""
    return _LONG_VOWEL.sub("", romaji)
