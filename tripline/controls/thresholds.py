"""Threshold verdicts: compare values read from a description or given as parameters with the
thresholds of an entry's items, and combine them over the item tree (all of / any of)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tripline.controls.model import Comparison, ControlEntry, Parameter
from tripline.controls.quantities import NUMBER_WORDS, Quantity, find_quantities, parse_quantity
from tripline.controls.schema import ParamVerdict
from tripline.controls.textnorm import name_tokens, tokens
from tripline.controls.vocabulary import Vocabulary
from tripline.errors import InputError

_ALL = re.compile(r"\b(?:all|both) of the (?:following|characteristics)\b|\b(?:having|have) all\b", re.IGNORECASE)
_COUNT_IN_TEXT = re.compile(
    r"\b(?P<num>\d{1,2}|" + "|".join(NUMBER_WORDS) + r")[\s-]*(?P<noun>axis|axes|rollers?|spindles?)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Known:
    """What is known about the goods: quantities by canonical key and by dimension."""

    by_key: dict[str, Quantity]
    by_dimension: dict[str, list[Quantity]]
    counts: dict[str, Quantity]  # "axes"/"rollers" -> count
    length_mm: float | None  # L for (a + L/b) thresholds
    words: frozenset[str]  # stemmed words of the description and its vocabulary expansion


def read_known(description: str, params: dict[str, str], vocabulary: Vocabulary, expansion: str = "") -> Known:
    """Parse ``--param NAME=VALUE`` values (InputError on a bad one) and the quantities in the text."""
    by_key: dict[str, Quantity] = {}
    length_mm = None
    for name, value in params.items():
        key = vocabulary.key_of_alias(name)
        try:
            q = parse_quantity(value)
        except ValueError as exc:
            raise InputError(str(exc), field=f"params.{name}") from exc
        if key in ("l", "length"):
            length_mm = q.value / 1000 if q.dimension == "length" else q.value
            continue
        by_key[key] = q
    by_dimension: dict[str, list[Quantity]] = {}
    for q in find_quantities(description):
        by_dimension.setdefault(q.dimension, []).append(q)
    counts: dict[str, Quantity] = {}
    for m in _COUNT_IN_TEXT.finditer(description):
        word = m.group("num").lower()
        number = float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word)
        noun = m.group("noun").lower()
        noun = "axes" if noun.startswith("ax") else noun if noun.endswith("s") else noun + "s"
        counts[noun] = Quantity(number, "count", "count", m.group(0), m.start(), m.end())
    return Known(by_key, by_dimension, counts, length_mm, frozenset(tokens(description + " " + expansion)))


@dataclass(frozen=True)
class Check:
    item: str
    parameter: Parameter
    found: Quantity | None
    verdict: ParamVerdict
    note: str = ""


def check(item: str, p: Parameter, known: Known) -> Check:
    found = known.by_key.get(p.key)
    if found is not None and found.dimension != p.dimension:
        raise InputError(
            f"parameter {p.key!r} needs a {p.dimension} (unit {p.unit}), got {found.text!r}", field=f"params.{p.key}"
        )
    if found is None:
        if p.dimension == "count":
            found = known.counts.get(p.noun or "")
        else:
            same = known.by_dimension.get(p.dimension, [])
            # a value of the right dimension counts only if the description names the quantity
            named = not name_tokens(p.name).isdisjoint(known.words)
            found = same[0] if len(same) == 1 and named else None
    if found is None:
        return Check(item, p, None, ParamVerdict.UNKNOWN)
    value = found.value
    if p.per_length is not None:
        if known.length_mm is not None:
            threshold = p.value + p.per_length * known.length_mm
        elif p.comparison in (Comparison.LE, Comparison.LT) and value <= p.value:
            return Check(item, p, found, ParamVerdict.MEETS, "better than the threshold at any length L")
        else:
            return Check(item, p, found, ParamVerdict.UNKNOWN, "depends on the measured length L: give --param L=...")
    else:
        threshold = p.value
    met = {
        Comparison.LE: value <= threshold * (1 + 1e-9),
        Comparison.LT: value < threshold,
        Comparison.GE: value >= threshold * (1 - 1e-9),
        Comparison.GT: value > threshold,
    }[p.comparison]
    return Check(item, p, found, ParamVerdict.MEETS if met else ParamVerdict.BELOW)


def _combine(verdicts: list[ParamVerdict], all_of: bool) -> ParamVerdict:
    if not verdicts:
        return ParamVerdict.UNKNOWN
    if all_of:
        if ParamVerdict.BELOW in verdicts:
            return ParamVerdict.BELOW
        return ParamVerdict.MEETS if all(v is ParamVerdict.MEETS for v in verdicts) else ParamVerdict.UNKNOWN
    if ParamVerdict.MEETS in verdicts:
        return ParamVerdict.MEETS
    return ParamVerdict.BELOW if all(v is ParamVerdict.BELOW for v in verdicts) else ParamVerdict.UNKNOWN


def evaluate(entry: ControlEntry, code: str, known: Known, checks: list[Check]) -> ParamVerdict:
    """Status of an item (or of the entry if ``code`` is the entry code) over its sub-tree;
    every parameter check made is appended to ``checks``."""
    item = entry.item(code)
    text = item.text if item is not None else entry.title
    own = [check(code, p, known) for p in (item.parameters if item is not None else ())]
    checks.extend(own)
    children = entry.children(code)
    parts = [c.verdict for c in own]
    if children:
        parts.append(_combine([evaluate(entry, c.code, known, checks) for c in children], bool(_ALL.search(text))))
    if not parts:
        return ParamVerdict.UNKNOWN
    return _combine(parts, True)


def branch_of(entry: ControlEntry, item_code: str) -> str:
    """The top-level item above ``item_code``, or the entry itself when the entry requires all
    of its items ("having all of the following")."""
    if _ALL.search(entry.title) or _ALL.search(entry.text[:400]):
        return entry.code
    parts = item_code.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else item_code
