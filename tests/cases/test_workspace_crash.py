"""Issue 18 item 9: a manifest upload is stored atomically; a process killed mid-way leaves nothing
that hides the manifest or blocks its re-upload once the next process has swept.

The kill is simulated by a KeyboardInterrupt (not caught as an Exception) raised at the worst
moment: just after the rows were committed, before the manifest became visible.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.cargo.conftest import make_shipment
from tripline.auth.roles import Role
from tripline.auth.service import Principal
from tripline.cargo import run, store
from tripline.cargo.flat import COLUMNS, shipment_to_flat
from tripline.cases.workspace import Workspace
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database

TARGETER = Principal(
    user_id=1,
    username="tom",
    display_name="tom",
    role=Role.TARGETER,
    authority_id=1,
    authority_code="JP-CUSTOMS",
    authority_name="Japan Customs",
)


def _manifest_bytes(tmp_path: Path, n: int) -> bytes:
    path = tmp_path / "m.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(shipment_to_flat(make_shipment(bill_of_lading=f"CRASH-{i}")) for i in range(n))
    return path.read_bytes()


def test_kill_after_commit_leaves_nothing_that_blocks_a_reupload(
    settings: Settings, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: the rows stayed, the manifest was invisible, and a re-upload loaded 0 of 20."""
    data = _manifest_bytes(tmp_path, 20)
    real_load = run.load_manifest

    def load_then_die(*args: object, **kwargs: object) -> store.LoadSummary:
        real_load(*args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt("killed just after the commit")

    monkeypatch.setattr(run, "load_manifest", load_then_die)
    with pytest.raises(KeyboardInterrupt):
        Workspace(Runtime(settings, db)).add(TARGETER, "m.csv", data)
    monkeypatch.setattr(run, "load_manifest", real_load)

    restarted = Workspace(Runtime(settings, db), orphan_age_s=0)  # the next process, long after
    assert restarted.manifests(TARGETER) == []
    folder = settings.var_dir / "console" / "manifests" / "JP-CUSTOMS"
    assert [p.name for p in folder.rglob("*") if p.is_file()] == []  # no orphaned file either
    again = restarted.add(TARGETER, "m.csv", data)
    assert again.loaded == 20 and again.rejected == 0
    assert [m.id for m in restarted.manifests(TARGETER)] == [again.id]


def test_sweep_spares_recent_uploads_and_complete_manifests(settings: Settings, db: Database, tmp_path: Path) -> None:
    ws = Workspace(Runtime(settings, db), orphan_age_s=0)
    done = ws.add(TARGETER, "m.csv", _manifest_bytes(tmp_path, 3), scans=b'{"x": 1}\n')
    fresh = Workspace(Runtime(settings, db), orphan_age_s=3600)
    folder = ws.folder(TARGETER)
    (folder / ".incoming" / "abcdef0123456789.csv").write_bytes(b"in progress")
    fresh.manifests(TARGETER)  # sweeps: the in-progress upload is younger than the age limit
    assert (folder / ".incoming" / "abcdef0123456789.csv").exists()
    swept = Workspace(Runtime(settings, db), orphan_age_s=0)
    assert [m.id for m in swept.manifests(TARGETER)] == [done.id]
    assert swept.manifest(TARGETER, done.id).has_scans and swept.manifest(TARGETER, done.id).loaded == 3
