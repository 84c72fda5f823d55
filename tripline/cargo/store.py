"""Shipments, outcomes and learned models in the database.

Every function here works inside the caller's :class:`~sqlalchemy.orm.Session` and never opens,
commits or rolls back a transaction: the services in :mod:`tripline.cargo.run` own the
transaction (``with db.transaction() as session``), so one action is one transaction however
many of these it calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tripline.cargo.indicators import normalise_party
from tripline.cargo.learn import LearnedModel
from tripline.cargo.model import Role, Shipment
from tripline.cargo.models import CargoContainer, CargoModel, CargoOutcome, CargoShipment
from tripline.cargo.validate import LoadResult, RowError
from tripline.errors import InputError, NotFoundError


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


def add_shipments(
    session: Session,
    path: Path,
    result: LoadResult,
    *,
    authority: str = "",
    source_file: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadSummary:
    """Store the good shipments of a read manifest for ``authority``.

    Rows that failed validation, or whose bill of lading that authority already stored, are
    reported and skipped (another authority's bills neither block nor show). ``source_file``: the
    name the rows record (default ``path``). ``progress(done, total)`` is called as the checked rows
    are stored (``total``: the rows that passed validation).
    """
    summary = LoadSummary(str(path), errors=list(result.errors))
    now = datetime.now(UTC)
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
    return summary


def forget_source(session: Session, source_file: str, *, authority: str = "") -> int:
    """Delete ``authority``'s shipments stored from ``source_file``; how many were deleted."""
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
    return len(ids)


def known_shippers(session: Session, *, authority: str = "") -> set[str]:
    q = select(CargoShipment.shipper_key).where(CargoShipment.authority == authority).distinct()
    return set(session.scalars(q))


def shippers_outside(session: Session, source_file: str, *, authority: str = "") -> set[str]:
    """Shippers of ``authority``'s shipments stored from files other than ``source_file``."""
    q = (
        select(CargoShipment.shipper_key)
        .where(CargoShipment.authority == authority, CargoShipment.source_file != source_file)
        .distinct()
    )
    return set(session.scalars(q))


def stored_shipments(session: Session, bills: Iterable[str] | None = None, *, authority: str = "") -> list[Shipment]:
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
    session: Session, bill_of_lading: str, result: OutcomeResult, note: str = "", *, authority: str = ""
) -> dict[str, Any]:
    """Record an inspection outcome for a shipment ``authority`` stored (the latest outcome counts)."""
    found = session.scalar(
        select(CargoShipment.id).where(
            CargoShipment.authority == authority, CargoShipment.bill_of_lading == bill_of_lading
        )
    )
    if found is None:
        raise NotFoundError(f"no shipment with bill of lading {bill_of_lading!r} is loaded", field="bill_of_lading")
    session.add(
        CargoOutcome(
            authority=authority,
            bill_of_lading=bill_of_lading,
            result=result.value,
            note=note,
            recorded_at=datetime.now(UTC),
        )
    )
    return {"bill_of_lading": bill_of_lading, "result": result.value, "note": note}


def record_outcomes(
    session: Session,
    rows: Iterable[tuple[str, OutcomeResult, str]],
    *,
    file: Path | None = None,
    authority: str = "",
) -> int:
    """Record many outcomes; an unknown bill of lading raises before anything is added."""
    items = list(rows)
    now = datetime.now(UTC)
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


def outcomes(session: Session, *, authority: str = "") -> dict[str, bool]:
    """Latest outcome per bill of lading of ``authority``: True if seized or referred."""
    rows = session.execute(
        select(CargoOutcome.bill_of_lading, CargoOutcome.result)
        .where(CargoOutcome.authority == authority)
        .order_by(CargoOutcome.id)
    )
    return {bl: OutcomeResult(result).positive for bl, result in rows}


def save_model(session: Session, model: LearnedModel) -> int:
    row = CargoModel(
        created_at=datetime.now(UTC), samples=model.samples, positives=model.positives, model=model.to_dict()
    )
    session.add(row)
    session.flush()
    return int(row.id)


def latest_model(session: Session) -> LearnedModel | None:
    data = session.scalar(select(CargoModel.model).order_by(CargoModel.id.desc()).limit(1))
    return LearnedModel.from_dict(data) if data else None
