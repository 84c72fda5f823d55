"""Technical parameters read from control-list text: quantity, unit, comparison and value.

Handles the shapes the lists use: "equal to or less (better) than 0.9 second of arc",
"a roller force more than 60 kN", "three or more rollers", "more than two axes",
"(1.7 + L/1,000) µm", and a parent's "equal to or greater than:" with the value in its
sub-items ("a.1. 0.9 GPa in the solution annealed stage").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tripline.controls.model import Comparison, Parameter
from tripline.controls.quantities import NUMBER_BODY, NUMBER_WORDS, QUANTITY_RE, parse_number, unit_spec

_BETTER = r"(?:\s*\((?:better|worse)\))?"
_CMP: list[tuple[str, Comparison]] = [
    (rf"equal to or (?:less|lower|smaller|finer){_BETTER} than", Comparison.LE),
    (rf"(?:less|lower|smaller){_BETTER} than or equal to", Comparison.LE),
    (r"not (?:exceeding|more than|greater than)", Comparison.LE),
    (rf"(?:less|lower|smaller|finer){_BETTER} than", Comparison.LT),
    (rf"equal to or (?:greater|more|higher|larger|better){_BETTER} than", Comparison.GE),
    (rf"(?:greater|more|higher|larger){_BETTER} than or equal to", Comparison.GE),
    (r"not less than|at least|of at least|a minimum of", Comparison.GE),
    (rf"(?:greater|more|higher|larger|faster){_BETTER} than", Comparison.GT),
    (r"exceeding|in excess of", Comparison.GT),
]
_CMP_RE = re.compile("|".join(f"(?P<c{i}>{rx})" for i, (rx, _) in enumerate(_CMP)), re.IGNORECASE)
_FORMULA_RE = re.compile(
    rf"\(\s*(?P<a>{NUMBER_BODY})\s*\+\s*\(?\s*(?:(?P<k>{NUMBER_BODY})\s*[×x*]\s*)?L\s*/\s*(?P<b>{NUMBER_BODY})\s*\)?\s*\)"
    r"\s*(?P<unit>[^\s;,.()]+)",
)
COUNT_NOUNS = ("axes", "axis", "rollers", "roller", "spindles", "channels", "stages", "heads", "beams", "elements")
_COUNT_RE = re.compile(
    r"(?P<num>\d+|"
    + "|".join(NUMBER_WORDS)
    + r")(?P<ormore>\s+or\s+more)?\s+(?:\w+\s+)?(?P<noun>"
    + "|".join(COUNT_NOUNS)
    + r")\b",
    re.IGNORECASE,
)
_POSTFIX_RE = re.compile(r"\s*or\s+(?P<dir>more|greater|less|lower)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_POSTFIX_ANY = re.compile(r"\bor\s+(?:more|greater|less|lower)\b", re.IGNORECASE)
_CLAUSE_SPLIT = re.compile(r"[;:]|\b(?:having|with|has|which|where|and|or)\b", re.IGNORECASE)
_TRAILING = re.compile(
    r"\b(?:at any point|within|measured at|over a period|over their|when|according to|for|in the)\b.*$", re.IGNORECASE
)
_PAREN = re.compile(r"\([^()]*\)")
_LEAD = re.compile(
    r"^(?:(?:a|an|the|any|its|their|of|all|specified|to|be|capable of achieving|capable of)\s+)+", re.IGNORECASE
)

KeyFinder = Callable[[str, str], str]


def _name(pre: str) -> str:
    part = _CLAUSE_SPLIT.split(pre)[-1]
    part = _PAREN.sub(" ", part).replace('"', " ").replace("'", " ").replace("“", " ").replace("”", " ")
    part = _TRAILING.sub("", part)
    part = re.sub(r"\s+", " ", part).strip(" ,.-")
    part = _LEAD.sub("", part)
    part = re.sub(r"\s+(?:of|is|are|be)$", "", part).strip()
    words = part.split()
    return " ".join(words[-8:])


def _comparison(m: re.Match[str]) -> Comparison:
    for i, (_, cmp) in enumerate(_CMP):
        if m.group(f"c{i}"):
            return cmp
    raise AssertionError("unreachable")


def _value_after(text: str, pos: int, decimal_comma: bool) -> tuple[float, str, str, float | None, int] | None:
    """(value, canonical unit, dimension, per_length, end) of the quantity starting at ``pos``."""
    rest = text[pos:]
    lead = len(rest) - len(rest.lstrip())
    rest = rest.lstrip()
    if rest.lower().startswith("of "):
        lead += 3
        rest = rest[3:]
    fm = _FORMULA_RE.match(rest)
    if fm:
        spec = unit_spec(fm.group("unit"))
        if spec is None:
            return None
        canonical, factor, dimension = spec
        a = parse_number(fm.group("a"), decimal_comma=decimal_comma)
        b = parse_number(fm.group("b"), decimal_comma=decimal_comma)
        k = parse_number(fm.group("k"), decimal_comma=decimal_comma) if fm.group("k") else 1.0
        return a * factor, canonical, dimension, k * factor / b, pos + lead + fm.end()
    qm = QUANTITY_RE.match(rest)
    if qm:
        spec = unit_spec(qm.group("unit"))
        if spec is None:
            return None
        canonical, factor, dimension = spec
        value = parse_number(qm.group("num"), decimal_comma=decimal_comma) * factor
        return value, canonical, dimension, None, pos + lead + qm.end()
    return None


def extract(
    text: str,
    *,
    decimal_comma: bool = False,
    key_for: KeyFinder | None = None,
    inherited: tuple[str, Comparison] | None = None,
) -> tuple[Parameter, ...]:
    """Every threshold in one item's text. ``inherited`` = (name, comparison) of a parent whose
    text ends with "... equal to or greater than:" and leaves the value to this item."""
    keyf = key_for or (lambda name, dimension: _slug(name) or dimension)
    out: list[Parameter] = []
    taken: list[tuple[int, int]] = []
    has_digit = _DIGIT.search(text) is not None
    for m in _CMP_RE.finditer(text) if has_digit else ():
        got = _value_after(text, m.end(), decimal_comma)
        if got is None:
            continue
        value, unit, dimension, per_length, end = got
        name = _name(text[: m.start()]) or dimension
        out.append(
            Parameter(
                keyf(name, dimension), name, _comparison(m), value, unit, dimension, text[m.start() : end], per_length
            )
        )
        taken.append((m.start(), end))
    for cm in _COUNT_RE.finditer(text):
        if any(s <= cm.start() < e for s, e in taken):
            continue
        pre = text[: cm.start()]
        cmp_m = None
        for candidate in _CMP_RE.finditer(pre[-40:]):
            cmp_m = candidate
        if cm.group("ormore"):
            comparison = Comparison.GE
        elif cmp_m is not None and pre[-40:][cmp_m.end() :].strip() == "":
            comparison = _comparison(cmp_m)
        else:
            continue
        word = cm.group("num").lower()
        value = float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word)
        noun = cm.group("noun").lower()
        noun = "axes" if noun.startswith("ax") else noun if noun.endswith("s") else noun + "s"
        name = f"number of {noun}"
        out.append(Parameter(keyf(name, "count"), name, comparison, value, "count", "count", cm.group(0), None, noun))
    postfix = has_digit and _POSTFIX_ANY.search(text) is not None
    for qm in QUANTITY_RE.finditer(text) if postfix else ():  # "600 Hz or more", "5 mm or less (better)"
        if any(s <= qm.start() < e for s, e in taken):
            continue
        pm = _POSTFIX_RE.match(text, qm.end())
        spec = unit_spec(qm.group("unit"))
        if pm is None or spec is None:
            continue
        canonical, factor, dimension = spec
        value = parse_number(qm.group("num"), decimal_comma=decimal_comma) * factor
        comparison = Comparison.GE if pm.group("dir").lower() in ("more", "greater") else Comparison.LE
        name = _name(text[: qm.start()]) or dimension
        out.append(
            Parameter(keyf(name, dimension), name, comparison, value, canonical, dimension, text[qm.start() : pm.end()])
        )
        taken.append((qm.start(), pm.end()))
    if not out and inherited is not None:
        got = _value_after(text, 0, decimal_comma)
        if got is not None:
            value, unit, dimension, per_length, end = got
            name, comparison = inherited
            out.append(
                Parameter(keyf(name, dimension), name, comparison, value, unit, dimension, text[:end], per_length)
            )
    return tuple(out)


def open_comparison(text: str) -> tuple[str, Comparison] | None:
    """A text that ends with a comparison and a colon ("... equal to or greater than:")."""
    stripped = text.rstrip()
    if not stripped.endswith(":"):
        return None
    last = None
    for m in _CMP_RE.finditer(stripped):
        last = m
    if last is None or stripped[last.end() :].strip() != ":":
        return None
    return _name(stripped[: last.start()]), _comparison(last)


def _slug(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower())
    return "_".join(words[-3:])
