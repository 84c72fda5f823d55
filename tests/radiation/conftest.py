"""Fixtures of the radiation tests: paths to the real vendor spectra."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BUNDLED_DATA

SAMPLES = BUNDLED_DATA / "radiation" / "becquerel_samples"


@pytest.fixture
def samples() -> Path:
    return SAMPLES
