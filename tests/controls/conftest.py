"""Fixtures of the [controls] tests: the bundled catalogue and a classifier, parsed once."""

from __future__ import annotations

import pytest

from tests.conftest import BUNDLED_DATA
from tripline.controls.catalogue import Catalogue, parse_sources
from tripline.controls.classify import Classifier


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return parse_sources(BUNDLED_DATA)


@pytest.fixture(scope="session")
def classifier(catalogue: Catalogue) -> Classifier:
    return Classifier(catalogue, data_dir=BUNDLED_DATA)
