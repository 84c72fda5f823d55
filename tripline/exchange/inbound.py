"""What a node does with an envelope it receives: check everything again, keep or refuse, sign a receipt."""

from __future__ import annotations

import random
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tripline.audit import log as audit
from tripline.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    FormatError,
    IntegrityError,
    StorageError,
    TriplineError,
)
from tripline.exchange.consent import accept_answer, accept_request, check_consent_proof
from tripline.exchange.documents import parse_document
from tripline.exchange.envelope import check_sent_at, make_receipt, open_envelope
from tripline.exchange.models import ExchangeDocument, ExchangeMessage, ExchangeNonce, ExchangePartner
from tripline.exchange.policy import ReleaseRequest
from tripline.exchange.service import Node
from tripline.exchange.store import get_partner, store_document
from tripline.logs import get_logger
from tripline.signing import keys
from tripline.signing.canonical import content_hash

log = get_logger(__name__)


RETRIES = 5


def receive(node: Node, envelope: Any) -> tuple[int, dict[str, Any]]:
    """Handle one envelope; return (HTTP status, signed receipt). Raises for unauthenticated input.

    Idempotent under concurrency: when another delivery of the same envelope committed first (a
    unique key or a write lock lost), the transaction is rolled back and the envelope handled again,
    which then answers the stored receipt.
    """
    for attempt in range(RETRIES):
        try:
            return _receive_once(node, envelope)
        except StorageError:
            if attempt == RETRIES - 1:
                raise
            time.sleep(0.02 * (attempt + 1) + random.random() * 0.02)
    raise AssertionError("unreachable")


def _receive_once(node: Node, envelope: Any) -> tuple[int, dict[str, Any]]:
    with node.db.transaction() as session:
        replay = _seen(session, envelope)
        env, sender = open_envelope(session, envelope, node.node_id, now=node.clock())
        if "tree_head" in env:
            reasons = audit.witness(
                session, env["tree_head"], sender.id, sender.public_key, node.clock(), replay=replay
            )
            if reasons:
                return _refuse_head(node, session, env, sender, reasons)
        if env["kind"] == "document":
            return _document(node, session, env, sender)
        if env["kind"] == "consent_request":
            ref = str(env["payload"].get("id", ""))
            reasons = accept_request(node, session, env, sender)
        else:
            ref = str(env["payload"].get("consent_id", ""))
            reasons = accept_answer(node, session, env, sender)
        status = "refused" if reasons else "accepted"
        receipt = make_receipt(
            node.key,
            env,
            ref=ref,
            ref_hash=content_hash(env["payload"]),
            status=status,
            reasons=reasons,
            received_at=node.clock(),
        )
        audit.append(
            session,
            node.key,
            kind=f"{env['kind']}.{status}",
            subject=ref,
            detail={"from": sender.id, "reasons": reasons, "receipt_hash": content_hash(receipt)},
        )
        return (403 if reasons else 200), receipt


def _seen(session: Session, envelope: Any) -> bool:
    """Whether an envelope with this id from this sender was received before (``open_envelope``
    then checks it is the same content: a replay, answered from what was stored)."""
    if not isinstance(envelope, dict):
        return False
    key = (str(envelope.get("id", ""))[:64], str(envelope.get("sender", "")))
    return session.get(ExchangeNonce, key) is not None


def _refuse_head(
    node: Node, session: Session, env: dict[str, Any], sender: ExchangePartner, reasons: list[str]
) -> tuple[int, dict[str, Any]]:
    """The sender's audit tree head is older than, or not shown consistent with, the largest head of
    it this node holds: nothing in the envelope is handled. The refusal is chained here and answered
    signed (409), naming the head held, from which an honest sender can prove its log only grew."""
    head = env["tree_head"] if isinstance(env["tree_head"], dict) else {}
    held = audit.held_head(session, sender.id)
    audit.append(
        session,
        node.key,
        kind="tree_head.refused",
        subject=sender.id,
        detail={
            "envelope_id": str(env["id"])[:64],
            "kind": env["kind"],
            "size": head.get("size") if type(head.get("size")) is int else None,
            "proof_from": head.get("proof_from") if type(head.get("proof_from")) is int else None,
            "held": held,
            "reasons": reasons,
        },
    )
    refusal = node.key.sign(
        {
            "type": "tree_head_refusal",
            "envelope_id": env["id"],
            "sender": sender.id,
            "receiver": node.node_id,
            "held": held,
            "reasons": reasons,
            "refused_at": node.clock().isoformat().replace("+00:00", "Z"),
        }
    )
    return 409, refusal


def _document(node: Node, session: Session, env: dict[str, Any], sender: ExchangePartner) -> tuple[int, dict[str, Any]]:
    payload = env["payload"]
    ref = str(payload.get("id", ""))
    ref_hash = content_hash(payload)
    existing = session.execute(
        select(ExchangeMessage).where(
            ExchangeMessage.direction == "in",
            ExchangeMessage.kind == "document",
            ExchangeMessage.ref == ref,
            ExchangeMessage.partner_id == sender.id,
        )
    ).scalar_one_or_none()
    if existing is not None and existing.receipt is not None:
        if existing.receipt.get("hash") != ref_hash:
            audit.append(
                session,
                node.key,
                kind="document.conflict",
                subject=ref,
                detail={"from": sender.id, "hash": ref_hash, "held": existing.receipt.get("hash")},
            )
            raise ConflictError(f"document {ref} was already delivered with different content", field="payload.id")
        return (200 if existing.status == "accepted" else 403), existing.receipt  # idempotent redelivery
    reasons, policies, agreement = _check_document(node, session, env, sender)
    status = "refused" if reasons else "accepted"
    receipt = make_receipt(
        node.key,
        env,
        ref=ref,
        ref_hash=ref_hash,
        status=status,
        reasons=reasons,
        policies=policies,
        received_at=node.clock(),
    )
    now = node.clock()
    if not reasons:
        store_document(session, parse_document(payload), received_from=sender.id)
    session.add(
        ExchangeMessage(
            direction="in",
            kind="document",
            ref=ref,
            partner_id=sender.id,
            purpose=str(env["purpose"]),
            agreement_id=agreement,
            status=status,
            payload={} if reasons else {"hash": ref_hash},
            attempts=1,
            receipt=receipt,
            created_at=now,
            updated_at=now,
        )
    )
    audit.append(
        session,
        node.key,
        kind=f"document.{status}",
        subject=ref,
        detail={
            "from": sender.id,
            "purpose": env["purpose"],
            "hash": ref_hash,
            "reasons": reasons,
            "policies": policies,
            "agreement": agreement,
        },
    )
    log.info("document received", id=ref, sender=sender.id, status=status, reasons=reasons)
    return (403 if reasons else 200), receipt


def _check_document(
    node: Node, session: Session, env: dict[str, Any], sender: ExchangePartner
) -> tuple[list[str], list[str], str | None]:
    """Signature of the originator, then the agreements from this side (without reciprocity)."""
    try:
        doc = parse_document(env["payload"], source=f"document from {sender.id}")
    except FormatError as exc:
        return [f"malformed document: {exc.message}"], [], None
    originator = session.get(ExchangePartner, doc.originator)
    if originator is None:
        return [f"the originator {doc.originator!r} is not in the partner registry"], [], None
    try:
        keys.verify(originator.public_key, env["payload"], what=f"document {doc.id}")
    except IntegrityError as exc:
        return [exc.reason], [], None
    held = session.get(ExchangeDocument, doc.id)
    if held is not None and held.hash != doc.hash:
        return [f"a different document with id {doc.id} is already held"], [], None
    consent = False
    if doc.originator != sender.id:
        try:
            check_consent_proof(
                session,
                env.get("consent"),
                doc,
                holder=sender.id,
                recipient=node.node_id,
                purpose=str(env["purpose"]),
                version="released",
            )
            consent = True
        except TriplineError as exc:
            return [f"onward release without valid consent: {exc.reason}"], [], None
    request = ReleaseRequest(
        document=doc,
        holder=sender.id,
        recipient=node.node_id,
        purpose=str(env["purpose"]),
        today=node.clock().date(),
        consent=consent,
        enforce_reciprocity=False,
    )
    decision = node.engine(session).decide(request)
    if decision.allowed:
        return [], list(decision.policies), decision.agreement
    return [f"not held: {r}" for r in decision.reasons], list(decision.policies), None


def answer_consistency(node: Node, request: Any) -> dict[str, Any]:
    """A partner asks for proof that this node's audit log extends a tree head it kept.

    The request is signed by a registered partner, addressed to this node and fresh (the same
    window as envelopes); the answer is this log's signed RFC 9162 consistency proof from the
    partner's size to now. Read-only: a replay learns nothing the partner could not ask again.
    """
    if not isinstance(request, dict) or request.get("type") != "consistency_request":
        raise FormatError("a consistency request must be a JSON object of type 'consistency_request'")
    for name in ("sender", "recipient", "first", "sent_at", "signature"):
        if name not in request:
            raise FormatError("missing", field=f"request.{name}")
    with node.db.session() as session:
        try:
            sender = get_partner(session, str(request["sender"]))
        except TriplineError:
            raise AuthError(f"unknown sender {str(request['sender'])[:64]!r}: not in the partner registry") from None
    try:
        keys.verify(sender.public_key, request, what=f"the consistency request from {sender.id}")
    except IntegrityError as exc:
        raise AuthError(exc.reason) from exc
    if request["recipient"] != node.node_id:
        raise ForbiddenError(f"the request is addressed to {str(request['recipient'])[:64]!r}, not this node")
    check_sent_at(request, node.clock(), field="request.sent_at")
    first, second = request["first"], request.get("second")
    if not isinstance(first, int) or (second is not None and not isinstance(second, int)):
        raise FormatError("sizes must be integers", field="request.first")
    log.info("audit consistency asked", partner=sender.id, first=first, second=second)
    return audit.consistency(node.db, node.key, first, second)
