"""Storage on SQLite and PostgreSQL: loads are all-or-nothing per file, outcomes, learned models."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.cargo.conftest import make_shipment
from tests.cargo.refused import refused_manifests
from tripline.cargo import run, store
from tripline.cargo.flat import shipment_to_flat
from tripline.cargo.learn import LearnedModel
from tripline.cargo.models import CargoContainer, CargoShipment
from tripline.cargo.readers import write_manifest
from tripline.cargo.reference import ReferenceData
from tripline.errors import InputError, NotFoundError, StorageError
from tripline.store.db import Database


def _count(db: Database) -> tuple[int, int]:
    with db.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(CargoShipment)) or 0,
            session.scalar(select(func.count()).select_from(CargoContainer)) or 0,
        )


def _manifest_with_bad_rows(tmp_path: Path) -> Path:
    import csv

    from tripline.cargo.flat import COLUMNS

    rows = [shipment_to_flat(make_shipment(bill_of_lading=f"S{i}")) for i in range(4)]
    rows[2]["containers"] = "CSQU3054384"  # wrong check digit
    path = tmp_path / "m.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_good_rows_load_and_bad_rows_are_reported(any_db: Database, ref: ReferenceData, tmp_path: Path) -> None:
    summary = run.load_manifest(any_db, _manifest_with_bad_rows(tmp_path), ref)
    assert summary.loaded == 3
    assert [(e.line, e.field) for e in summary.errors] == [(4, "containers")]
    assert _count(any_db) == (3, 3)
    again = run.load_manifest(any_db, tmp_path / "m.csv", ref)
    assert again.loaded == 0
    assert {e.reason for e in again.errors} == {
        "already loaded",
        "not a valid ISO 6346 container number (The number's checksum or check digit is invalid.)",
    }
    assert _count(any_db) == (3, 3)
    stored = run.stored_shipments(any_db, ["S0", "S3"])
    assert [s.bill_of_lading for s in stored] == ["S0", "S3"]
    assert stored[0] == make_shipment(bill_of_lading="S0")


def test_a_database_failure_leaves_nothing_half_written(
    any_db: Database, ref: ReferenceData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.jsonl"
    write_manifest(path, [make_shipment(bill_of_lading=f"T{i}") for i in range(5)])
    original = CargoContainer.__init__
    calls = {"n": 0}

    def failing(self: CargoContainer, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            kwargs["container_number"] = "X" * 50  # too long for String(11) on PostgreSQL; NULL-free check on SQLite
            kwargs["shipment_id"] = -1  # a foreign key that does not exist
        original(self, **kwargs)

    monkeypatch.setattr(CargoContainer, "__init__", failing)
    with pytest.raises(StorageError):
        run.load_manifest(any_db, path, ref)
    assert _count(any_db) == (0, 0)


def test_outcomes_recorded_latest_wins_and_unknown_bills_refused(
    any_db: Database, ref: ReferenceData, tmp_path: Path
) -> None:
    path = tmp_path / "m.jsonl"
    write_manifest(path, [make_shipment(bill_of_lading=f"O{i}") for i in range(3)])
    run.load_manifest(any_db, path, ref)
    run.record_outcome(any_db, "O0", store.OutcomeResult.INSPECTED_CLEAN)
    run.record_outcome(any_db, "O0", store.parse_result("seized"), "found 2B009 machine")
    run.record_outcomes(any_db, [("O1", store.OutcomeResult.INSPECTED_CLEAN, "")])
    assert run.outcomes(any_db) == {"O0": True, "O1": False}
    with pytest.raises(NotFoundError):
        run.record_outcome(any_db, "NOPE", store.OutcomeResult.SEIZED)
    with pytest.raises(NotFoundError, match="nothing recorded"):
        run.record_outcomes(any_db, [("O2", store.OutcomeResult.SEIZED, ""), ("NOPE", store.OutcomeResult.SEIZED, "")])
    assert "O2" not in run.outcomes(any_db)
    with pytest.raises(InputError, match="unknown outcome"):
        store.parse_result("confiscated-ish")


def test_learned_model_round_trip_and_known_shippers(any_db: Database, ref: ReferenceData, tmp_path: Path) -> None:
    assert run.latest_model(any_db) is None
    model = LearnedModel(-2.0, {"transshipment_hub": 1.5}, 100, 7, 1.0)
    run.save_model(any_db, model)
    assert run.latest_model(any_db) == model
    path = tmp_path / "m.jsonl"
    write_manifest(path, [make_shipment()])
    run.load_manifest(any_db, path, ref)
    assert run.known_shippers(any_db) == {"ningbo hengda manufacturing co ltd"}
    assert run.shippers_outside(any_db, str(path)) == set()


def test_a_refused_manifest_stores_nothing_and_earlier_ones_survive(
    any_db: Database, ref: ReferenceData, tmp_path: Path
) -> None:
    first = tmp_path / "first.jsonl"
    write_manifest(first, [make_shipment(bill_of_lading="KEEP1"), make_shipment(bill_of_lading="KEEP2")])
    assert run.load_manifest(any_db, first, ref).loaded == 2
    before = run.stored_shipments(any_db, ["KEEP1", "KEEP2"])
    for what, (path, says) in refused_manifests(tmp_path).items():
        with pytest.raises(InputError) as caught:
            run.load_manifest(any_db, path, ref)
        assert caught.value.file is not None and Path(str(caught.value.file)).name == path.name, what
        assert says.lower() in caught.value.message.lower(), (what, caught.value.message)
        assert _count(any_db) == (2, 2), what
    assert run.stored_shipments(any_db, ["KEEP1", "KEEP2"]) == before


def test_store_functions_join_the_callers_transaction(any_db: Database, ref: ReferenceData, tmp_path: Path) -> None:
    """The store never commits on its own: shipments and an outcome written in one session by a
    caller that then fails are all rolled back, and committed together when it does not fail."""
    from tripline.cargo.readers import read_manifest

    path = tmp_path / "m.jsonl"
    write_manifest(path, [make_shipment(bill_of_lading="TX1"), make_shipment(bill_of_lading="TX2")])
    result = read_manifest(path, ref)
    with pytest.raises(NotFoundError), any_db.transaction() as session:
        assert store.add_shipments(session, path, result).loaded == 2
        store.record_outcome(session, "TX1", store.OutcomeResult.SEIZED)
        assert store.outcomes(session) == {"TX1": True}  # visible inside the transaction
        store.record_outcome(session, "NOPE", store.OutcomeResult.SEIZED)
    assert _count(any_db) == (0, 0)
    assert run.outcomes(any_db) == {}
    with any_db.transaction() as session:
        store.add_shipments(session, path, result)
        store.record_outcome(session, "TX2", store.OutcomeResult.INSPECTED_CLEAN)
    assert _count(any_db) == (2, 2)
    assert run.outcomes(any_db) == {"TX2": False}
