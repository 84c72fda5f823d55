"""Normalisers for values lists print as free text: dates, document numbers, country lists.

FollowTheMoney cleans ISO dates and country names; lists print ``11.8.1960``,
``1 Jan. 1964 or 1959``, ``Passport No: 592667 (Qatari passport ...)`` and ``Iranian and US``.
"""

from __future__ import annotations

import re

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_ISO = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
_DOTTED = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
_WORDS = re.compile(r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DOC_NUMBER = re.compile(r"\b[A-Z]{0,3}\d[\dA-Z/-]*\b")
_COUNTRY_SPLIT = re.compile(r"\s*(?:;|,|\band\b|\bor\b|\b\d\)\s*)\s*")


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1800 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def dates_in(text: str | None) -> list[str]:
    """Every date written in ``text`` as an ISO prefix (``1960-08-11``, ``1973-11``, ``1959``).

    Day-first numeric dates (``11.8.1960``, ``00/00/1964``), month names in English (full or
    abbreviated, with or without a dot) and ISO dates; a bare year only where no fuller date
    uses it. Zero day or month (``00/00/1980``) drops to the precision given.
    """
    if not text:
        return []
    found: list[str] = []
    used: list[tuple[int, int]] = []
    for match in _ISO.finditer(text):
        iso = _iso(int(match.group(1)), int(match.group(2)), int(match.group(3)) if match.group(3) else None)
        if iso:
            found.append(iso)
            used.append(match.span())
    for match in _DOTTED.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        iso = _iso(year) if month == 0 else _iso(year, month) if day == 0 else _iso(year, month, day)
        if iso:
            found.append(iso)
            used.append(match.span())
    for match in _WORDS.finditer(text):
        named = MONTHS.get(match.group(2).lower())
        if named is None:
            continue
        iso = _iso(int(match.group(3)), named, int(match.group(1)) if match.group(1) else None)
        if iso:
            found.append(iso)
            used.append(match.span())
    for match in _YEAR.finditer(text):
        if not any(start <= match.start() < end for start, end in used):
            found.append(match.group(1))
    return list(dict.fromkeys(found))


def document_number(text: str | None) -> str | None:
    """The number in ``Passport No: 592667 (Qatari passport issued on 3 May 2007)`` or ``C2002515 (Iran)``."""
    if not text:
        return None
    for match in _DOC_NUMBER.finditer(text.upper()):
        if sum(ch.isdigit() for ch in match.group(0)) >= 4:
            return match.group(0)
    return None


def country_names(text: str | None) -> list[str]:
    """``Iranian and US`` -> ``["Iranian", "US"]``; ``1) Saudi Arabia 2) Qatar`` -> two names."""
    if not text:
        return []
    return [part.strip(" .()") for part in _COUNTRY_SPLIT.split(text) if part.strip(" .()")]
