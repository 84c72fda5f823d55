"""Analysts' decisions on (query, listed entity) pairs, shown again on later screenings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from tripline.errors import InputError
from tripline.screening.models import KEY_LEN, ScreeningDecision
from tripline.screening.normalize import Normaliser
from tripline.screening.result import ScreeningResult
from tripline.store.db import Database

log = structlog.get_logger(__name__)


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    FALSE_POSITIVE = "false_positive"

    @classmethod
    def parse(cls, value: str) -> Verdict:
        cleaned = value.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(cleaned)
        except ValueError:
            choices = ", ".join(v.value for v in cls)
            raise InputError(f"unknown verdict {value!r} (one of: {choices})", field="verdict") from None


@dataclass(frozen=True)
class Decision:
    id: int
    query_name: str
    query_key: str
    entity_id: str
    verdict: Verdict
    reason: str
    decided_by: str
    decided_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "query_name": self.query_name,
            "entity_id": self.entity_id,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat(),
        }


def query_key(normaliser: Normaliser, name: str) -> str:
    """Decisions are keyed by the normalised query name (legal forms, case, script folded)."""
    form = normaliser.form(name)
    key = form.key or " ".join(name.casefold().split())
    return key[:KEY_LEN]


def _decision(row: ScreeningDecision) -> Decision:
    at = row.decided_at if row.decided_at.tzinfo else row.decided_at.replace(tzinfo=UTC)
    return Decision(
        row.id, row.query_name, row.query_key, row.entity_id, Verdict(row.verdict), row.reason, row.decided_by, at
    )


def record_decision(
    session: Session,
    normaliser: Normaliser,
    *,
    query_name: str,
    entity_id: str,
    verdict: Verdict,
    reason: str,
    decided_by: str,
    authority: str = "",
    now: datetime | None = None,
) -> Decision:
    """Store a verdict of ``authority``; its later decision on the same pair supersedes its earlier
    ones (all are kept). Another authority's decisions are neither superseded nor shown."""
    if not query_name.strip():
        raise InputError("query name is empty", field="query")
    if not entity_id.strip() or len(entity_id) > KEY_LEN:
        raise InputError("entity id is empty or too long", field="entity_id")
    if not reason.strip():
        raise InputError("a decision needs a reason", field="reason")
    if not decided_by.strip() or len(decided_by) > KEY_LEN:
        raise InputError("say who decided (1-255 characters)", field="decided_by")
    row = ScreeningDecision(
        authority=authority,
        query_key=query_key(normaliser, query_name),
        query_name=query_name.strip(),
        entity_id=entity_id.strip(),
        verdict=verdict.value,
        reason=reason.strip(),
        decided_by=decided_by.strip(),
        decided_at=now or datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    log.info("screening decision recorded", entity_id=row.entity_id, verdict=row.verdict, by=row.decided_by)
    return _decision(row)


def decide(
    db: Database,
    *,
    query_name: str,
    entity_id: str,
    verdict: Verdict,
    reason: str,
    decided_by: str,
    authority: str = "",
) -> Decision:
    """The service of ``tripline screen decide``: :func:`record_decision` in its own transaction."""
    with db.transaction() as session:
        return record_decision(
            session,
            Normaliser(),
            query_name=query_name,
            entity_id=entity_id,
            verdict=verdict,
            reason=reason,
            decided_by=decided_by,
            authority=authority,
        )


def latest_decisions(session: Session, key: str, entity_ids: list[str], *, authority: str = "") -> dict[str, Decision]:
    """The latest decision of ``authority`` per entity for one query key."""
    if not entity_ids:
        return {}
    rows = session.scalars(
        select(ScreeningDecision)
        .where(
            ScreeningDecision.authority == authority,
            ScreeningDecision.query_key == key,
            ScreeningDecision.entity_id.in_(entity_ids),
        )
        .order_by(ScreeningDecision.decided_at, ScreeningDecision.id)
    )
    out: dict[str, Decision] = {}
    for row in rows:
        out[row.entity_id] = _decision(row)
    return out


def attach_decisions(
    session: Session, normaliser: Normaliser, result: ScreeningResult, *, authority: str = ""
) -> ScreeningResult:
    """The result with each match's latest decision of ``authority`` (if any) attached."""
    found = latest_decisions(
        session, query_key(normaliser, result.query.name), [m.entity_id for m in result.matches], authority=authority
    )
    if not found:
        return result
    matches = tuple(
        m.with_decision(found[m.entity_id].to_dict()) if m.entity_id in found else m for m in result.matches
    )
    return replace(result, matches=matches)
