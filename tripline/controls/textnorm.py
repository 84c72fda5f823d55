"""Text clean-up and tokens shared by the parsers and the rankers."""

from __future__ import annotations

import html
import re
from functools import lru_cache

_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")
_SUPERSCRIPT = re.compile(r"(\d\s?)(m|cm|mm|km)\s+([23])(?=\s*/)")
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?|[µμ][a-z]+")
STOPWORDS = frozenset(
    {
        "a",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "both",
        "by",
        "controlled",
        "designed",
        "e",
        "each",
        "either",
        "entry",
        "following",
        "follows",
        "for",
        "from",
        "g",
        "has",
        "have",
        "having",
        "i",
        "in",
        "into",
        "is",
        "it",
        "item",
        "items",
        "its",
        "n",
        "not",
        "of",
        "on",
        "or",
        "other",
        "per",
        "s",
        "see",
        "specially",
        "specified",
        "such",
        "than",
        "that",
        "the",
        "their",
        "these",
        "this",
        "those",
        "to",
        "use",
        "used",
        "using",
        "was",
        "were",
        "when",
        "where",
        "which",
        "with",
        "within",
    }
)
UNIT_WORDS = frozenset(
    {
        "arc",
        "cm",
        "deg",
        "ghz",
        "gpa",
        "hz",
        "kg",
        "khz",
        "km",
        "kn",
        "kpa",
        "kw",
        "mhz",
        "mm",
        "mpa",
        "ms",
        "mw",
        "nm",
        "ns",
        "rad",
        "rpm",
        "sec",
        "um",
        "µm",
    }
)
_SUFFIXES = ("ational", "ments", "ment", "ings", "ing", "ers", "er", "ed", "es", "s")


def clean(text: str) -> str:
    """Layout and markup removed: HTML entities and tags, curly quotes, runs of whitespace."""
    text = html.unescape(text)
    text = _TAG.sub(" ", text)
    text = _SUPERSCRIPT.sub(r"\1\2\3", text)  # "15 m\n3/s" (a lost superscript) -> "15 m3/s"
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return _WS.sub(" ", text).strip()


_SPELLING = {
    "centre": "center",
    "centres": "centers",
    "fibre": "fiber",
    "fibres": "fibers",
    "metre": "meter",
    "metres": "meters",
    "litre": "liter",
    "litres": "liters",
    "aluminium": "aluminum",
    "calibre": "caliber",
    "sulphur": "sulfur",
    "programme": "program",
    "programmes": "programs",
    "modelling": "modeling",
    "grey": "gray",
}
_ISE = re.compile(r"is(er|ers|ed|ation|ations|ing)$")


def spelling(word: str) -> str:
    """British to American spelling for the words that differ between the EU and US lists."""
    word = _SPELLING.get(word, word)
    if len(word) > 6 and _ISE.search(word):
        word = _ISE.sub(r"iz\1", word)
    return word


@lru_cache(maxsize=100_000)
def normal(word: str) -> str:
    """Spelling-normalised stem of one lower-case word."""
    return stem(spelling(word))


@lru_cache(maxsize=20_000)
def name_tokens(text: str) -> frozenset[str]:
    """The tokens of a (short, repeated) text such as a parameter name, cached."""
    return frozenset(tokens(text))


def stem(word: str) -> str:
    """A light suffix stripper: forming/former/formed -> form, rollers -> roll, gyroscopes -> gyroscop."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Stemmed content tokens; hyphenated words give their parts ("flow-forming" -> flow, form)."""
    out = []
    for raw in _TOKEN.findall(text.lower().replace("μ", "µ")):
        if raw in STOPWORDS or (raw[0].isdigit() and not raw.isalnum()):
            continue
        if raw[0].isdigit() or len(raw) < 2 or raw in UNIT_WORDS:
            continue
        out.append(normal(raw))
    return out
