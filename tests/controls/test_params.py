"""Thresholds read from list text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tripline.controls.model import Comparison
from tripline.controls.params import extract, open_comparison

PHRASES = [
    ("equal to or less (better) than", Comparison.LE),
    ("less (better) than", Comparison.LT),
    ("equal to or greater than", Comparison.GE),
    ("more than", Comparison.GT),
    ("exceeding", Comparison.GT),
]


@given(
    phrase=st.sampled_from(PHRASES),
    value=st.decimals(min_value="0.1", max_value="999", places=1),
    unit=st.sampled_from(
        [("µm", "length", 1.0), ("kN", "force", 1.0), ("GPa", "stress", 1000.0), ("Hz", "frequency", 1.0)]
    ),
)
def test_generated_threshold_sentences(phrase, value, unit) -> None:  # type: ignore[no-untyped-def]
    words, comparison = phrase
    alias, dimension, factor = unit
    params = extract(f"Having a rated quantity {words} {value} {alias};")
    assert len(params) == 1
    p = params[0]
    assert (p.comparison, p.dimension) == (comparison, dimension)
    assert p.value == pytest.approx(float(value) * factor)
    assert p.name == "rated quantity"


def test_formula_threshold() -> None:
    (p,) = extract("having an accuracy equal to or less (better) than (1.7 + L/1,000) µm (L is the length in mm)")
    assert (p.value, p.formula) == (1.7, "(1.7 + L/1000) µm")
    assert p.per_length == pytest.approx(0.001)


def test_counts_and_postfix_forms() -> None:
    (axes,) = extract("More than two axes which can be coordinated simultaneously")
    assert (axes.comparison, axes.value, axes.noun) == (Comparison.GT, 2.0, "axes")
    (rollers,) = extract("Three or more rollers (active or guiding)")
    assert (rollers.comparison, rollers.value, rollers.noun) == (Comparison.GE, 3.0, "rollers")
    (freq,) = extract("Operating at a frequency of 600 Hz or more")
    assert (freq.comparison, freq.value) == (Comparison.GE, 600.0)


def test_inherited_comparison() -> None:
    opened = open_comparison("Having an ultimate tensile strength, measured at 20 °C, equal to or greater than:")
    assert opened == ("ultimate tensile strength", Comparison.GE)
    (p,) = extract("1.5 GPa in the precipitation hardened stage", inherited=opened)
    assert (p.name, p.value, p.unit) == ("ultimate tensile strength", 1500.0, "MPa")


def test_text_without_threshold() -> None:
    assert extract("Containing a laser;") == ()
