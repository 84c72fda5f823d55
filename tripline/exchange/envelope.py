"""Signed envelopes between nodes, and signed receipts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tripline.errors import AuthError, ForbiddenError, FormatError, IntegrityError
from tripline.exchange.models import ExchangePartner
from tripline.exchange.store import get_partner
from tripline.signing import keys

ENVELOPE_VERSION = 1
KINDS = ("document", "consent_request", "consent_answer")


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
    return key.sign(body)


def open_envelope(session: Session, envelope: Any, self_id: str) -> tuple[dict[str, Any], ExchangePartner]:
    """Check shape, sender (in the registry), recipient (this node) and the sender's signature."""
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
    return envelope, sender


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
