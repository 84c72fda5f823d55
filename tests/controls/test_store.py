"""Versioned catalogue snapshots on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tripline.controls.catalogue import Catalogue
from tripline.controls.model import Source
from tripline.controls.store import CatalogueStore
from tripline.errors import NotFoundError
from tripline.store.db import Database


def test_a_failed_save_stores_nothing(any_db: Database, catalogue: Catalogue) -> None:
    # the caller's transaction is the unit: the store neither commits nor survives a rollback
    with pytest.raises(RuntimeError), any_db.transaction() as session:
        CatalogueStore(session).save(_small(catalogue, {"2B006"}))
        raise RuntimeError("the service fails after the store wrote")
    with any_db.transaction() as session:
        assert CatalogueStore(session).versions() == {}


def _small(catalogue: Catalogue, codes: set[str]) -> Catalogue:
    return Catalogue([e for e in catalogue if e.code in codes], catalogue.warnings[:3])


class Store:
    """The store, each call in its own transaction (as the services call it)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with self.db.transaction() as session:
                return getattr(CatalogueStore(session), name)(*args, **kwargs)

        return call


def test_versions_and_round_trip(any_db: Database, catalogue: Catalogue) -> None:
    store = Store(any_db)
    with pytest.raises(NotFoundError):
        store.current()
    first = _small(catalogue, {"2B006", "2B009", "2B109", "2B209"})
    infos = store.save(first)
    assert {(i.source, i.version, i.entry_count, i.created) for i in infos} == {
        ("eu_annex1", 1, 4, True),
        ("us_ccl", 1, 4, True),
    }
    again = store.save(first)  # unchanged content: no new version
    assert {(i.version, i.created) for i in again} == {(1, False)}
    second = _small(catalogue, {"2B006", "2B009", "2B109", "2B209", "2B206"})
    infos = store.save(second)
    assert {(i.source, i.version, i.entry_count) for i in infos} == {("eu_annex1", 2, 5), ("us_ccl", 2, 5)}
    assert len(store.snapshots()) == 4

    current = store.current()
    assert sorted(current.codes()) == ["2B006", "2B009", "2B109", "2B206", "2B209"]
    original = catalogue.get("2B006", Source.CCL)
    stored = current.get("2B006", Source.CCL)
    assert stored == original  # items, parameters, regimes survive the JSON round trip
    with pytest.raises(NotFoundError):
        store.entry("2B206", version=1)
    assert [e.source for e in store.entry("2b206")] == [Source.EU, Source.CCL]
