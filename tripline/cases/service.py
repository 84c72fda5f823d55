"""Case files, always seen through the authority of the person asking.

A case belongs to one authority; a user of another authority gets "not found", never the case.
Every change writes a timeline event (what, when, who) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tripline.auth.roles import Permission
from tripline.auth.service import Principal, aware, now
from tripline.cases.models import Case, CaseEvent, CaseItem, CaseNote
from tripline.errors import ConflictError, InputError, NotFoundError
from tripline.store.db import Database

log = structlog.get_logger(__name__)


class CaseStatus(StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    REFERRED = "referred"
    CLOSED = "closed"


class ItemKind(StrEnum):
    ENTITY = "entity"
    SHIPMENT = "shipment"
    CONTAINER = "container"
    DOCUMENT = "document"
    EXCHANGE = "exchange"


# allowed status changes: a closed case can only be reopened
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.INVESTIGATING, CaseStatus.REFERRED, CaseStatus.CLOSED}),
    CaseStatus.INVESTIGATING: frozenset({CaseStatus.OPEN, CaseStatus.REFERRED, CaseStatus.CLOSED}),
    CaseStatus.REFERRED: frozenset({CaseStatus.INVESTIGATING, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.OPEN}),
}


@dataclass(frozen=True)
class CaseSummary:
    id: int
    title: str
    status: CaseStatus
    created_by: str
    created_at: datetime
    updated_at: datetime
    items: int


@dataclass(frozen=True)
class Item:
    id: int
    kind: ItemKind
    ref: str
    label: str
    details: dict[str, Any]
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class Event:
    at: datetime
    actor: str
    action: str
    detail: str


@dataclass(frozen=True)
class Note:
    id: int
    author: str
    body: str
    at: datetime


@dataclass(frozen=True)
class CaseFile:
    id: int
    authority: str
    title: str
    summary: str
    status: CaseStatus
    created_by: str
    created_at: datetime
    updated_at: datetime
    items: list[Item] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    timeline: list[Event] = field(default_factory=list)

    def items_of(self, kind: ItemKind) -> list[Item]:
        return [i for i in self.items if i.kind == kind]


def _text(value: str, field_name: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise InputError("must not be empty", field=field_name)
    if len(value) > limit:
        raise InputError(f"longer than {limit} characters", field=field_name)
    return value


def _owned(session: Session, principal: Principal, case_id: int) -> Case:
    principal.require(Permission.CASES)
    case = session.get(Case, case_id)
    if case is None or case.authority_id != principal.authority_id:
        raise NotFoundError(f"no case {case_id}", field="case_id")
    return case


def _event(session: Session, case: Case, actor: str, action: str, detail: str) -> None:
    at = now()
    case.updated_at = at
    session.add(CaseEvent(case_id=case.id, at=at, actor=actor, action=action, detail=detail))


def open_case(
    db: Database,
    principal: Principal,
    title: str,
    summary: str = "",
    items: Sequence[tuple[ItemKind, str, str, dict[str, Any]]] = (),
) -> int:
    """Open a case, with ``items`` (kind, ref, label, details) linked in the same transaction."""
    principal.require(Permission.CASES)
    title = _text(title, "title", 256)
    linked = [
        (kind, _text(ref, "ref", 256), _text(label or ref, "label", 512), details)
        for kind, ref, label, details in items
    ]
    if len(summary) > 20000:
        raise InputError("longer than 20000 characters", field="summary")
    with db.transaction() as session:
        at = now()
        case = Case(
            authority_id=principal.authority_id,
            title=title,
            summary=summary.strip(),
            status=CaseStatus.OPEN.value,
            created_by=principal.username,
            created_at=at,
            updated_at=at,
        )
        session.add(case)
        session.flush()
        _event(session, case, principal.username, "opened", title)
        seen: set[tuple[ItemKind, str]] = set()
        for kind, ref, label, details in linked:
            if (kind, ref) in seen:
                continue
            seen.add((kind, ref))
            session.add(
                CaseItem(
                    case_id=case.id, kind=kind.value, ref=ref, label=label, details=details,
                    added_by=principal.username, added_at=at,
                )
            )  # fmt: skip
            _event(session, case, principal.username, f"added {kind.value}", label)
        case_id = case.id
    log.info("case opened", case_id=case_id, authority=principal.authority_code)
    return case_id


def list_cases(db: Database, principal: Principal, status: CaseStatus | None = None) -> list[CaseSummary]:
    principal.require(Permission.CASES)
    with db.transaction() as session:
        counts = (
            select(CaseItem.case_id, func.count(CaseItem.id).label("n")).group_by(CaseItem.case_id).subquery("counts")
        )
        query = (
            select(Case, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.case_id == Case.id)
            .where(Case.authority_id == principal.authority_id)
            .order_by(Case.updated_at.desc(), Case.id.desc())
        )
        if status is not None:
            query = query.where(Case.status == status.value)
        return [
            CaseSummary(
                c.id, c.title, CaseStatus(c.status), c.created_by, aware(c.created_at), aware(c.updated_at), int(n)
            )
            for c, n in session.execute(query).all()
        ]


def get_case(db: Database, principal: Principal, case_id: int) -> CaseFile:
    with db.transaction() as session:
        case = _owned(session, principal, case_id)
        items = session.scalars(select(CaseItem).where(CaseItem.case_id == case_id).order_by(CaseItem.id)).all()
        notes = session.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)).all()
        events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)).all()
        return CaseFile(
            id=case.id,
            authority=principal.authority_code,
            title=case.title,
            summary=case.summary,
            status=CaseStatus(case.status),
            created_by=case.created_by,
            created_at=aware(case.created_at),
            updated_at=aware(case.updated_at),
            items=[
                Item(i.id, ItemKind(i.kind), i.ref, i.label, dict(i.details or {}), i.added_by, aware(i.added_at))
                for i in items
            ],
            notes=[Note(n.id, n.author, n.body, aware(n.at)) for n in notes],
            timeline=[Event(aware(e.at), e.actor, e.action, e.detail) for e in events],
        )


def add_item(
    db: Database,
    principal: Principal,
    case_id: int,
    kind: ItemKind,
    ref: str,
    label: str | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Tie an entity, shipment, container, document or exchange to the case (once per kind and ref)."""
    ref = _text(ref, "ref", 256)
    label = _text(label or ref, "label", 512)
    with db.transaction() as session:
        case = _owned(session, principal, case_id)
        dup = session.scalar(
            select(CaseItem.id).where(CaseItem.case_id == case_id, CaseItem.kind == kind.value, CaseItem.ref == ref)
        )
        if dup is not None:
            raise ConflictError(f"{kind.value} {ref!r} is already in case {case_id}", field="ref")
        item = CaseItem(
            case_id=case_id,
            kind=kind.value,
            ref=ref,
            label=label,
            details=details or {},
            added_by=principal.username,
            added_at=now(),
        )
        session.add(item)
        session.flush()
        _event(session, case, principal.username, f"added {kind.value}", label)
        return item.id


def add_items(
    db: Database, principal: Principal, case_id: int, items: Sequence[tuple[ItemKind, str, str, dict[str, Any]]]
) -> int:
    """Tie several items (kind, ref, label, details) to the case in one transaction; those already
    in it are left as they are. Returns how many were added."""
    linked = [
        (kind, _text(ref, "ref", 256), _text(label or ref, "label", 512), details)
        for kind, ref, label, details in items
    ]
    added = 0
    with db.transaction() as session:
        case = _owned(session, principal, case_id)
        held = {
            (k, r) for k, r in session.execute(select(CaseItem.kind, CaseItem.ref).where(CaseItem.case_id == case_id))
        }
        at = now()
        for kind, ref, label, details in linked:
            if (kind.value, ref) in held:
                continue
            held.add((kind.value, ref))
            session.add(
                CaseItem(
                    case_id=case_id, kind=kind.value, ref=ref, label=label, details=details,
                    added_by=principal.username, added_at=at,
                )
            )  # fmt: skip
            _event(session, case, principal.username, f"added {kind.value}", label)
            added += 1
        case.updated_at = at
    return added


def add_note(db: Database, principal: Principal, case_id: int, body: str) -> int:
    body = _text(body, "body", 20000)
    with db.transaction() as session:
        case = _owned(session, principal, case_id)
        note = CaseNote(case_id=case_id, author=principal.username, body=body, at=now())
        session.add(note)
        session.flush()
        _event(session, case, principal.username, "note", body[:200])
        return note.id


def set_status(db: Database, principal: Principal, case_id: int, status: CaseStatus, reason: str = "") -> None:
    with db.transaction() as session:
        case = _owned(session, principal, case_id)
        current = CaseStatus(case.status)
        if status not in TRANSITIONS[current]:
            raise ConflictError(f"a case cannot go from {current.value} to {status.value}", field="status")
        case.status = status.value
        detail = f"{current.value} → {status.value}" + (f": {reason.strip()}" if reason.strip() else "")
        _event(session, case, principal.username, "status", detail)
