"""One runtime per process: the API, the console pages and cargo's matchers share one screener and
one classifier (the stored catalogue's); warming builds them before any request does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.harness import Node, make_node, signed_in
from tests.conftest import BUNDLED_DATA
from tripline.controls.service import load_catalogue
from tripline.controls.store import CatalogueStore
from tripline.runtime import Runtime
from tripline.screening import service
from tripline.settings import Settings
from tripline.store.db import Database


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, list[int]]]:
    """A node whose screener has not been built yet, and a counter of screener builds."""
    settings = Settings(var_dir=tmp_path_factory.mktemp("rt") / "var", database_url=None, data_dir=BUNDLED_DATA)
    db = Database.from_settings(settings)
    db.upgrade()
    builds: list[int] = []
    real = service.screener_from_database

    def counting(db: Database, source_ids: list[str] | None = None) -> Any:
        screener = real(db, source_ids)
        builds.append(len(screener))
        return screener

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(service, "screener_from_database", counting)
        yield make_node(settings, db), builds
    db.dispose()


def test_api_pages_and_cargo_share_one_screener(fresh: tuple[Node, list[int]]) -> None:
    node, builds = fresh
    api = node.client("ana").post("/api/screen", json={"name": "LIMMT Economic and Trade Company"})
    assert api.status_code == 200 and api.json()["matches"]
    browser, _ = signed_in(node, "ana")
    page = browser.get("/screen", params={"name": "LIMMT Economic and Trade Company"})
    assert page.status_code == 200 and "LIMMT" in page.text
    match = node.client("ana").post(
        "/match/default", json={"queries": {"q": {"schema": "Company", "properties": {"name": ["LIMMT"]}}}}
    )
    assert match.status_code == 200
    runtime: Runtime = node.app.state.runtime
    party_screener, _goods = runtime.matchers()
    assert party_screener.screener is runtime.screener()  # type: ignore[attr-defined]
    # the SDN slice was indexed once for the whole process
    assert builds == [len(runtime.screener())] and builds[0] > 0
    # ... and kept in the signed cache for the next process
    assert list((node.settings.var_dir / "screening").glob("index-*.tlidx"))


@pytest.mark.slow
def test_warm_then_the_classifier_follows_the_stored_catalogue(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var", database_url=None, data_dir=BUNDLED_DATA)
    db = Database.from_settings(settings)
    db.upgrade()
    try:
        runtime = Runtime(settings, db)
        report = dict(runtime.warm())  # no lists, no node identity, no stored catalogue: reported, not raised
        assert report["screener"].startswith("not ready") and "lists load" in report["screener"]
        assert report["exchange node"].startswith("not ready") and "node init" in report["exchange node"]
        bundled = runtime.classifier()
        assert report["classifier"] == f"{len(bundled.by_code):,} control entries"
        assert runtime.classifier() is bundled  # built once while the catalogue does not change
        load_catalogue(settings, db)
        with db.transaction() as session:
            stored = CatalogueStore(session).versions()
        after = runtime.classifier()
        assert after is not bundled
        # the catalogue it classifies against is the stored one, by snapshot id
        assert after.catalogue.version == ", ".join(f"{source} #{sid}" for source, sid in sorted(stored.items()))
        assert runtime.classifier() is after
    finally:
        db.dispose()
