"""Signed envelopes between nodes, and signed receipts."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from tripline.errors import AuthError, ForbiddenError, FormatError, IntegrityError
from tripline.exchange.models import ExchangeNonce, ExchangePartner
from tripline.exchange.store import get_partner
from tripline.signing import keys
from tripline.signing.canonical import content_hash

ENVELOPE_VERSION = 1
KINDS = ("document", "consent_request", "consent_answer")
FRESHNESS = timedelta(minutes=15)  # how far an envelope's sent_at may be from the receiver's clock


def make_envelope(
    key: keys.NodeKey,
    *,
    kind: str,
    recipient: str,
    purpose: str,
    payload: dict[str, Any],
    sent_at: datetime,
    agreement: str | None = None,
    consent: dict[str, Any] | None = None,
    tree_head: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "v": ENVELOPE_VERSION,
        "id": uuid.uuid4().hex,
        "kind": kind,
        "sender": key.node_id,
        "recipient": recipient,
        "purpose": purpose,
        "agreement": agreement,
        "sent_at": sent_at.isoformat().replace("+00:00", "Z"),
        "payload": payload,
    }
    if consent is not None:
        body["consent"] = consent
    if tree_head is not None:
        body["tree_head"] = tree_head  # the sender's signed audit tree head, for us to witness
    return key.sign(body)


def open_envelope(
    session: Session, envelope: Any, self_id: str, now: datetime | None = None
) -> tuple[dict[str, Any], ExchangePartner]:
    """Check shape, sender (in the registry), recipient (this node), the sender's signature, and
    (given ``now``) freshness and the nonce: ``sent_at`` within :data:`FRESHNESS` of ``now``, and
    the envelope id never seen from that sender with other content."""
    if not isinstance(envelope, dict):
        raise FormatError("an envelope must be a JSON object")
    for name in ("v", "id", "kind", "sender", "recipient", "purpose", "payload", "signature"):
        if name not in envelope:
            raise FormatError("missing", field=f"envelope.{name}")
    if envelope["v"] != ENVELOPE_VERSION:
        raise FormatError(f"unsupported envelope version {envelope['v']!r}", field="envelope.v")
    if envelope["kind"] not in KINDS:
        raise FormatError(f"unknown kind {envelope['kind']!r}", field="envelope.kind")
    if not isinstance(envelope["payload"], dict):
        raise FormatError("must be an object", field="envelope.payload")
    try:
        sender = get_partner(session, str(envelope["sender"]))
    except Exception as exc:
        raise AuthError(f"unknown sender {envelope['sender']!r}: not in the partner registry") from exc
    try:
        keys.verify(sender.public_key, envelope, what=f"the envelope from {sender.id}")
    except IntegrityError as exc:
        raise AuthError(exc.reason) from exc
    if envelope["recipient"] != self_id:
        raise ForbiddenError(f"the envelope is addressed to {envelope['recipient']!r}, not this node ({self_id})")
    if now is not None:
        _check_fresh(session, envelope, sender.id, now)
    return envelope, sender


def check_sent_at(message: dict[str, Any], now: datetime, *, field: str = "envelope.sent_at") -> None:
    """``sent_at`` must be an RFC 3339 time within :data:`FRESHNESS` of ``now``."""
    try:
        sent = datetime.fromisoformat(str(message.get("sent_at", "")).replace("Z", "+00:00"))
    except ValueError:
        raise FormatError("not an RFC 3339 time", field=field) from None
    if sent.tzinfo is None:
        raise FormatError("needs a time zone", field=field)
    if abs(now - sent) > FRESHNESS:
        raise IntegrityError(
            f"sent at {str(message['sent_at'])[:40]}, outside the {int(FRESHNESS.total_seconds() // 60)}-minute "
            f"freshness window around this node's clock ({now.isoformat()}): a replay, or a clock to set right",
            field=field,
        )


def _check_fresh(session: Session, envelope: dict[str, Any], sender: str, now: datetime) -> None:
    check_sent_at(envelope, now)
    nonce = str(envelope["id"])[:64]
    digest = content_hash(envelope)
    seen = session.get(ExchangeNonce, (nonce, sender))
    if seen is not None:
        if seen.hash != digest:
            raise IntegrityError(f"envelope id {nonce} was reused for other content (replay)", field="envelope.id")
        return  # the same envelope again within the window: answered from what it stored
    session.execute(delete(ExchangeNonce).where(ExchangeNonce.seen_at < now - 2 * FRESHNESS))
    session.add(ExchangeNonce(envelope_id=nonce, sender=sender, hash=digest, seen_at=now))


def make_receipt(
    key: keys.NodeKey,
    envelope: dict[str, Any],
    *,
    ref: str,
    ref_hash: str,
    status: str,
    reasons: list[str],
    received_at: datetime,
    policies: list[str] | None = None,
) -> dict[str, Any]:
    return key.sign(
        {
            "type": "receipt",
            "envelope_id": envelope["id"],
            "kind": envelope["kind"],
            "ref": ref,
            "hash": ref_hash,
            "sender": envelope["sender"],
            "receiver": key.node_id,
            "status": status,
            "reasons": reasons,
            "policies": policies or [],
            "received_at": received_at.isoformat().replace("+00:00", "Z"),
        }
    )


def check_receipt(receipt: Any, partner: ExchangePartner, *, ref: str, ref_hash: str) -> dict[str, Any]:
    """A receipt must be signed by the partner we sent to and name what we sent."""
    if not isinstance(receipt, dict):
        raise FormatError("a receipt must be a JSON object")
    keys.verify(partner.public_key, receipt, what=f"the receipt from {partner.id}")
    if receipt.get("receiver") != partner.id or receipt.get("ref") != ref or receipt.get("hash") != ref_hash:
        raise IntegrityError(f"the receipt from {partner.id} does not name what was sent", field="receipt")
    if receipt.get("status") not in ("accepted", "duplicate", "refused"):
        raise FormatError("unknown receipt status", field="receipt.status")
    return receipt
