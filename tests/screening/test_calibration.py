"""The threshold and the rules set against it (``rules.calibrated``): each rule keeps its place
against the threshold wherever the threshold is put, judged by what the screener adds for an
agreeing country and birth date (``screener.COUNTRY_AGREE``, ``BIRTH_AGREE``); and the shipped
threshold holds its bound on the real unlisted names of the DEV split (``tests/data/screening_real``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.screening import real_cases as real
from tripline.cargo.policy import load_policy
from tripline.screening import rules
from tripline.screening.result import DEFAULT_THRESHOLD
from tripline.screening.screener import BIRTH_AGREE, COUNTRY_AGREE

UNLISTED_FALSE_HIT_CEILING = 0.05  # issue 12: an unlisted common or look-alike name matches at most this often
DEV_F1_FLOOR = 0.92

thresholds = st.integers(min_value=70, max_value=90).map(lambda n: n / 100)  # as thresholds are given

AT = ("BARE_ACRONYM", "PERSON_SUBSET_FACTOR")  # "at the threshold, not above"
SHOWN = ("ACRONYM", "PREFIXED_ACRONYM", "SUBSET_FACTOR", "RARE_PERSON_SUBSET_FACTOR", "BARE_NAME")
MORE_EVIDENCE = (
    "SHORT_ACRONYM",
    "COMMON_NAME_CAP",
    "FAMILY_CONFLICT_CAP",
    "ONE_WORD_CAP",
    "INITIALS_CAP",
    "PERSON_COMPANY_CAP",
    "ONE_NAME_READ_CAP",
)
ANOTHER_NAME = ("NUMBER_CAP", "LETTER_CODE_CAP")


def test_every_relative_rule_has_a_place() -> None:
    assert set(rules.calibrated(0.8)) == {*AT, *SHOWN, *MORE_EVIDENCE, *ANOTHER_NAME, "FUZZY_ONE_WORD_CAP"}


@given(thresholds)
def test_rules_keep_their_place_against_any_threshold(threshold: float) -> None:
    at = rules.calibrated(threshold)
    both = COUNTRY_AGREE + BIRTH_AGREE
    for name in AT:
        assert at[name] == pytest.approx(threshold, abs=1e-4), name
    for name in SHOWN:  # shown for review: above the threshold, but not as an exact name is
        assert threshold < at[name] < min(1.0, threshold + 0.1) + 1e-9, name
    for name in MORE_EVIDENCE:  # reached with an agreeing country and birth date, not with one of them
        assert at[name] + max(COUNTRY_AGREE, BIRTH_AGREE) < threshold <= at[name] + both + 1e-9, name
    # a short name's only word matched with an edit: one more piece of evidence is enough
    assert at["FUZZY_ONE_WORD_CAP"] < threshold <= at["FUZZY_ONE_WORD_CAP"] + min(COUNTRY_AGREE, BIRTH_AGREE) + 1e-9
    for name in ANOTHER_NAME:  # another entity: never reached, whatever else agrees
        assert at[name] + both < threshold, name


def test_fixed_caps_stay_out_of_reach_at_the_shipped_threshold() -> None:
    both = COUNTRY_AGREE + BIRTH_AGREE
    assert rules.GENERIC_CAP + both < DEFAULT_THRESHOLD
    assert rules.SYLLABLE_CAP + both < DEFAULT_THRESHOLD


def test_module_constants_are_the_shipped_calibration() -> None:
    for name, value in rules.calibrated(rules.THRESHOLD).items():
        assert getattr(rules, name) == value, name
    assert DEFAULT_THRESHOLD == rules.THRESHOLD


def test_cargo_counts_a_party_match_where_screening_calls_it_one() -> None:
    """The shipped targeting policy gives a party hit its points from the screener's threshold on."""
    assert load_policy().party_match_threshold == pytest.approx(DEFAULT_THRESHOLD)


def test_dev_split_at_the_default_threshold() -> None:
    """On the DEV split (the one the threshold was chosen on): unlisted common and company names
    stay under the issue's ceiling, and F1 holds its floor. The test split has its own test in
    ``test_real_cases.py``."""
    figures = real.tripline_figures("dev", DEFAULT_THRESHOLD)
    unlisted = figures.false_hit_rate(real.UNLISTED_KINDS)
    assert unlisted <= UNLISTED_FALSE_HIT_CEILING, f"unlisted false hits {unlisted:.3f}"
    assert figures.f1 >= DEV_F1_FLOOR, f"dev F1 {figures.f1:.3f} < {DEV_F1_FLOOR}"
