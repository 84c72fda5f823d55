"""Issue 18 items 3 and 4: every store kept per authority, checked for two authorities on SQLite and
PostgreSQL. What one authority writes must neither change nor reveal what another reads, and
uniqueness holds per authority (no oracle for another authority's keys, no way to block its loads)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.cargo.conftest import make_shipment
from tests.conftest import BUNDLED_DATA
from tripline.cargo import run
from tripline.cargo import store as cargo
from tripline.cargo.flat import COLUMNS, shipment_to_flat
from tripline.cargo.reference import ReferenceData, load_reference
from tripline.errors import NotFoundError
from tripline.screening import counterparties
from tripline.screening.decisions import Verdict, latest_decisions, query_key, record_decision
from tripline.screening.normalize import Normaliser
from tripline.store.db import Database

A, B = "jp-customs", "us-cbp"


@pytest.fixture(scope="module")
def ref() -> ReferenceData:
    return load_reference(BUNDLED_DATA)


def _manifest(tmp_path: Path, name: str, bills: list[str], shipper: str = "Example Trading Co.") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(shipment_to_flat(make_shipment(bill_of_lading=bl)) for bl in bills)
    return path


def test_screening_decisions_belong_to_their_authority(any_db: Database) -> None:
    """Failed before: B's false positive became the latest decision and A's confirmed hit vanished."""
    norm = Normaliser()
    with any_db.transaction() as session:
        record_decision(
            session,
            norm,
            query_name="Acme Ltd",
            entity_id="e1",
            verdict=Verdict.CONFIRMED,
            reason="same registration number",
            decided_by="ana@" + A,
            authority=A,
        )
    with any_db.transaction() as session:
        record_decision(
            session,
            norm,
            query_name="ACME Limited",
            entity_id="e1",
            verdict=Verdict.FALSE_POSITIVE,
            reason="other company",
            decided_by="bob@" + B,
            authority=B,
        )
    key = query_key(norm, "Acme Ltd")
    with any_db.transaction() as session:
        seen_by_a = latest_decisions(session, key, ["e1"], authority=A)
        seen_by_b = latest_decisions(session, key, ["e1"], authority=B)
        seen_by_c = latest_decisions(session, key, ["e1"], authority="fr-douane")
    assert seen_by_a["e1"].verdict is Verdict.CONFIRMED and seen_by_a["e1"].decided_by == "ana@" + A
    assert seen_by_b["e1"].verdict is Verdict.FALSE_POSITIVE
    assert seen_by_c == {}


def test_bill_of_lading_uniqueness_is_per_authority(any_db: Database, ref: ReferenceData, tmp_path: Path) -> None:
    """Failed before: B loading a copy of A's manifest got "already loaded" for every row (an oracle
    for A's bills of lading, and a way to block A's loads)."""
    path = _manifest(tmp_path, "a.csv", ["BL-1", "BL-2"])
    first = run.load_manifest(any_db, path, ref, authority=A)
    assert first.loaded == 2 and not first.errors
    copy = run.load_manifest(any_db, _manifest(tmp_path, "b.csv", ["BL-1", "BL-2"]), ref, authority=B)
    assert copy.loaded == 2 and not copy.errors
    again = run.load_manifest(any_db, path, ref, authority=A)
    assert again.loaded == 0 and {e.reason for e in again.errors} == {"already loaded"}
    assert [s.bill_of_lading for s in run.stored_shipments(any_db, ["BL-1"], authority=A)] == ["BL-1"]
    assert len(run.stored_shipments(any_db, authority=B)) == 2


def test_outcomes_and_shipper_history_are_per_authority(any_db: Database, ref: ReferenceData, tmp_path: Path) -> None:
    run.load_manifest(any_db, _manifest(tmp_path, "a.csv", ["BL-9"]), ref, authority=A)
    with pytest.raises(NotFoundError):  # B cannot probe or annotate A's shipment
        run.record_outcome(any_db, "BL-9", cargo.OutcomeResult.SEIZED, authority=B)
    with pytest.raises(NotFoundError):
        run.record_outcomes(any_db, [("BL-9", cargo.OutcomeResult.SEIZED, "")], authority=B)
    run.record_outcome(any_db, "BL-9", cargo.OutcomeResult.SEIZED, authority=A)
    assert run.outcomes(any_db, authority=A) == {"BL-9": True}
    assert run.outcomes(any_db, authority=B) == {}
    assert run.known_shippers(any_db, authority=A) and run.known_shippers(any_db, authority=B) == set()


def test_counterparties_are_per_authority(any_db: Database) -> None:
    with any_db.transaction() as session:
        counterparties.add_counterparty(session, ref="C-1", name="Acme Ltd", authority=A)
    with any_db.transaction() as session:  # the same reference in another authority is no conflict
        counterparties.add_counterparty(session, ref="C-1", name="Other Co", authority=B)
    with any_db.transaction() as session:
        mine = counterparties.list_counterparties(session, authority=A)
        theirs = counterparties.list_counterparties(session, authority=B)
    assert [c["name"] for c in mine] == ["Acme Ltd"] and [c["name"] for c in theirs] == ["Other Co"]
