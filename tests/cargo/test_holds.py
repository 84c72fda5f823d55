"""Holds at the port, on SQLite and PostgreSQL: a reason is required, a held shipment cannot be held
twice, a release needs a note and reopens nothing, and every authority's holds are its own (the same
bill of lading loaded by two authorities is held by one and free at the other)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.cargo.conftest import make_shipment
from tripline.cargo import holds, run
from tripline.cargo.flat import COLUMNS, shipment_to_flat
from tripline.cargo.models import CargoHold
from tripline.cargo.reference import ReferenceData
from tripline.errors import ConflictError, InputError, NotFoundError
from tripline.store.db import Database


def _load(db: Database, ref: ReferenceData, tmp_path: Path, authority: str) -> None:
    path = tmp_path / f"{authority or 'cli'}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerow(shipment_to_flat(make_shipment(bill_of_lading="HOLD1", containers=["CSQU3054383"])))
        writer.writerow(shipment_to_flat(make_shipment(bill_of_lading="HOLD2", containers=["MSCU1234566"])))
    assert run.load_manifest(db, path, ref, authority=authority).loaded == 2


def _rows(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(CargoHold)) or 0


def test_hold_and_release_per_authority(any_db: Database, ref: ReferenceData, tmp_path: Path) -> None:
    _load(any_db, ref, tmp_path, "jp-customs")
    _load(any_db, ref, tmp_path, "us-cbp")
    made = holds.hold_shipment(
        any_db, "jp-customs", "HOLD1", reason="  neutron  excess at the portal ", by="tom", container="csqu3054383"
    )
    assert made.active and made.reason == "neutron excess at the portal" and made.container == "CSQU3054383"
    assert set(holds.held(any_db, "jp-customs")) == {"HOLD1"}
    assert holds.held(any_db, "us-cbp") == {}  # the same bill of lading at another authority is not held
    assert set(holds.held(any_db, "jp-customs", ["HOLD1", "HOLD2", "NOPE"])) == {"HOLD1"}
    with pytest.raises(ConflictError, match=r"already held \(by tom"):
        holds.hold_shipment(any_db, "jp-customs", "HOLD1", reason="again", by="ann")
    with pytest.raises(NotFoundError):  # another authority cannot lift it
        holds.release_shipment(any_db, "us-cbp", "HOLD1", note="cleared", by="uma")
    lifted = holds.release_shipment(any_db, "jp-customs", "HOLD1", note="hand-held scan: K-40 only", by="ann")
    assert not lifted.active and lifted.released_by == "ann" and lifted.release_note == "hand-held scan: K-40 only"
    assert holds.held(any_db, "jp-customs") == {}
    with pytest.raises(NotFoundError, match="not held"):
        holds.release_shipment(any_db, "jp-customs", "HOLD1", note="twice", by="ann")
    again = holds.hold_shipment(any_db, "jp-customs", "HOLD1", reason="repeat alarm", by="ann")
    assert again.active and again.held_by == "ann" and again.release_note == ""
    assert _rows(any_db) == 1  # one row per authority and bill of lading, reopened


def test_a_hold_needs_a_reason_and_a_loaded_shipment(any_db: Database, ref: ReferenceData, tmp_path: Path) -> None:
    _load(any_db, ref, tmp_path, "jp-customs")
    with pytest.raises(InputError, match="give a reason") as blank:
        holds.hold_shipment(any_db, "jp-customs", "HOLD1", reason="   ", by="tom")
    assert blank.value.field == "reason"
    with pytest.raises(NotFoundError, match="HOLD9"):
        holds.hold_shipment(any_db, "jp-customs", "HOLD9", reason="x", by="tom")
    with pytest.raises(NotFoundError):  # loaded by jp-customs only
        holds.hold_shipment(any_db, "us-cbp", "HOLD1", reason="x", by="uma")
    with pytest.raises(InputError, match="not on bill of lading HOLD1"):
        holds.hold_shipment(any_db, "jp-customs", "HOLD1", reason="x", by="tom", container="MSCU1234566")
    with pytest.raises(InputError, match="longer than"):
        holds.hold_shipment(any_db, "jp-customs", "HOLD1", reason="x" * 2001, by="tom")
    holds.hold_shipment(any_db, "jp-customs", "HOLD1", reason="x", by="tom")
    with pytest.raises(InputError, match="give a reason to release"):
        holds.release_shipment(any_db, "jp-customs", "HOLD1", note="", by="tom")
    assert _rows(any_db) == 1  # nothing else was written


def test_store_functions_write_in_the_callers_transaction(any_db: Database, ref: ReferenceData, tmp_path: Path) -> None:
    """The store functions never commit: a failure later in the caller's transaction leaves no hold."""
    from datetime import UTC, datetime

    _load(any_db, ref, tmp_path, "jp-customs")

    class Later(Exception):
        pass

    with pytest.raises(Later), any_db.transaction() as session:
        holds.put_hold(session, "jp-customs", "HOLD2", container="", reason="r", by="tom", now=datetime.now(UTC))
        assert set(holds.active_holds(session, "jp-customs")) == {"HOLD2"}  # visible inside
        raise Later
    assert _rows(any_db) == 0
