"""Read-only views for the CLI and the console: boxes, documents, deadlines, circulations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tripline.exchange.documents import REQUEST_TYPES
from tripline.exchange.models import ExchangeDocument, ExchangeMessage
from tripline.exchange.store import as_utc, load_document

if TYPE_CHECKING:
    from tripline.exchange.agreements import Agreement
    from tripline.exchange.documents import Document
    from tripline.exchange.service import Node


def message_dict(row: ExchangeMessage, subject: str | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "box": "outbox" if row.direction == "out" else "inbox",
        "kind": row.kind,
        "ref": row.ref,
        "subject": subject,
        "partner": row.partner_id,
        "purpose": row.purpose,
        "agreement": row.agreement_id,
        "circulation": row.circulation,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": as_utc(row.next_attempt_at).isoformat() if row.next_attempt_at else None,
        "last_error": row.last_error,
        "receipt_status": (row.receipt or {}).get("status"),
        "reasons": list((row.receipt or {}).get("reasons", [])),
        "created_at": as_utc(row.created_at).isoformat(),
    }


def box(node: Node, which: str, *, limit: int = 200) -> list[dict[str, Any]]:
    """The inbox (``in``) or outbox (``out``), newest first."""
    direction = {"inbox": "in", "outbox": "out", "in": "in", "out": "out"}[which]
    with node.db.session() as session:
        rows = session.execute(
            select(ExchangeMessage, ExchangeDocument.subject)
            .outerjoin(ExchangeDocument, ExchangeDocument.id == ExchangeMessage.ref)
            .where(ExchangeMessage.direction == direction)
            .order_by(ExchangeMessage.id.desc())
            .limit(limit)
        ).all()
        return [message_dict(m, s) for m, s in rows]


def documents(node: Node, *, limit: int = 200) -> list[dict[str, Any]]:
    with node.db.session() as session:
        rows = session.execute(
            select(ExchangeDocument).order_by(ExchangeDocument.created_at.desc()).limit(limit)
        ).scalars()
        return [
            {
                "id": r.id,
                "type": r.doc_type,
                "originator": r.originator,
                "subject": r.subject,
                "received_from": r.received_from,
                "deadline": as_utc(r.deadline).isoformat() if r.deadline else None,
                "hash": r.hash,
                "created_at": as_utc(r.created_at).isoformat(),
            }
            for r in rows
        ]


def read(node: Node, document_id: str) -> dict[str, Any]:
    with node.db.session() as session:
        doc = load_document(session, document_id)
        row = session.get(ExchangeDocument, document_id)
        assert row is not None
        return {"document": doc.payload(), "hash": doc.hash, "received_from": row.received_from}


def _answers(session: Session, document_id: str) -> dict[str, datetime]:
    """Who answered a document: the originators of held documents that reference it, with when."""
    out: dict[str, datetime] = {}
    for row in session.execute(select(ExchangeDocument)).scalars():
        if document_id in (row.payload.get("references") or []):
            when = as_utc(row.created_at)
            if row.originator not in out or when < out[row.originator]:
                out[row.originator] = when
    return out


def circulation(node: Node, document_id: str) -> dict[str, Any]:
    """Per recipient of a sent document: delivered, acknowledged (signed receipt), answered, overdue."""
    now = node.clock()
    with node.db.session() as session:
        doc = load_document(session, document_id)
        answers = _answers(session, document_id)
        rows = session.execute(
            select(ExchangeMessage)
            .where(
                ExchangeMessage.direction == "out",
                ExchangeMessage.kind == "document",
                ExchangeMessage.ref == document_id,
            )
            .order_by(ExchangeMessage.partner_id)
        ).scalars()
        recipients = []
        group = None
        for row in rows:
            group = group or row.circulation
            receipt = row.receipt or {}
            answered = answers.get(row.partner_id)
            recipients.append(
                {
                    "partner": row.partner_id,
                    "status": row.status,
                    "acknowledged": receipt.get("status") in ("accepted", "duplicate"),
                    "acknowledged_at": receipt.get("received_at"),
                    "answered": answered is not None,
                    "answered_at": answered.isoformat() if answered else None,
                    "overdue": doc.deadline is not None and answered is None and doc.deadline < now,
                }
            )
    return {
        "document": doc.id,
        "subject": doc.subject,
        "group": group,
        "deadline": doc.deadline.isoformat() if doc.deadline else None,
        "recipients": recipients,
        "acknowledged": sum(1 for r in recipients if r["acknowledged"]),
        "answered": sum(1 for r in recipients if r["answered"]),
    }


def overdue(node: Node) -> list[dict[str, Any]]:
    """Documents past their deadline still waiting for an answer: from partners to us, and from us to them."""
    now = node.clock()
    out: list[dict[str, Any]] = []
    with node.db.session() as session:
        rows = session.execute(
            select(ExchangeDocument).where(ExchangeDocument.deadline.is_not(None)).order_by(ExchangeDocument.deadline)
        ).scalars()
        for row in list(rows):
            assert row.deadline is not None
            deadline = as_utc(row.deadline)
            if deadline >= now:
                continue
            answers = _answers(session, row.id)
            if row.originator == node.node_id:
                sent_to = session.execute(
                    select(ExchangeMessage.partner_id).where(
                        ExchangeMessage.direction == "out",
                        ExchangeMessage.kind == "document",
                        ExchangeMessage.ref == row.id,
                        ExchangeMessage.status == "delivered",
                    )
                ).scalars()
                for partner in sent_to:
                    if partner not in answers:
                        out.append(_late(row, deadline, now, waiting_for=partner))
            elif node.node_id not in answers:
                out.append(_late(row, deadline, now, waiting_for=node.node_id))
    return out


def _late(row: ExchangeDocument, deadline: datetime, now: datetime, *, waiting_for: str) -> dict[str, Any]:
    return {
        "document": row.id,
        "type": row.doc_type,
        "subject": row.subject,
        "originator": row.originator,
        "waiting_for": waiting_for,
        "deadline": deadline.isoformat(),
        "days_overdue": (now - deadline).days,
        "is_request": row.doc_type in {t.value for t in REQUEST_TYPES},
    }


def dashboard(node: Node) -> dict[str, Any]:
    """One call for the console: boxes, pending consents and overdue documents."""
    from tripline.exchange.consent import list_consents

    return {
        "node": node.node_id,
        "inbox": box(node, "inbox", limit=50),
        "outbox": box(node, "outbox", limit=50),
        "consents": list_consents(node),
        "overdue": overdue(node),
    }


def document(node: Node, document_id: str) -> Document:
    """A stored document (:class:`NotFoundError` when this node holds none of that id)."""
    with node.db.session() as session:
        return load_document(session, document_id)


def partner_directory(node: Node) -> tuple[list[dict[str, Any]], list[Agreement]]:
    """The partner registry (as dicts) and every agreement, read in one session."""
    from tripline.exchange.store import agreements, partner_dict, partners

    with node.db.session() as session:
        return [partner_dict(p) for p in partners(session)], agreements(session)


def agreement_list(node: Node) -> list[Agreement]:
    """Every agreement this node holds, in id order."""
    from tripline.exchange.store import agreements

    with node.db.session() as session:
        return agreements(session)
