"""Consent to onward release: asked of the originator, answered with a signed (possibly partial) consent."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tripline.audit import log as audit
from tripline.errors import ConflictError, FormatError, InputError, IntegrityError, NotFoundError
from tripline.exchange.documents import Document, Purpose, carries, check_withholdable, parse_document, redact
from tripline.exchange.models import ExchangeConsent, ExchangeDocument, ExchangeMessage, ExchangePartner
from tripline.exchange.policy import ReleaseRequest
from tripline.exchange.store import load_document
from tripline.signing import keys

if TYPE_CHECKING:
    from tripline.exchange.service import Node


def consent_dict(row: ExchangeConsent) -> dict[str, Any]:
    return {
        "id": row.id,
        "direction": row.direction,
        "document_id": row.document_id,
        "originator": row.originator,
        "requester": row.requester,
        "third_party": row.third_party,
        "purpose": row.purpose,
        "status": row.status,
        "withheld": list(row.withheld),
        "justification": row.request.get("justification", ""),
        "note": (row.answer or {}).get("note"),
        "created_at": row.created_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
    }


def _iso(node: Node) -> str:
    return node.clock().isoformat().replace("+00:00", "Z")


def request_consent(
    node: Node, document_id: str, *, third_party: str, purpose: str, justification: str
) -> dict[str, Any]:
    """Ask the originator of a held document to let it go to ``third_party`` for ``purpose``."""
    if purpose not in {p.value for p in Purpose}:
        raise InputError(f"unknown purpose {purpose!r}", field="purpose")
    with node.db.transaction() as session:
        doc = load_document(session, document_id)
        if doc.originator == node.node_id:
            raise InputError("this node originated the document; no consent is needed from itself", field="document")
        request = node.key.sign(
            {
                "type": "consent_request",
                "id": f"consent:{uuid.uuid4().hex}",
                "document_id": doc.id,
                "document_hash": doc.hash,
                "originator": doc.originator,
                "requester": node.node_id,
                "third_party": third_party,
                "purpose": purpose,
                "justification": justification,
                "requested_at": _iso(node),
            }
        )
        row = _store(session, request, direction="out", created_at=node.clock())
        node.queue_message(
            session, kind="consent_request", ref=request["id"], partner=doc.originator, purpose=purpose, payload=request
        )
        audit.append(
            session,
            node.key,
            kind="consent.requested",
            subject=doc.id,
            detail={
                "consent": request["id"],
                "originator": doc.originator,
                "third_party": third_party,
                "purpose": purpose,
            },
        )
        out = consent_dict(row)
    node.deliver_pending(only=out["id"])
    return consent_status(node, out["id"])


def _store(session: Session, request: dict[str, Any], *, direction: str, created_at: Any) -> ExchangeConsent:
    row = ExchangeConsent(
        id=request["id"],
        direction=direction,
        document_id=request["document_id"],
        originator=request["originator"],
        requester=request["requester"],
        third_party=str(request["third_party"])[:200],
        purpose=request["purpose"],
        status="pending",
        withheld=[],
        request=request,
        created_at=created_at,
    )
    session.add(row)
    return row


def accept_request(node: Node, session: Session, env: dict[str, Any], sender: ExchangePartner) -> list[str]:
    """Originator side: keep a consent request from a partner we released the document to."""
    request = env["payload"]
    try:
        keys.verify(sender.public_key, request, what="the consent request")
    except IntegrityError as exc:
        return [exc.reason]
    if request.get("requester") != sender.id or request.get("originator") != node.node_id:
        return ["the consent request names another requester or originator"]
    held = session.get(ExchangeDocument, str(request.get("document_id")))
    if held is None or held.originator != node.node_id or held.hash != request.get("document_hash"):
        return [f"this node did not originate document {request.get('document_id')} in that version"]
    released = session.execute(
        select(ExchangeMessage.id).where(
            ExchangeMessage.direction == "out",
            ExchangeMessage.kind == "document",
            ExchangeMessage.ref == held.id,
            ExchangeMessage.partner_id == sender.id,
            ExchangeMessage.status == "delivered",
        )
    ).first()
    if released is None:
        return [f"document {held.id} was never released to {sender.id}"]
    if session.get(ExchangeConsent, str(request["id"])) is None:
        _store(session, request, direction="in", created_at=node.clock())
    return []


def answer_consent(node: Node, consent_id: str, *, grant: bool, withhold: list[str], note: str) -> dict[str, Any]:
    """Originator side: sign the answer (granted, perhaps with fields withheld, or refused) and send it back."""
    with node.db.transaction() as session:
        row = session.get(ExchangeConsent, consent_id)
        if row is None or row.direction != "in":
            raise NotFoundError(f"no consent request {consent_id!r} addressed to this node", field="consent")
        if row.status != "pending":
            raise ConflictError(f"consent {consent_id} was already answered ({row.status})", field="consent")
        doc = load_document(session, row.document_id)
        try:
            check_withholdable(doc, withhold)
        except FormatError as exc:
            raise InputError(exc.message, field="withhold") from exc
        release = doc if not withhold else parse_document(node.key.sign(redact(doc, tuple(withhold))))
        answer = node.key.sign(
            {
                "type": "consent_answer",
                "consent_id": row.id,
                "document_id": row.document_id,
                "document_hash": doc.hash,
                "document_type": doc.type.value,
                "release_hash": release.hash,
                "release_signature": release.signature,
                "originator": node.node_id,
                "requester": row.requester,
                "third_party": row.third_party,
                "purpose": row.purpose,
                "granted": grant,
                "withheld": sorted(withhold),
                "note": note,
                "decided_at": _iso(node),
            }
        )
        row.status, row.withheld, row.answer, row.decided_at = (
            "granted" if grant else "refused",
            sorted(withhold),
            answer,
            node.clock(),
        )
        node.queue_message(
            session, kind="consent_answer", ref=row.id, partner=row.requester, purpose=row.purpose, payload=answer
        )
        audit.append(
            session,
            node.key,
            kind="consent.granted" if grant else "consent.refused",
            subject=row.document_id,
            detail={
                "consent": row.id,
                "requester": row.requester,
                "third_party": row.third_party,
                "withheld": sorted(withhold),
                "note": note,
            },
        )
    node.deliver_pending(only=consent_id)
    return consent_status(node, consent_id)


def accept_answer(node: Node, session: Session, env: dict[str, Any], sender: ExchangePartner) -> list[str]:
    """Requester side: record the originator's signed answer."""
    answer = env["payload"]
    try:
        keys.verify(sender.public_key, answer, what="the consent answer")
    except IntegrityError as exc:
        return [exc.reason]
    row = session.get(ExchangeConsent, str(answer.get("consent_id")))
    if row is None or row.direction != "out" or row.originator != sender.id or answer.get("originator") != sender.id:
        return ["no matching consent request was sent to this originator"]
    if (
        answer.get("document_id") != row.document_id
        or answer.get("third_party") != row.third_party
        or answer.get("purpose") != row.purpose
        or answer.get("requester") != node.node_id
        or answer.get("document_hash") != row.request.get("document_hash")
    ):
        return ["the answer does not match the request"]
    if row.status == "pending":
        row.status = "granted" if answer.get("granted") is True else "refused"
        row.withheld, row.answer, row.decided_at = list(answer.get("withheld", [])), answer, node.clock()
    return []


def check_consent_proof(
    session: Session,
    proof: Any,
    doc: Document,
    *,
    holder: str,
    recipient: str,
    purpose: str,
    version: Literal["held", "released"] = "held",
) -> dict[str, Any]:
    """A granted consent answer, signed by the originator, for exactly this onward release.

    ``version="held"``: ``doc`` is the full document the holder has (the consent's ``document_hash``);
    ``"released"``: ``doc`` is what arrived at the receiver, which must be the version the originator
    signed for release (``release_hash``) and carry none of the withheld fields.
    """
    if not isinstance(proof, dict):
        raise FormatError("no consent answer attached", field="consent")
    originator = session.get(ExchangePartner, doc.originator)
    if originator is None:
        raise NotFoundError(f"originator {doc.originator!r} unknown", field="consent")
    keys.verify(originator.public_key, proof, what="the consent answer")
    expected = {
        "type": "consent_answer",
        "granted": True,
        "document_id": doc.id,
        "document_type": doc.type.value,
        "requester": holder,
        "third_party": recipient,
        "purpose": purpose,
        "originator": doc.originator,
    }
    for name, value in expected.items():
        if proof.get(name) != value:
            raise IntegrityError(f"the consent does not cover this release ({name})", field=f"consent.{name}")
    withheld = proof.get("withheld")
    if not isinstance(withheld, list) or not all(isinstance(w, str) for w in withheld):
        raise FormatError("must be a list of field names", field="consent.withheld")
    if version == "held":
        if proof.get("document_hash") != doc.hash:
            raise IntegrityError(
                "the consent covers another version of the document (document_hash)", field="consent.document_hash"
            )
        return proof
    data = doc.payload()
    present = [name for name in withheld if carries(data, name)]
    if present:
        raise IntegrityError(
            f"the document carries {', '.join(present)}, which its originator withheld", field="consent.withheld"
        )
    if sorted(doc.withheld or ()) != sorted(withheld):
        raise IntegrityError("the document does not name the fields the consent withheld", field="consent.withheld")
    if proof.get("release_hash") != doc.hash:
        raise IntegrityError(
            "the document is not the version its originator consented to release (release_hash)",
            field="consent.release_hash",
        )
    return proof


def released_version(doc: Document, proof: dict[str, Any]) -> Document:
    """Sender side: the version of a held document that a checked consent lets go on, signed by the
    originator (the full document when nothing is withheld)."""
    withheld = tuple(proof["withheld"])
    if not withheld:
        release = doc
    else:
        data = redact(doc, withheld)
        data["signature"] = proof.get("release_signature")
        try:
            release = parse_document(data, source="consented version")
        except FormatError as exc:
            raise IntegrityError(f"the consent's released version is invalid: {exc.message}", field="consent") from exc
    if release.hash != proof.get("release_hash"):
        raise IntegrityError(
            "the redacted document is not the version the originator signed for release", field="consent.release_hash"
        )
    return release


def consent_status(node: Node, consent_id: str) -> dict[str, Any]:
    with node.db.session() as session:
        row = session.get(ExchangeConsent, consent_id)
        if row is None:
            raise NotFoundError(f"no consent {consent_id!r}", field="consent")
        return consent_dict(row)


def list_consents(node: Node, *, status: str | None = None) -> list[dict[str, Any]]:
    with node.db.session() as session:
        query = select(ExchangeConsent).order_by(ExchangeConsent.created_at.desc())
        if status:
            query = query.where(ExchangeConsent.status == status)
        return [consent_dict(r) for r in session.execute(query).scalars()]


def release_to_third_party(node: Node, consent_id: str) -> dict[str, Any]:
    """Decide the release to the outside party of a consent; allowed only with the signed consent.

    Returns the decision, and when allowed the document with the withheld fields removed.
    """
    with node.db.transaction() as session:
        row = session.get(ExchangeConsent, consent_id)
        if row is None or row.direction != "out":
            raise NotFoundError(f"no consent request {consent_id!r} made by this node", field="consent")
        doc = load_document(session, row.document_id)
        granted = False
        proof: dict[str, Any] = {"withheld": []}
        if row.status == "granted" and row.answer is not None:
            proof = check_consent_proof(
                session, row.answer, doc, holder=node.node_id, recipient=row.third_party, purpose=row.purpose
            )
            granted = True
        request = ReleaseRequest(
            document=doc,
            holder=node.node_id,
            recipient=row.third_party,
            purpose=row.purpose,
            today=node.clock().date(),
            recipient_is_partner=False,
            consent=granted,
        )
        decision = node.engine(session).decide(request)
        if row.status == "refused":
            decision = type(decision)(
                allowed=False,
                agreement=None,
                policies=("consent/refused",),
                reasons=(f"the originator {doc.originator} refused: {(row.answer or {}).get('note', '')}",),
            )
        detail = {"consent": row.id, "third_party": row.third_party, **decision.to_dict()}
        audit.append(
            session,
            node.key,
            kind="third-party.released" if decision.allowed else "third-party.held",
            subject=doc.id,
            detail=detail,
        )
        result: dict[str, Any] = {"consent": consent_dict(row), "decision": decision.to_dict()}
        if decision.allowed:
            result["document"] = redact(doc, tuple(proof["withheld"]))
        return result
