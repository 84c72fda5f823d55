"""Progress of a manifest load: ``load_manifest`` says how many of the checked rows it stored, from 0
to all of them, in order; a bill of lading already loaded still counts as a row gone through; and
the workspace reports the stages an upload page shows."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.cargo.conftest import make_shipment
from tripline.cargo import run
from tripline.cargo.flat import COLUMNS, shipment_to_flat
from tripline.cargo.reference import ReferenceData
from tripline.store.db import Database


def _manifest(path: Path, bills: list[str], bad: int = 0) -> Path:
    rows = [shipment_to_flat(make_shipment(bill_of_lading=b)) for b in bills]
    for row in rows[:bad]:
        row["containers"] = "CSQU3054384"  # a wrong check digit: rejected by the checks
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_load_reports_rows_stored_of_the_checked_rows(any_db: Database, ref: ReferenceData, tmp_path: Path) -> None:
    bills = [f"P{i:04d}" for i in range(120)]
    calls: list[tuple[int, int]] = []
    summary = run.load_manifest(
        any_db, _manifest(tmp_path / "m.csv", bills, bad=3), ref, progress=lambda d, t: calls.append((d, t))
    )
    assert summary.loaded == 117 and len(summary.errors) == 3
    assert {t for _, t in calls} == {117}  # the rows that passed the checks
    done = [d for d, _ in calls]
    assert done[0] == 0 and done[-1] == 117 and done == sorted(done)
    assert 50 in done and 100 in done  # reported every 25 rows, not only at the ends
    # loaded again: every row is a duplicate, reported and gone through all the same
    again: list[tuple[int, int]] = []
    second = run.load_manifest(any_db, tmp_path / "m.csv", ref, progress=lambda d, t: again.append((d, t)))
    assert second.loaded == 0 and again[-1] == (117, 117)


def test_workspace_add_reports_its_stages(tmp_path: Path, ref: ReferenceData) -> None:
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user, get_principal
    from tripline.cases.workspace import Workspace
    from tripline.runtime import Runtime
    from tripline.settings import REPO_DIR, Settings

    settings = Settings(var_dir=tmp_path / "var", database_url=None, data_dir=REPO_DIR / "data")
    db = Database.from_settings(settings)
    db.upgrade()
    try:
        create_user(db, "tom", role=Role.TARGETER, authority="jp-customs", password="a long test password 1")
        seen: list[tuple[str, int, int]] = []
        data = _manifest(tmp_path / "w.csv", [f"W{i:03d}" for i in range(30)]).read_bytes()
        info = Workspace(Runtime(settings, db)).add(
            get_principal(db, "tom"), "w.csv", data, progress=lambda *a: seen.append(a)
        )
        assert info.loaded == 30
        assert seen[0] == ("reading and checking the rows", 0, 0)
        assert seen[1] == ("storing rows", 0, 30) and seen[-1] == ("storing rows", 30, 30)
        assert ("storing rows", 25, 30) in seen
    finally:
        db.dispose()
