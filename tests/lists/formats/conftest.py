"""Fixtures of the parser tests: every bundled source parsed once per test session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import BUNDLED_DATA
from tripline.lists.formats import FORMATS
from tripline.lists.model import ListEntry, LoadReport, SourceSpec
from tripline.lists.sources import BUNDLED_SOURCES, load_sources_file, source_paths

WATCHLISTS = BUNDLED_DATA / "watchlists"


@dataclass
class Parsed:
    spec: SourceSpec
    paths: list[Path]
    entries: list[ListEntry]
    report: LoadReport

    def by_entry(self, entry_id: str) -> ListEntry:
        found = [e for e in self.entries if e.entry_id == entry_id]
        assert len(found) == 1, f"{len(found)} entries with id {entry_id!r}"
        return found[0]

    def named(self, needle: str) -> list[ListEntry]:
        needle = needle.lower()
        return [e for e in self.entries if any(needle in n.lower() for n in e.entity.get("name"))]


@pytest.fixture(scope="session")
def specs() -> dict[str, SourceSpec]:
    return {spec.id: spec for spec in load_sources_file(BUNDLED_SOURCES)}


@pytest.fixture(scope="session")
def parsed(specs: dict[str, SourceSpec]) -> Callable[[str], Parsed]:
    """``parsed(source_id)``: the bundled source parsed with its format (cached for the session)."""
    cache: dict[str, Parsed] = {}

    def get(source_id: str) -> Parsed:
        if source_id not in cache:
            spec = specs[source_id]
            paths = source_paths(spec, BUNDLED_DATA)
            report = LoadReport()
            entries = list(FORMATS[spec.format].parse(paths, spec, report))
            cache[source_id] = Parsed(spec, paths, entries, report)
        return cache[source_id]

    return get


def spec_for(source_id: str, fmt: str, files: tuple[str, ...] = ()) -> SourceSpec:
    """A throw-away spec for parsing test files."""
    return SourceSpec(
        id=source_id, title="test", publisher="test", format=fmt, files=files, licence="test", topics=("sanction",)
    )
