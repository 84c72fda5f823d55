"""Shipments, outcomes and learned models in the database (one transaction per operation)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import delete, select

from tripline.cargo.indicators import normalise_party
from tripline.cargo.learn import LearnedModel
from tripline.cargo.model import Role, Shipment
from tripline.cargo.models import CargoContainer, CargoModel, CargoOutcome, CargoShipment
from tripline.cargo.readers import read_manifest
from tripline.cargo.reference import ReferenceData
from tripline.cargo.validate import RowError
from tripline.errors import InputError, NotFoundError
from tripline.store.db import Database

log = structlog.get_logger(__name__)


class OutcomeResult(StrEnum):
    INSPECTED_CLEAN = "inspected_clean"
    SEIZED = "seized"
    REFERRED = "referred"

    @property
    def positive(self) -> bool:
        return self is not OutcomeResult.INSPECTED_CLEAN


def parse_result(value: str, *, field: str = "result") -> OutcomeResult:
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"clean": "inspected_clean", "ok": "inspected_clean"}
    try:
        return OutcomeResult(aliases.get(key, key))
    except ValueError:
        choices = ", ".join(r.value for r in OutcomeResult)
        raise InputError(f"unknown outcome {value!r} (expected one of {choices})", field=field) from None


@dataclass
class LoadSummary:
    file: str
    loaded: int = 0
    errors: list[RowError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "loaded": self.loaded,
            "rejected": len(self.errors),
            "errors": [{"file": e.file, "line": e.line, "field": e.field, "reason": e.reason} for e in self.errors],
        }


PROGRESS_EVERY = 25  # rows between two progress calls of a load


def load_manifest(
    db: Database,
    path: Path,
    ref: ReferenceData,
    *,
    authority: str = "",
    source_file: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadSummary:
    """Validate a manifest and store its good shipments for ``authority`` in one transaction.

    Rows that fail validation, or whose bill of lading that authority already stored, are reported
    and skipped (another authority's bills neither block nor show); if the database fails, nothing
    of the file is stored. ``source_file``: the name the rows record (default ``path``), for a
    file read under a temporary name and renamed once the rows are committed. ``progress(done,
    total)`` is called as the checked rows are stored (``total``: the rows that passed validation).
    """
    result = read_manifest(path, ref)
    summary = LoadSummary(str(path), errors=list(result.errors))
    now = datetime.now(UTC)
    with db.transaction() as session:
        wanted = [s.bill_of_lading for s in result.shipments]
        existing: set[str] = set()
        for chunk in range(0, len(wanted), 500):
            rows = session.scalars(
                select(CargoShipment.bill_of_lading).where(
                    CargoShipment.authority == authority,
                    CargoShipment.bill_of_lading.in_(wanted[chunk : chunk + 500]),
                )
            )
            existing.update(rows)
        total = len(result.shipments)
        for done, s in enumerate(result.shipments):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, total)
            line = result.lines[s.bill_of_lading]
            if s.bill_of_lading in existing:
                summary.errors.append(RowError(str(path), line, "bill_of_lading", "already loaded"))
                continue
            shipper = s.party(Role.SHIPPER)
            row = CargoShipment(
                authority=authority,
                bill_of_lading=s.bill_of_lading,
                shipper_key=normalise_party(shipper.name)[:200] if shipper else "",
                departure_date=s.departure_date,
                source_file=(source_file or str(path))[-500:],
                source_line=line,
                loaded_at=now,
                payload=s.model_dump(mode="json"),
            )
            session.add(row)
            session.flush()
            session.add_all(CargoContainer(shipment_id=row.id, container_number=c) for c in s.containers)
            summary.loaded += 1
        if progress is not None:
            progress(total, total)
    summary.errors.sort(key=lambda e: e.line)
    log.info("manifest loaded", file=str(path), loaded=summary.loaded, rejected=len(summary.errors))
    return summary


def forget_source(db: Database, source_file: str, *, authority: str = "") -> int:
    """Delete ``authority``'s shipments stored from ``source_file`` (an upload that never completed)."""
    with db.transaction() as session:
        ids = list(
            session.scalars(
                select(CargoShipment.id).where(
                    CargoShipment.authority == authority, CargoShipment.source_file == source_file[-500:]
                )
            )
        )
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            session.execute(delete(CargoContainer).where(CargoContainer.shipment_id.in_(part)))
            session.execute(delete(CargoShipment).where(CargoShipment.id.in_(part)))
    if ids:
        log.warning("orphaned manifest rows removed", source=source_file, shipments=len(ids))
    return len(ids)


def known_shippers(db: Database, *, authority: str = "") -> set[str]:
    with db.transaction() as session:
        q = select(CargoShipment.shipper_key).where(CargoShipment.authority == authority).distinct()
        return set(session.scalars(q))


def shippers_outside(db: Database, source_file: str, *, authority: str = "") -> set[str]:
    """Shippers of ``authority``'s shipments stored from files other than ``source_file``."""
    with db.transaction() as session:
        q = (
            select(CargoShipment.shipper_key)
            .where(CargoShipment.authority == authority, CargoShipment.source_file != source_file)
            .distinct()
        )
        return set(session.scalars(q))


def stored_shipments(db: Database, bills: Iterable[str] | None = None, *, authority: str = "") -> list[Shipment]:
    with db.transaction() as session:
        query = select(CargoShipment.payload).where(CargoShipment.authority == authority).order_by(CargoShipment.id)
        if bills is not None:
            wanted = list(bills)
            out: list[Shipment] = []
            for chunk in range(0, len(wanted), 500):
                q = query.where(CargoShipment.bill_of_lading.in_(wanted[chunk : chunk + 500]))
                out.extend(Shipment.model_validate(p) for p in session.scalars(q))
            return out
        return [Shipment.model_validate(p) for p in session.scalars(query)]


def record_outcome(
    db: Database, bill_of_lading: str, result: OutcomeResult, note: str = "", *, authority: str = ""
) -> dict[str, Any]:
    """Record an inspection outcome for a shipment ``authority`` stored (the latest outcome counts)."""
    with db.transaction() as session:
        found = session.scalar(
            select(CargoShipment.id).where(
                CargoShipment.authority == authority, CargoShipment.bill_of_lading == bill_of_lading
            )
        )
        if found is None:
            raise NotFoundError(f"no shipment with bill of lading {bill_of_lading!r} is loaded", field="bill_of_lading")
        row = CargoOutcome(
            authority=authority,
            bill_of_lading=bill_of_lading,
            result=result.value,
            note=note,
            recorded_at=datetime.now(UTC),
        )
        session.add(row)
    return {"bill_of_lading": bill_of_lading, "result": result.value, "note": note}


def record_outcomes(
    db: Database, rows: Iterable[tuple[str, OutcomeResult, str]], *, file: Path | None = None, authority: str = ""
) -> int:
    """Record many outcomes in one transaction; an unknown bill of lading rejects the whole batch."""
    items = list(rows)
    now = datetime.now(UTC)
    with db.transaction() as session:
        wanted = sorted({bl for bl, _, _ in items})
        found: set[str] = set()
        for chunk in range(0, len(wanted), 500):
            q = select(CargoShipment.bill_of_lading).where(
                CargoShipment.authority == authority, CargoShipment.bill_of_lading.in_(wanted[chunk : chunk + 500])
            )
            found.update(session.scalars(q))
        missing = [bl for bl in wanted if bl not in found]
        if missing:
            raise NotFoundError(
                f"{len(missing)} bill(s) of lading not loaded, e.g. {missing[0]!r}; nothing recorded",
                file=file,
                field="bill_of_lading",
            )
        session.add_all(
            CargoOutcome(authority=authority, bill_of_lading=bl, result=result.value, note=note, recorded_at=now)
            for bl, result, note in items
        )
    return len(items)


def outcomes(db: Database, *, authority: str = "") -> dict[str, bool]:
    """Latest outcome per bill of lading of ``authority``: True if seized or referred."""
    with db.transaction() as session:
        rows = session.execute(
            select(CargoOutcome.bill_of_lading, CargoOutcome.result)
            .where(CargoOutcome.authority == authority)
            .order_by(CargoOutcome.id)
        )
        return {bl: OutcomeResult(result).positive for bl, result in rows}


def save_model(db: Database, model: LearnedModel) -> int:
    with db.transaction() as session:
        row = CargoModel(
            created_at=datetime.now(UTC), samples=model.samples, positives=model.positives, model=model.to_dict()
        )
        session.add(row)
        session.flush()
        return int(row.id)


def latest_model(db: Database) -> LearnedModel | None:
    with db.transaction() as session:
        data = session.scalar(select(CargoModel.model).order_by(CargoModel.id.desc()).limit(1))
        return LearnedModel.from_dict(data) if data else None


def clear_outcomes(db: Database) -> None:
    with db.transaction() as session:
        session.execute(delete(CargoOutcome))
