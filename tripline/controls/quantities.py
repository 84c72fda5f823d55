"""Numbers and units as engineers and forwarders write them: "0.9 µm", "0,9 um", "900 nm",
"12,000 rpm", "1 950 MPa", "0.9 arc sec", "(1.7 + L/1,000) µm".

Every quantity is converted to one canonical unit per dimension (``CANONICAL``) so that a
threshold and a value read from a description can be compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# alias -> (canonical unit, factor to canonical, dimension). Aliases are matched case-sensitively
# first, then lower-cased (so "MPa" and "mpa" both work, but "mm" never reads as "Mm").
_UNITS: dict[str, tuple[str, float, str]] = {}
CANONICAL: dict[str, str] = {}


def _add(dimension: str, canonical: str, factor: float, *aliases: str) -> None:
    CANONICAL.setdefault(dimension, canonical)
    for alias in aliases:
        _UNITS[alias] = (canonical, factor, dimension)


_add(
    "length", "µm", 1.0, "µm", "μm", "um", "micron", "microns", "micrometre", "micrometres", "micrometer", "micrometers"
)
_add("length", "µm", 1e-3, "nm", "nanometre", "nanometres", "nanometer", "nanometers")
_add("length", "µm", 1e3, "mm", "millimetre", "millimetres", "millimeter", "millimeters")
_add("length", "µm", 1e4, "cm", "centimetre", "centimetres", "centimeter", "centimeters")
_add("length", "µm", 1e6, "m", "metre", "metres", "meter", "meters")
_add("length", "µm", 25.4e3, "in", "inch", "inches")
_add(
    "angle",
    "arcsec",
    1.0,
    "arc sec",
    "arc-sec",
    "arcsec",
    "arc second",
    "arc seconds",
    "arc-second",
    "arc-seconds",
    "second of arc",
    "seconds of arc",
    "″",
)
_add("angle", "arcsec", 60.0, "arc min", "arcmin", "arc minute", "arc minutes", "minute of arc", "minutes of arc", "′")
_add("angle", "arcsec", 3600.0, "°", "degree", "degrees", "deg")
_add("angle", "arcsec", 206264.806, "rad", "radian", "radians")
_add("angle", "arcsec", 206.264806, "mrad", "milliradian", "milliradians")
_add("angle", "arcsec", 0.206264806, "µrad", "μrad", "urad", "microradian", "microradians")
_add("angular_rate", "°/h", 1.0, "°/h", "°/hr", "deg/h", "deg/hr", "degree per hour", "degrees per hour", "°/hour")
_add("angular_rate", "°/h", 3600.0, "°/s", "deg/s", "deg/sec", "degrees per second")
_add("force", "kN", 1e-3, "N", "newton", "newtons")
_add("force", "kN", 1.0, "kN", "kilonewton", "kilonewtons")
_add("force", "kN", 1e3, "MN", "meganewton", "meganewtons")
_add("force", "kN", 9.80665, "t", "tonne-force", "tonnes force", "ton")
_add("stress", "MPa", 1e-6, "Pa", "pascal")
_add("stress", "MPa", 1e-3, "kPa")
_add("stress", "MPa", 1.0, "MPa", "N/mm2", "N/mm²")
_add("stress", "MPa", 1e3, "GPa")
_add("stress", "MPa", 0.1, "bar")
_add("stress", "MPa", 0.00689476, "psi")
_add("stress", "MPa", 6.89476, "ksi")
_add("frequency", "Hz", 1.0, "Hz", "hertz")
_add("frequency", "Hz", 1e3, "kHz")
_add("frequency", "Hz", 1e6, "MHz")
_add("frequency", "Hz", 1e9, "GHz")
_add("rotation", "rpm", 1.0, "rpm", "r/min", "rev/min", "revolutions per minute")
_add("mass", "kg", 1e-3, "gram", "grams")  # a bare "g" is often acceleration (15 g)
_add("mass", "kg", 1.0, "kg", "kilogram", "kilograms")
_add("power", "W", 1.0, "W", "watt", "watts")
_add("power", "W", 1e3, "kW", "kilowatt", "kilowatts")
_add("power", "W", 1e6, "MW", "megawatt", "megawatts")
_add("apparent_power", "VA", 1.0, "VA")
_add("apparent_power", "VA", 1e3, "kVA")
_add("temperature", "K", 1.0, "K", "kelvin")
_add("time", "s", 1e-9, "ns")
_add("time", "s", 1e-6, "µs", "μs", "us")
_add("time", "s", 1e-3, "ms")
_add("time", "s", 1.0, "s", "sec", "seconds")
_add("voltage", "V", 1.0, "V", "volt", "volts")
_add("voltage", "V", 1e3, "kV")
_add("current", "A", 1.0, "A", "amp", "amps", "ampere", "amperes")
_add("current", "A", 1e3, "kA")
_add("percent", "%", 1.0, "%", "percent", "per cent")
_add("volume_flow", "m³/s", 1.0, "m3/s", "m³/s")
_add("volume_flow", "m³/s", 1e-3, "l/s", "L/s", "litres per second", "liters per second")
_add("volume_flow", "m³/s", 1 / 3600, "m3/h", "m³/h")
_add("volume", "l", 1.0, "l", "L", "litre", "litres", "liter", "liters")
_add("volume", "l", 1e3, "m3", "m³")

_UNITS_LOWER = {alias.lower(): spec for alias, spec in _UNITS.items() if alias.lower() == alias}

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}

# A number: 12,000 / 1 950 / 0,9 / 0.9 / 1.5e3 (thousand groups by comma, space or thin space).
NUMBER_BODY = r"(?:[-+]?\d{1,3}(?:(?:[,\u2009\u202f]| (?=\d{3}\b))\d{3})+(?:[.]\d+)?(?![\d])|[-+]?\d+(?:[.,]\d+)?)"
NUMBER_RE = r"(?<![\w.,])(?<![A-Za-z]/)" + NUMBER_BODY
_UNIT_ALT = "|".join(re.escape(a) for a in sorted(_UNITS, key=len, reverse=True))
_UNIT_ALT_CI = "|".join(re.escape(a) for a in sorted(_UNITS_LOWER, key=len, reverse=True))
_NOT_COMPOUND = r"(?![\w/²³])(?!\s*(?:per|/)\s)"  # "0.1 degree per square root hour" is not an angle
QUANTITY_RE = re.compile(rf"(?P<num>{NUMBER_RE})\s?(?P<unit>{_UNIT_ALT}){_NOT_COMPOUND}")
QUANTITY_CI_RE = re.compile(rf"(?P<num>{NUMBER_RE})\s?(?P<unit>{_UNIT_ALT_CI}){_NOT_COMPOUND}", re.IGNORECASE)


def parse_number(text: str, *, decimal_comma: bool | None = None) -> float:
    """Read a number written with comma or point decimals and comma/space thousand groups.

    ``decimal_comma``: True for EU texts (``0,9`` and ``1 000``), False for US texts
    (``1,000``); None guesses: a comma followed by exactly three digits after a non-zero
    integer part is a thousands separator (``12,000``), any other comma is decimal (``0,9``).
    """
    s = text.strip().replace("\u2009", " ").replace("\u202f", " ").replace("\u00a0", " ")
    s = s.replace(" ", "")
    if not s:
        raise ValueError("empty number")
    if "," in s and "." in s:
        s = s.replace(",", "")
    elif "," in s:
        if decimal_comma is None:
            head, _, tail = s.rpartition(",")
            thousands = len(tail) == 3 and head.lstrip("+-") not in ("0", "") and s.count(",") >= 1
            decimal_comma = not thousands
        s = s.replace(",", ".") if decimal_comma and s.count(",") == 1 else s.replace(",", "")
    return float(s)


@dataclass(frozen=True)
class Quantity:
    value: float  # in the canonical unit
    unit: str  # canonical unit
    dimension: str
    text: str
    start: int
    end: int


def unit_spec(alias: str) -> tuple[str, float, str] | None:
    """(canonical unit, factor, dimension) of a unit alias, or None."""
    spec = _UNITS.get(alias)
    if spec is None:
        spec = _UNITS_LOWER.get(alias.lower())
    return spec


def find_quantities(text: str, *, decimal_comma: bool | None = None) -> list[Quantity]:
    """All number+unit quantities in a text, converted to canonical units, in text order."""
    found: dict[int, Quantity] = {}
    for pattern in (QUANTITY_RE, QUANTITY_CI_RE):
        for m in pattern.finditer(text):
            if m.start() in found:
                continue
            spec = unit_spec(m.group("unit"))
            if spec is None:
                continue
            try:
                number = parse_number(m.group("num"), decimal_comma=decimal_comma)
            except ValueError:
                continue
            canonical, factor, dimension = spec
            found[m.start()] = Quantity(number * factor, canonical, dimension, m.group(0), m.start(), m.end())
    return [found[k] for k in sorted(found)]


def parse_quantity(text: str, *, decimal_comma: bool | None = None) -> Quantity:
    """Exactly one quantity ("0,9 um", "900 nm", "3", "100kN"); a bare number is a count."""
    s = text.strip()
    found = find_quantities(s, decimal_comma=decimal_comma)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(s):
        return found[0]
    word = NUMBER_WORDS.get(s.lower())
    if word is not None:
        return Quantity(float(word), "count", "count", s, 0, len(s))
    try:
        return Quantity(parse_number(s, decimal_comma=decimal_comma), "count", "count", s, 0, len(s))
    except ValueError as exc:
        raise ValueError(f"not a quantity with a known unit: {text!r}") from exc
