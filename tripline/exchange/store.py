"""Repositories: the partner registry, agreements and held documents (all in the caller's session)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tripline.errors import ConflictError, InputError, NotFoundError
from tripline.exchange.agreements import Agreement
from tripline.exchange.documents import Document, parse_document
from tripline.exchange.models import ExchangeAgreement, ExchangeDocument, ExchangeMessage, ExchangePartner
from tripline.signing.keys import public_key_from_b64


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def partner_dict(row: ExchangePartner) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "country": row.country,
        "public_key": row.public_key,
        "endpoint": row.endpoint,
        "groups": list(row.groups),
        "is_self": row.is_self,
        "has_taxii_token": row.token_hash is not None,
    }


def upsert_partner(
    session: Session,
    *,
    partner_id: str,
    name: str,
    country: str,
    public_key: str,
    endpoint: str,
    groups: list[str],
    is_self: bool = False,
) -> ExchangePartner:
    public_key_from_b64(public_key)  # validates
    if len(country) != 2 or not country.isalpha():
        raise InputError("country must be an ISO 3166 alpha-2 code", field="country", value=country)
    row = session.get(ExchangePartner, partner_id)
    if row is None:
        row = ExchangePartner(id=partner_id, created_at=utcnow(), is_self=is_self, groups=[])
        session.add(row)
    elif row.is_self != is_self:
        raise ConflictError(f"{partner_id!r} is {'this node' if row.is_self else 'a partner'} already", field="id")
    elif row.public_key != public_key and row.is_self:
        raise ConflictError("this node's key cannot be replaced through the registry", field="public_key")
    row.name, row.country, row.public_key = name, country.upper(), public_key
    row.endpoint, row.groups = endpoint.rstrip("/"), sorted(set(groups))
    return row


def get_partner(session: Session, partner_id: str) -> ExchangePartner:
    row = session.get(ExchangePartner, partner_id)
    if row is None or row.is_self:
        raise NotFoundError(f"no partner {partner_id!r} in the registry", field="partner")
    return row


def self_row(session: Session) -> ExchangePartner | None:
    return session.execute(select(ExchangePartner).where(ExchangePartner.is_self.is_(True))).scalar_one_or_none()


def partners(session: Session) -> list[ExchangePartner]:
    return list(session.execute(select(ExchangePartner).order_by(ExchangePartner.id)).scalars())


def group_members(session: Session, group: str) -> list[ExchangePartner]:
    members = [p for p in partners(session) if group in p.groups and not p.is_self]
    if not members:
        raise NotFoundError(f"no partner belongs to group {group!r}", field="group")
    return members


def save_agreement(session: Session, agreement: Agreement, source: str) -> None:
    row = session.get(ExchangeAgreement, agreement.id)
    if row is None:
        row = ExchangeAgreement(id=agreement.id)
        session.add(row)
    row.spec, row.source, row.loaded_at = agreement.model_dump(mode="json"), source[:500], utcnow()


def agreements(session: Session) -> list[Agreement]:
    rows = session.execute(select(ExchangeAgreement).order_by(ExchangeAgreement.id)).scalars()
    return [Agreement.model_validate(r.spec) for r in rows]


def store_document(session: Session, doc: Document, *, received_from: str | None = None) -> ExchangeDocument:
    row = session.get(ExchangeDocument, doc.id)
    if row is None:
        row = ExchangeDocument(id=doc.id, received_from=received_from)
        session.add(row)
    elif row.signed and row.hash != doc.hash:
        raise ConflictError(f"document {doc.id} is signed and cannot change; draft a new one", field="id")
    row.doc_type, row.originator, row.subject = doc.type.value, doc.originator, doc.subject[:500]
    row.hash, row.payload, row.signed = doc.hash, doc.payload(), doc.signature is not None
    row.deadline, row.created_at = doc.deadline, doc.created_at
    return row


def load_document(session: Session, document_id: str) -> Document:
    row = session.get(ExchangeDocument, document_id)
    if row is None:
        raise NotFoundError(f"no document {document_id!r} on this node", field="document")
    return parse_document(row.payload, source=f"document {document_id}")


def outstanding(session: Session, agreement: Agreement, holder: str, recipient: str) -> int:
    """Documents ``recipient`` has received from ``holder`` under the agreement, minus those it gave back.

    Counted from this node's outbox and inbox: what it gives is counted only if it is one of the
    types the agreement's reciprocity lists for it ("equivalent information in return").
    """
    if agreement.reciprocity is None:
        return 0
    given_types = [t.value for t in agreement.reciprocity.provides.get(recipient, ())]
    sent = session.execute(
        select(func.count())
        .select_from(ExchangeMessage)
        .where(
            ExchangeMessage.direction == "out",
            ExchangeMessage.kind == "document",
            ExchangeMessage.partner_id == recipient,
            ExchangeMessage.agreement_id == agreement.id,
            ExchangeMessage.status.in_(("pending", "delivered")),
        )
    ).scalar_one()
    if not given_types:
        return int(sent)
    returned = session.execute(
        select(func.count())
        .select_from(ExchangeMessage)
        .join(ExchangeDocument, ExchangeDocument.id == ExchangeMessage.ref)
        .where(
            ExchangeMessage.direction == "in",
            ExchangeMessage.kind == "document",
            ExchangeMessage.partner_id == recipient,
            ExchangeMessage.status == "accepted",
            ExchangeMessage.agreement_id == agreement.id,
            ExchangeDocument.doc_type.in_(given_types),
        )
    ).scalar_one()
    _ = holder
    return int(sent) - int(returned)
