"""Numbers and units as written in descriptions and lists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tripline.controls.quantities import find_quantities, parse_number, parse_quantity


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("0.9 µm", 0.9, "µm"),
        ("0,9 um", 0.9, "µm"),
        ("900 nm", 0.9, "µm"),
        ("0.9 arc sec", 0.9, "arcsec"),
        ("0.9 second of arc", 0.9, "arcsec"),
        ("12,000 rpm", 12000.0, "rpm"),
        ("1 950 MPa", 1950.0, "MPa"),
        ("1.5 GPa", 1500.0, "MPa"),
        ("60 kN", 60.0, "kN"),
        ("0.02°", 72.0, "arcsec"),
        ("1000 l/s", 1.0, "m³/s"),
        ("three", 3.0, "count"),
    ],
)
def test_examples(text: str, value: float, unit: str) -> None:
    q = parse_quantity(text)
    assert q.value == pytest.approx(value)
    assert q.unit == unit


def test_decimal_comma_and_thousands_are_told_apart() -> None:
    assert parse_number("0,9") == 0.9
    assert parse_number("12,000") == 12000.0
    assert parse_number("1,5") == 1.5
    assert parse_number("1,000", decimal_comma=True) == 1.0
    assert parse_number("1 000", decimal_comma=True) == 1000.0


def test_model_numbers_and_formulas_are_not_quantities() -> None:
    assert find_quantities("maraging steel C300 bar, MPE 4.5 + L/250 um") == []
    assert [q.text for q in find_quantities("VFD 50/60 Hz")] == ["60 Hz"]
    assert find_quantities("a drift of 0.1 degree per square root hour") == []


def test_unknown_unit_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a quantity"):
        parse_quantity("12 furlongs")


@given(
    value=st.decimals(min_value="0.001", max_value="99999", places=3, allow_nan=False, allow_infinity=False),
    unit=st.sampled_from([("µm", 1.0), ("um", 1.0), ("nm", 1e-3), ("mm", 1e3)]),
    comma=st.booleans(),
)
def test_length_round_trip(value, unit, comma) -> None:  # type: ignore[no-untyped-def]
    alias, factor = unit
    text = format(value, "f")
    if comma:
        text = text.replace(".", ",")
    q = parse_quantity(f"{text} {alias}", decimal_comma=comma)
    assert q.dimension == "length"
    assert q.value == pytest.approx(float(value) * factor)


@given(st.integers(min_value=1000, max_value=9_999_999))
def test_thousand_groups(n: int) -> None:
    grouped = f"{n:,}"
    assert parse_number(grouped) == n
    assert parse_number(grouped.replace(",", " "), decimal_comma=True) == n
