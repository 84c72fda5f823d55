"""Shipments held at the port: an officer holds a shipment (from the queue or one of its containers)
with a reason, and lifts the hold with a note. Holds belong to an authority; one authority never
sees, lifts or counts another's.

Store functions take the caller's SQLAlchemy ``Session`` and never open or end a transaction; the
service functions below own ``db.transaction()``, so each hold or release is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tripline.cargo.models import CargoContainer, CargoHold, CargoShipment
from tripline.errors import ConflictError, InputError, NotFoundError
from tripline.store.db import Database

MAX_REASON = 2000


@dataclass(frozen=True)
class Hold:
    bill_of_lading: str
    container: str
    reason: str
    held_by: str
    held_at: datetime
    released_by: str | None = None
    released_at: datetime | None = None
    release_note: str = ""

    @property
    def active(self) -> bool:
        return self.released_at is None


def _view(row: CargoHold) -> Hold:
    return Hold(
        row.bill_of_lading, row.container, row.reason, row.held_by, row.held_at, row.released_by, row.released_at,
        row.release_note,
    )  # fmt: skip


# --- store: the caller's session --------------------------------------------------------------


def shipment_exists(session: Session, authority: str, bill_of_lading: str) -> bool:
    found = session.scalar(
        select(CargoShipment.id).where(
            CargoShipment.authority == authority, CargoShipment.bill_of_lading == bill_of_lading
        )
    )
    return found is not None


def container_of(session: Session, authority: str, bill_of_lading: str, container: str) -> bool:
    """Whether ``container`` is one of that authority's shipment's containers."""
    found = session.scalar(
        select(CargoContainer.id)
        .join(CargoShipment, CargoShipment.id == CargoContainer.shipment_id)
        .where(
            CargoShipment.authority == authority,
            CargoShipment.bill_of_lading == bill_of_lading,
            CargoContainer.container_number == container,
        )
    )
    return found is not None


def get_hold(session: Session, authority: str, bill_of_lading: str) -> CargoHold | None:
    return session.scalar(
        select(CargoHold).where(CargoHold.authority == authority, CargoHold.bill_of_lading == bill_of_lading)
    )


def put_hold(
    session: Session, authority: str, bill_of_lading: str, *, container: str, reason: str, by: str, now: datetime
) -> CargoHold:
    """Hold the shipment (reopening a released hold); :class:`ConflictError` when it is already held."""
    row = get_hold(session, authority, bill_of_lading)
    if row is not None and row.released_at is None:
        raise ConflictError(
            f"{bill_of_lading} is already held (by {row.held_by} since {row.held_at:%Y-%m-%d %H:%M} UTC)",
            field="bill_of_lading",
        )
    if row is None:
        row = CargoHold(authority=authority, bill_of_lading=bill_of_lading)
        session.add(row)
    row.container, row.reason, row.held_by, row.held_at = container, reason, by, now
    row.released_by, row.released_at, row.release_note = None, None, ""
    session.flush()
    return row


def lift_hold(session: Session, authority: str, bill_of_lading: str, *, note: str, by: str, now: datetime) -> CargoHold:
    row = get_hold(session, authority, bill_of_lading)
    if row is None or row.released_at is not None:
        raise NotFoundError(f"{bill_of_lading} is not held", field="bill_of_lading")
    row.released_by, row.released_at, row.release_note = by, now, note
    session.flush()
    return row


def active_holds(session: Session, authority: str, bills: Iterable[str] | None = None) -> dict[str, Hold]:
    """The authority's shipments on hold now, by bill of lading (only among ``bills`` when given)."""
    query = select(CargoHold).where(CargoHold.authority == authority, CargoHold.released_at.is_(None))
    wanted = sorted(set(bills)) if bills is not None else None
    if wanted is None:
        return {r.bill_of_lading: _view(r) for r in session.scalars(query)}
    out: dict[str, Hold] = {}
    for chunk in range(0, len(wanted), 500):
        rows = session.scalars(query.where(CargoHold.bill_of_lading.in_(wanted[chunk : chunk + 500])))
        out.update((r.bill_of_lading, _view(r)) for r in rows)
    return out


# --- service: one transaction each ------------------------------------------------------------


def _clean(text: str, what: str, field: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise InputError(f"give a reason to {what}", field=field)
    if len(value) > MAX_REASON:
        raise InputError(f"the reason is longer than {MAX_REASON} characters", field=field)
    return value


def hold_shipment(
    db: Database, authority: str, bill_of_lading: str, *, reason: str, by: str, container: str = ""
) -> Hold:
    """Hold ``authority``'s shipment (a reason is required); ``container``: the one it was held from."""
    why = _clean(reason, "hold the shipment", "reason")
    container = container.strip().upper()
    with db.transaction() as session:
        if not shipment_exists(session, authority, bill_of_lading):
            raise NotFoundError(f"no shipment with bill of lading {bill_of_lading!r} is loaded", field="bill_of_lading")
        if container and not container_of(session, authority, bill_of_lading, container):
            raise InputError(f"container {container} is not on bill of lading {bill_of_lading}", field="container")
        row = put_hold(
            session, authority, bill_of_lading, container=container, reason=why, by=by, now=datetime.now(UTC)
        )
        return _view(row)


def release_shipment(db: Database, authority: str, bill_of_lading: str, *, note: str, by: str) -> Hold:
    """Lift ``authority``'s hold of the shipment (a note is required)."""
    said = _clean(note, "release the shipment", "note")
    with db.transaction() as session:
        return _view(lift_hold(session, authority, bill_of_lading, note=said, by=by, now=datetime.now(UTC)))


def held(db: Database, authority: str, bills: Iterable[str] | None = None) -> dict[str, Hold]:
    """The authority's shipments on hold now (one read transaction)."""
    with db.transaction() as session:
        return active_holds(session, authority, bills)
