"""Stored counterparties and `rescreen`: check them against only what changed in the lists.

A counterparty remembers the list snapshot ids it was last screened against. `rescreen`
asks the lists store for the entities added or changed since (``changes_since``), builds a
small screener over just those, screens every counterparty whose snapshots are that old,
and reports hits that are new (entity never hit before), changed (entity hit before, now
with another score or content) and removed (entity no longer on its list).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tripline.errors import ConflictError, InputError
from tripline.lists.store import changes_since
from tripline.screening.models import KEY_LEN, ScreeningCounterparty, ScreeningHit
from tripline.screening.result import DEFAULT_THRESHOLD, ScreeningQuery
from tripline.screening.screener import Screener
from tripline.store.db import Database

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class HitChange:
    counterparty_ref: str
    counterparty_name: str
    entity_id: str
    list: str
    kind: str  # "new", "changed", "removed"
    score: float
    previous_score: float | None
    matched_name: str
    explanation: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "counterparty": self.counterparty_ref,
            "name": self.counterparty_name,
            "entity_id": self.entity_id,
            "list": self.list,
            "kind": self.kind,
            "score": self.score,
            "previous_score": self.previous_score,
            "matched_name": self.matched_name,
            "explanation": list(self.explanation),
        }


@dataclass
class RescreenReport:
    counterparties: int = 0
    changed_entities: int = 0
    removed_entities: int = 0
    changes: list[HitChange] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counterparties": self.counterparties,
            "changed_entities": self.changed_entities,
            "removed_entities": self.removed_entities,
            "new": [c.to_dict() for c in self.changes if c.kind == "new"],
            "changed": [c.to_dict() for c in self.changes if c.kind == "changed"],
            "removed": [c.to_dict() for c in self.changes if c.kind == "removed"],
        }


def add_counterparty(
    session: Session,
    *,
    ref: str,
    name: str,
    country: str | None = None,
    schema: str | None = None,
    birth_date: str | None = None,
    authority: str = "",
    now: datetime | None = None,
) -> ScreeningCounterparty:
    """Store a counterparty to rescreen (validated like a screening query)."""
    if not ref.strip() or len(ref) > KEY_LEN:
        raise InputError("counterparty reference is empty or longer than 255 characters", field="ref")
    query = ScreeningQuery.build(name, country=country, schema=schema, birth_date=birth_date)
    taken = select(ScreeningCounterparty.id).where(
        ScreeningCounterparty.authority == authority, ScreeningCounterparty.ref == ref.strip()
    )
    if session.scalar(taken) is not None:
        raise ConflictError(f"counterparty {ref!r} exists already", field="ref")
    row = ScreeningCounterparty(
        authority=authority,
        ref=ref.strip(),
        name=query.name,
        country=query.country,
        schema=query.schema,
        birth_date=query.birth_date,
        created_at=now or datetime.now(UTC),
        last_snapshots={},
    )
    session.add(row)
    session.flush()
    return row


def list_counterparties(session: Session, *, authority: str = "") -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ScreeningCounterparty)
        .where(ScreeningCounterparty.authority == authority)
        .order_by(ScreeningCounterparty.ref)
    )
    out = []
    for row in rows:
        hits = session.scalars(select(ScreeningHit).where(ScreeningHit.counterparty_id == row.id)).all()
        out.append(
            {
                "ref": row.ref,
                "name": row.name,
                "country": row.country,
                "schema": row.schema,
                "last_screened_at": row.last_screened_at.isoformat() if row.last_screened_at else None,
                "hits": [{"entity_id": h.entity_id, "list": h.source_id, "score": h.score} for h in hits],
            }
        )
    return out


def store_counterparty(
    db: Database,
    *,
    ref: str,
    name: str,
    country: str | None = None,
    schema: str | None = None,
    birth_date: str | None = None,
    authority: str = "",
) -> None:
    """The service of ``tripline screen counterparty add``: :func:`add_counterparty`, one transaction."""
    with db.transaction() as session:
        add_counterparty(
            session, ref=ref, name=name, country=country, schema=schema, birth_date=birth_date, authority=authority
        )


def counterparties(db: Database, *, authority: str = "") -> list[dict[str, Any]]:
    """The service of ``tripline screen counterparty list``: :func:`list_counterparties`."""
    with db.transaction() as session:
        return list_counterparties(session, authority=authority)


def _query(row: ScreeningCounterparty) -> ScreeningQuery:
    return ScreeningQuery(name=row.name, country=row.country, schema=row.schema, birth_date=row.birth_date)


def rescreen(db: Database, *, threshold: float = DEFAULT_THRESHOLD, now: datetime | None = None) -> RescreenReport:
    """Screen every stored counterparty against what changed since it was last screened."""
    now = now or datetime.now(UTC)
    report = RescreenReport()
    with db.transaction() as session:
        rows = list(session.scalars(select(ScreeningCounterparty).order_by(ScreeningCounterparty.id)))
        report.counterparties = len(rows)
        groups: defaultdict[tuple[tuple[str, int], ...], list[ScreeningCounterparty]] = defaultdict(list)
        for row in rows:
            groups[tuple(sorted((k, int(v)) for k, v in (row.last_snapshots or {}).items()))].append(row)
        for snapshots, members in groups.items():
            changes = changes_since(session, dict(snapshots))
            report.changed_entities += len(changes.changed)
            report.removed_entities += len(changes.removed)
            screener = Screener(changes.changed)
            removed = {r.entity_id for r in changes.removed}
            changed_ids = {e.entity_id for e in changes.changed}
            for row in members:
                _rescreen_one(session, screener, row, changed_ids, removed, threshold, now, report)
                row.last_snapshots = dict(changes.snapshots)
                row.last_screened_at = now
    log.info("rescreen done", counterparties=report.counterparties, changes=len(report.changes))
    return report


def _rescreen_one(
    session: Session,
    screener: Screener,
    row: ScreeningCounterparty,
    changed_ids: set[str],
    removed: set[str],
    threshold: float,
    now: datetime,
    report: RescreenReport,
) -> None:
    previous = {
        h.entity_id: h for h in session.scalars(select(ScreeningHit).where(ScreeningHit.counterparty_id == row.id))
    }
    result = screener.screen(_query(row), threshold=threshold, limit=50) if len(screener) else None
    matched = {m.entity_id: m for m in result.matches} if result else {}
    for entity_id, match in matched.items():
        old = previous.get(entity_id)
        kind = "new" if old is None else "changed"
        report.changes.append(
            HitChange(
                row.ref,
                row.name,
                entity_id,
                match.list,
                kind,
                match.score,
                None if old is None else old.score,
                match.matched_name,
                match.explanation,
            )
        )
        if old is None:
            session.add(
                ScreeningHit(
                    counterparty_id=row.id,
                    entity_id=entity_id,
                    source_id=match.list,
                    score=match.score,
                    matched_name=match.matched_name,
                    first_seen=now,
                    last_seen=now,
                )
            )
        else:
            old.score, old.matched_name, old.last_seen = match.score, match.matched_name, now
    gone = [h for eid, h in previous.items() if eid in removed or (eid in changed_ids and eid not in matched)]
    for hit in gone:
        report.changes.append(
            HitChange(row.ref, row.name, hit.entity_id, hit.source_id, "removed", 0.0, hit.score, hit.matched_name)
        )
    if gone:
        session.execute(delete(ScreeningHit).where(ScreeningHit.id.in_([h.id for h in gone])))
