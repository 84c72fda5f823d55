"""Fixtures shared by the screening tests: the labelled cases and an index of their entries."""

from __future__ import annotations

import pytest

from tests.screening.cases import Case, load_cases, unique_targets
from tripline.screening.screener import Screener


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


@pytest.fixture(scope="module")
def screener(cases: list[Case]) -> Screener:
    """A fresh index per test module (some modules patch its scorer)."""
    return Screener(unique_targets(cases))
