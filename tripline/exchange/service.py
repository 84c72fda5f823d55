"""A node of the exchange: draft, decide, send, deliver, receive. One object per authority.

Every decision, release, refusal, consent and receipt is written to the audit log in the
same transaction as the change it records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tripline.audit import log as audit
from tripline.errors import ConflictError, InputError, IntegrityError, NotFoundError, StorageError, TriplineError
from tripline.exchange.agreements import Agreement, load_agreement
from tripline.exchange.consent import check_consent_proof, released_version
from tripline.exchange.delivery import HttpTransport, Transport, TransportError, next_attempt
from tripline.exchange.documents import Document, new_document_id, parse_document, sign_document
from tripline.exchange.envelope import check_receipt, make_envelope
from tripline.exchange.models import ExchangeConsent, ExchangeMessage, ExchangePartner
from tripline.exchange.policy import Decision, PolicyEngine, ReleaseRequest
from tripline.exchange.store import (
    agreements,
    as_utc,
    get_partner,
    group_members,
    load_document,
    outstanding,
    save_agreement,
    self_row,
    store_document,
    upsert_partner,
    utcnow,
)
from tripline.logs import get_logger
from tripline.settings import Settings
from tripline.signing import keys
from tripline.signing.canonical import content_hash
from tripline.store.db import Database

log = get_logger(__name__)


def key_path(settings: Settings) -> Path:
    return settings.exchange_key_path or settings.var_dir / "exchange" / "node.key"


def init_node(
    settings: Settings, db: Database, *, node_id: str, name: str, country: str, endpoint: str, groups: list[str]
) -> dict[str, Any]:
    """Create this node's key pair and its own registry row (the key file must not exist yet)."""
    with db.transaction() as session:
        existing = self_row(session)
        if existing is not None:
            raise ConflictError(f"this database already belongs to node {existing.id!r}", field="id")
        key = keys.generate(node_id)
        keys.save(key, key_path(settings))
        row = upsert_partner(
            session,
            partner_id=node_id,
            name=name,
            country=country,
            public_key=key.public_b64,
            endpoint=endpoint or settings.exchange_public_url or "",
            groups=groups,
            is_self=True,
        )
        audit.append(session, key, kind="node.init", subject=node_id, detail={"public_key": key.public_b64})
        return {"id": row.id, "public_key": key.public_b64, "key_path": str(key_path(settings))}


@dataclass
class SendOutcome:
    partner: str
    decision: Decision
    status: str  # queued | delivered | refused | retrying | failed | denied
    receipt: dict[str, Any] | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "status": self.status,
            "decision": self.decision.to_dict(),
            "receipt": self.receipt,
            "error": self.error,
        }


@dataclass
class Node:
    """The exchange as one authority runs it."""

    settings: Settings
    db: Database
    transport: Transport | None = None
    clock: Callable[[], datetime] = utcnow
    _key: keys.NodeKey | None = field(default=None, repr=False)
    _engine: tuple[str, PolicyEngine] | None = field(default=None, repr=False)

    # --- identity and reference data -------------------------------------------------
    @property
    def key(self) -> keys.NodeKey:
        if self._key is None:
            node_id = self.settings.exchange_node_id
            if node_id is None:
                with self.db.session() as session:
                    row = self_row(session)
                if row is None:
                    raise NotFoundError("this node has no identity; run `tripline exchange node init` first")
                node_id = row.id
            self._key = keys.load(node_id, key_path(self.settings))
        return self._key

    @property
    def node_id(self) -> str:
        return self.key.node_id

    def _transport(self) -> Transport:
        if self.transport is None:
            self.transport = HttpTransport(timeout=self.settings.exchange_timeout)
        return self.transport

    def engine(self, session: Session) -> PolicyEngine:
        current = agreements(session)
        digest = content_hash([a.model_dump(mode="json") for a in current])
        if self._engine is None or self._engine[0] != digest:
            self._engine = (digest, PolicyEngine(current))
        return self._engine[1]

    def add_partner(
        self, *, partner_id: str, name: str, country: str, public_key: str, endpoint: str, groups: list[str]
    ) -> dict[str, Any]:
        with self.db.transaction() as session:
            upsert_partner(
                session,
                partner_id=partner_id,
                name=name,
                country=country,
                public_key=public_key,
                endpoint=endpoint,
                groups=groups,
            )
            audit.append(
                session,
                self.key,
                kind="partner.upsert",
                subject=partner_id,
                detail={"country": country, "public_key": public_key, "endpoint": endpoint, "groups": groups},
            )
        return {"id": partner_id, "name": name, "country": country, "endpoint": endpoint, "groups": groups}

    def add_agreement(self, path: Path) -> Agreement:
        agreement = load_agreement(path)
        PolicyEngine([agreement])  # compiles, or raises ConfigError naming the problem
        with self.db.transaction() as session:
            save_agreement(session, agreement, str(path))
            audit.append(
                session,
                self.key,
                kind="agreement.load",
                subject=agreement.id,
                detail={"hash": content_hash(agreement.model_dump(mode="json")), "source": str(path)},
            )
        return agreement

    # --- documents --------------------------------------------------------------------
    def draft(self, fields: dict[str, Any]) -> Document:
        """Create and sign a document originated here (``id``, ``originator``, ``created_at`` filled in)."""
        data = {**fields, "originator": self.node_id}
        data.setdefault("id", new_document_id(self.node_id))
        data.setdefault("created_at", self.clock().replace(microsecond=0).isoformat().replace("+00:00", "Z"))
        data.pop("signature", None)
        doc = sign_document(parse_document(data, source="draft"), self.key)
        with self.db.transaction() as session:
            store_document(session, doc)
            audit.append(
                session,
                self.key,
                kind="document.draft",
                subject=doc.id,
                detail={"type": doc.type.value, "hash": doc.hash, "classification": doc.classification.value},
            )
        log.info("document drafted", id=doc.id, type=doc.type.value)
        return doc

    def decide(self, document_id: str, recipient: str, purpose: str) -> Decision:
        """What the decision function would say now (nothing is recorded)."""
        with self.db.session() as session:
            doc = load_document(session, document_id)
            return self._decide(session, doc, recipient, purpose)

    def _decide(
        self, session: Session, doc: Document, recipient: str, purpose: str, *, consent: bool = False
    ) -> Decision:
        engine = self.engine(session)
        holder = self.node_id

        def balance(agreement_id: str) -> int:
            return outstanding(session, engine.agreements[agreement_id], holder, recipient)

        request = ReleaseRequest(
            document=doc,
            holder=holder,
            recipient=recipient,
            purpose=purpose,
            today=self.clock().date(),
            consent=consent,
        )
        return engine.decide(request, balance)

    def send(
        self,
        document_id: str,
        *,
        purpose: str,
        to: Sequence[str] = (),
        group: str | None = None,
        deliver: bool = True,
    ) -> list[SendOutcome]:
        """Decide per recipient; queue what is allowed, record every decision; then try delivery."""
        if not to and not group:
            raise InputError("name at least one partner (--to) or a group (--group)", field="to")
        outcomes: list[SendOutcome] = []
        with self.db.transaction() as session:
            doc = load_document(session, document_id)
            recipients = [get_partner(session, p) for p in to]
            if group:
                recipients += [p for p in group_members(session, group) if p.id not in {r.id for r in recipients}]
            for partner in recipients:
                outcomes.append(self._queue(session, doc, partner, purpose, circulation=group))
        if deliver:
            delivered = {o.partner: o for o in self.deliver_pending(only=document_id)}
            for outcome in outcomes:
                if outcome.partner in delivered:
                    done = delivered[outcome.partner]
                    outcome.status, outcome.receipt, outcome.error = done.status, done.receipt, done.error
        return outcomes

    def _queue(
        self, session: Session, doc: Document, partner: ExchangePartner, purpose: str, *, circulation: str | None
    ) -> SendOutcome:
        proof = self._consent_proof(session, doc, partner.id, purpose)
        release = released_version(doc, proof) if proof is not None else doc
        decision = self._decide(session, doc, partner.id, purpose, consent=proof is not None)
        detail = {"document": doc.id, "hash": doc.hash, "partner": partner.id, "purpose": purpose, **decision.to_dict()}
        if not decision.allowed:
            audit.append(session, self.key, kind="release.denied", subject=doc.id, detail=detail)
            log.info("release denied", document=doc.id, partner=partner.id, reasons=decision.reasons)
            return SendOutcome(partner.id, decision, "denied")
        existing = session.execute(
            select(ExchangeMessage).where(
                ExchangeMessage.direction == "out",
                ExchangeMessage.kind == "document",
                ExchangeMessage.ref == doc.id,
                ExchangeMessage.partner_id == partner.id,
            )
        ).scalar_one_or_none()
        if existing is not None:
            return SendOutcome(partner.id, decision, existing.status, existing.receipt)
        now = self.clock()
        session.add(
            ExchangeMessage(
                direction="out",
                kind="document",
                ref=doc.id,
                partner_id=partner.id,
                purpose=purpose,
                agreement_id=decision.agreement,
                circulation=circulation,
                status="pending",
                payload={**release.payload(), "_consent": proof} if proof else doc.payload(),
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )
        audit.append(session, self.key, kind="release.allowed", subject=doc.id, detail=detail)
        return SendOutcome(partner.id, decision, "queued")

    def _consent_proof(self, session: Session, doc: Document, partner: str, purpose: str) -> dict[str, Any] | None:
        """The originator's granted consent for passing its document to ``partner`` (onward release)."""
        if doc.originator == self.node_id:
            return None
        row = session.execute(
            select(ExchangeConsent).where(
                ExchangeConsent.direction == "out",
                ExchangeConsent.document_id == doc.id,
                ExchangeConsent.third_party == partner,
                ExchangeConsent.purpose == purpose,
                ExchangeConsent.status == "granted",
            )
        ).scalar_one_or_none()
        if row is None or row.answer is None:
            return None
        try:
            return check_consent_proof(
                session, row.answer, doc, holder=self.node_id, recipient=partner, purpose=purpose
            )
        except TriplineError as exc:
            log.warning("consent not usable", document=doc.id, partner=partner, reason=exc.reason)
            return None

    def queue_message(
        self, session: Session, *, kind: str, ref: str, partner: str, purpose: str, payload: dict[str, Any]
    ) -> None:
        now = self.clock()
        session.add(
            ExchangeMessage(
                direction="out",
                kind=kind,
                ref=ref,
                partner_id=partner,
                purpose=purpose,
                status="pending",
                payload=payload,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )

    # --- delivery ---------------------------------------------------------------------
    def deliver_pending(self, *, only: str | None = None, force: bool = False) -> list[SendOutcome]:
        """Try every due outbox message once (``force``: also those waiting for their backoff)."""
        now = self.clock()
        with self.db.session() as session:
            query = select(ExchangeMessage.id).where(
                ExchangeMessage.direction == "out", ExchangeMessage.status == "pending"
            )
            if only:
                query = query.where(ExchangeMessage.ref == only)
            ids = list(session.execute(query.order_by(ExchangeMessage.id)).scalars())
        outcomes = []
        for message_id in ids:
            outcome = self._deliver_one(message_id, now, force=force)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _deliver_one(self, message_id: int, now: datetime, *, force: bool, heal: bool = True) -> SendOutcome | None:
        """Claim, send, record: the attempt is committed before the partner is called and the
        answer is recorded in a second transaction, so no database lock is held over the network.

        The claim counts the attempt and moves the message's next attempt out by its backoff, so a
        second deliverer skips it meanwhile and a crash mid-send leaves it to be retried (partners
        accept a document they already hold as a duplicate).
        """
        with self.db.transaction() as session:
            msg = session.get(ExchangeMessage, message_id)
            if msg is None or msg.status != "pending":
                return None
            if not force and msg.next_attempt_at is not None and as_utc(msg.next_attempt_at) > now:
                return None
            partner = get_partner(session, msg.partner_id)
            # witnessed by the partner, with a proof that it extends the head the partner last got
            head = audit.head_for(session, self.key, partner.id)
            consent_proof = msg.payload.get("_consent") if msg.kind == "document" else None
            payload = {k: v for k, v in msg.payload.items() if k != "_consent"}
            envelope = make_envelope(
                self.key,
                kind=msg.kind,
                recipient=partner.id,
                purpose=msg.purpose,
                payload=payload,
                sent_at=now,
                agreement=msg.agreement_id,
                consent=consent_proof,
                tree_head=head,
            )
            msg.attempts += 1
            msg.updated_at = now
            msg.next_attempt_at = next_attempt(now, msg.attempts, self.settings.exchange_backoff_seconds)
            session.expunge(partner)  # read after the commit (check_receipt); nothing in it changes here
        ref_hash = content_hash(payload)
        try:
            status, body = self._transport().post(partner.endpoint, envelope)
        except TransportError as exc:
            with self.db.transaction() as session:
                msg = session.get(ExchangeMessage, message_id)
                if msg is None or msg.status != "pending":
                    return None
                return self._retry_later(session, msg, now, str(exc), self._no_decision(msg))
        if status == 409 and isinstance(body, dict) and body.get("type") == "tree_head_refusal":
            healed = self._head_refused(message_id, partner, envelope, head, body, heal=heal)
            if not isinstance(healed, bool):
                return healed
            if healed:
                return self._deliver_one(message_id, now, force=True, heal=False)
        receipt = None
        if status in (200, 403) and isinstance(body, dict) and body.get("type") == "receipt":
            receipt = check_receipt(body, partner, ref=msg.ref, ref_hash=ref_hash)
        with self.db.transaction() as session:
            msg = session.get(ExchangeMessage, message_id)
            if msg is None or msg.status != "pending":
                return None  # another deliverer recorded an answer meanwhile
            if receipt is not None:
                audit.mark_shown(session, partner.id, head)
            return self._record_answer(session, msg, partner.id, status, body, receipt)

    # --- witnessed audit ------------------------------------------------------------
    def _head_refused(
        self,
        message_id: int,
        partner: ExchangePartner,
        envelope: dict[str, Any],
        head: dict[str, Any],
        refusal: dict[str, Any],
        *,
        heal: bool,
    ) -> SendOutcome | bool | None:
        """The partner refused this node's audit tree head (signed 409 naming the largest head of
        ours it holds). If this log has that head (an answer was lost, or deliveries crossed), the
        next envelope proves from it: True (send again, once). Otherwise this log is not the one the
        partner witnessed (rolled back or rewritten): ``delivery.head_refused`` is chained, the
        message fails and the outcome is returned. False: not a valid refusal (recorded as an answer)."""
        try:
            keys.verify(partner.public_key, refusal, what=f"the refusal from {partner.id}")
        except IntegrityError:
            return False
        if refusal.get("receiver") != partner.id or refusal.get("envelope_id") != envelope["id"]:
            return False
        held = refusal.get("held")
        reasons = (
            [str(r)[:500] for r in refusal.get("reasons", [])][:10] if isinstance(refusal.get("reasons"), list) else []
        )
        with self.db.transaction() as session:
            msg = session.get(ExchangeMessage, message_id)
            if msg is None or msg.status != "pending":
                return None
            if heal and audit.extends(session, held):
                assert isinstance(held, dict)
                audit.mark_shown(session, partner.id, held, exact=True)
                log.info("audit head: proving from the head the partner holds", partner=partner.id, size=held["size"])
                return True
            self._give_up(
                session,
                msg,
                f"HTTP 409: {partner.id} refused this node's audit tree head: {'; '.join(reasons)}",
                "delivery.head_refused",
                {
                    "partner": partner.id,
                    "size": head.get("size"),
                    "held": held if isinstance(held, dict) else None,
                    "reasons": reasons,
                    "refusal_hash": content_hash(refusal),
                },
            )
            log.warning(
                "security: a partner refused this node's audit tree head (this log went back?)",
                partner=partner.id,
                held=held,
                size=head.get("size"),
                reasons=reasons,
            )
            return SendOutcome(partner.id, self._no_decision(msg), "failed", error=msg.last_error)

    def check_partner_log(self, partner_id: str) -> dict[str, Any]:
        """Ask ``partner_id`` for an RFC 9162 consistency proof from the largest tree head of its
        audit log this node kept, and check it: ``problems`` names a rollback or rewrite."""
        from tripline.exchange.delivery import CONSISTENCY_PATH

        with self.db.session() as session:
            partner = get_partner(session, partner_id)
            session.expunge(partner)
        kept = audit.witnessed(self.db, partner.id)
        if not kept:
            raise NotFoundError(f"no tree head of {partner.id} kept yet (it sends one with every envelope)")
        head = kept[-1]
        request = self.key.sign(
            {
                "type": "consistency_request",
                "sender": self.node_id,
                "recipient": partner.id,
                "first": int(head["size"]),
                "sent_at": self.clock().isoformat().replace("+00:00", "Z"),
            }
        )
        try:
            status, body = self._transport().post(partner.endpoint, request, CONSISTENCY_PATH)
        except TransportError as exc:
            raise StorageError(f"{partner.id} could not be reached: {exc}", field="partner") from None
        if status != 200:
            reason = body.get("reason", body) if isinstance(body, dict) else body
            problems = [f"{partner.id} could not prove its log extends the {head['size']} entries it showed: {reason}"]
        else:
            problems = audit.verify_proof(partner.public_key, body, head)
        for problem in problems:
            log.warning("security: partner audit log inconsistent", partner=partner.id, problem=problem)
        return {
            "partner": partner.id,
            "witnessed": {"size": head["size"], "root": head["root"], "signed_at": head.get("signed_at")},
            "now": {"size": body.get("second"), "root": body.get("second_root")} if status == 200 else None,
            "ok": not problems,
            "problems": problems,
        }

    @staticmethod
    def _no_decision(msg: ExchangeMessage) -> Decision:
        return Decision(allowed=True, agreement=msg.agreement_id, policies=(), reasons=())

    def _record_answer(
        self,
        session: Session,
        msg: ExchangeMessage,
        partner_id: str,
        status: int,
        body: Any,
        receipt: dict[str, Any] | None,
    ) -> SendOutcome:
        empty = self._no_decision(msg)
        if receipt is not None:
            msg.receipt = receipt
            msg.status = "refused" if receipt["status"] == "refused" else "delivered"
            msg.next_attempt_at = None
            audit.append(
                session,
                self.key,
                kind="receipt.refused" if msg.status == "refused" else "receipt.accepted",
                subject=msg.ref,
                detail={
                    "partner": partner_id,
                    "kind": msg.kind,
                    "receipt_hash": content_hash(receipt),
                    "reasons": list(receipt.get("reasons", [])),
                },
            )
            return SendOutcome(partner_id, empty, msg.status, receipt)
        error = f"HTTP {status}: {body}"[:2000]
        self._give_up(session, msg, error, "delivery.failed", {"partner": partner_id, "status": status, "error": error})
        return SendOutcome(partner_id, empty, "failed", error=msg.last_error)

    def _give_up(self, session: Session, msg: ExchangeMessage, error: str, kind: str, detail: dict[str, Any]) -> None:
        """Mark ``msg`` failed for good (no further attempt) and chain ``kind`` with ``detail``."""
        msg.status = "failed"
        msg.next_attempt_at = None
        msg.last_error = error[:2000]
        audit.append(session, self.key, kind=kind, subject=msg.ref, detail=detail)

    def _retry_later(
        self, session: Session, msg: ExchangeMessage, now: datetime, error: str, decision: Decision
    ) -> SendOutcome:
        msg.last_error = error[:2000]
        if msg.attempts >= self.settings.exchange_max_attempts:
            self._give_up(
                session,
                msg,
                error,
                "delivery.failed",
                {"partner": msg.partner_id, "attempts": msg.attempts, "error": msg.last_error},
            )
            return SendOutcome(msg.partner_id, decision, "failed", error=error)
        msg.next_attempt_at = next_attempt(now, msg.attempts, self.settings.exchange_backoff_seconds)
        log.info("delivery deferred", ref=msg.ref, partner=msg.partner_id, attempts=msg.attempts, error=error)
        return SendOutcome(msg.partner_id, decision, "retrying", error=error)
