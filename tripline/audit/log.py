"""Append to the audit log inside the caller's transaction; verify a whole database."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tripline.audit import merkle
from tripline.audit.chain import GENESIS, Entry, Head, Problem, ProblemKind, Report, check_head, link, verify_entries
from tripline.audit.models import AuditEntry, AuditHead, AuditWitness
from tripline.errors import IntegrityError
from tripline.logs import get_logger
from tripline.signing import keys
from tripline.signing.canonical import canonical_bytes
from tripline.signing.keys import NodeKey, verify_bytes
from tripline.store.db import Database

log = get_logger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def append(
    session: Session,
    key: NodeKey,
    *,
    kind: str,
    subject: str,
    detail: dict[str, Any],
    actor: str | None = None,
) -> Entry:
    """Chain one entry after the newest and sign the new head (same transaction as the change it records)."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1).with_for_update()
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    ts, who, about = _now(), actor or key.node_id, subject[:200]
    content: dict[str, Any] = {"ts": ts, "kind": kind, "actor": who, "subject": about, "detail": detail}
    entry = Entry(
        seq=seq,
        ts=ts,
        kind=kind,
        actor=who,
        subject=about,
        detail=detail,
        prev_hash=prev,
        entry_hash=link(prev, content),
    )
    session.add(
        AuditEntry(
            seq=entry.seq,
            ts=entry.ts,
            kind=entry.kind,
            actor=entry.actor,
            subject=entry.subject,
            detail=entry.detail,
            prev_hash=entry.prev_hash,
            entry_hash=entry.entry_hash,
        )
    )
    head = sign_head(key, seq, entry.entry_hash)
    row = session.get(AuditHead, 1, with_for_update=True)
    if row is None:
        row = AuditHead(id=1)
        session.add(row)
    row.size, row.root, row.signed_at = head.size, head.root, head.signed_at
    row.public_key, row.signature = head.public_key, head.signature
    return entry


def sign_head(key: NodeKey, size: int, root: str) -> Head:
    unsigned = Head(size=size, root=root, signed_at=_now(), public_key=key.public_b64, signature="")
    return dataclasses.replace(unsigned, signature=key.sign_bytes(canonical_bytes(unsigned.signed_content())))


def _entries(db: Database) -> Iterator[Entry]:
    """Stream the entries as plain rows (no ORM objects: a million rows stay cheap)."""
    columns = (
        AuditEntry.seq,
        AuditEntry.ts,
        AuditEntry.kind,
        AuditEntry.actor,
        AuditEntry.subject,
        AuditEntry.detail,
        AuditEntry.prev_hash,
        AuditEntry.entry_hash,
    )
    with db.engine.connect() as conn:
        rows = conn.execution_options(yield_per=10000).execute(select(*columns).order_by(AuditEntry.seq))
        for seq, ts, kind, actor, subject, detail, prev_hash, entry_hash in rows:
            yield Entry(seq, ts, kind, actor, subject, detail, prev_hash, entry_hash)


def verify(db: Database, public_key: str) -> Report:
    """Check every entry and every signed head (each against ``public_key``, the node's own key)."""
    with db.session() as session:
        heads = [
            Head(size=h.size, root=h.root, signed_at=h.signed_at, public_key=h.public_key, signature=h.signature)
            for h in session.execute(select(AuditHead).order_by(AuditHead.id)).scalars()
        ]
    report = Report()
    good_heads: list[Head] = []
    for head in heads:
        if head.public_key != public_key:
            report.problems.append(
                Problem(head.size, ProblemKind.HEAD, f"the head of entry {head.size} is signed by another key")
            )
            continue
        try:
            verify_bytes(public_key, canonical_bytes(head.signed_content()), head.signature, what="audit head")
        except IntegrityError:
            report.problems.append(
                Problem(head.size, ProblemKind.HEAD, f"the signed head of entry {head.size} does not verify")
            )
            continue
        good_heads.append(head)
    report, found = verify_entries(lambda: _entries(db), {h.size for h in good_heads}, report)
    for head in good_heads:
        check_head(head, found, report.entries, report)
    if not heads and report.entries:
        report.problems.append(Problem(report.entries, ProblemKind.HEAD, "the signed head of the log is missing"))
    report.problems.sort(key=lambda p: p.seq)
    return report


def entries(db: Database, *, kind: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    with db.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
        if kind:
            query = query.where(AuditEntry.kind == kind)
        return [
            {"seq": r.seq, "ts": r.ts, "kind": r.kind, "actor": r.actor, "subject": r.subject, "detail": r.detail}
            for r in session.execute(query).scalars()
        ]


def _leaves(db: Database) -> list[bytes]:
    return [bytes.fromhex(e.entry_hash) for e in _entries(db)]


def tree_head(db: Database, key: NodeKey) -> dict[str, Any]:
    """This log's signed tree head (RFC 9162 style: size and Merkle root over the entry hashes),
    to hand to partners, who keep it as witnesses."""
    leaves = _leaves(db)
    return key.sign(
        {
            "type": "tree_head",
            "node": key.node_id,
            "size": len(leaves),
            "root": merkle.root(leaves).hex(),
            "signed_at": _now(),
        }
    )


def check_against(db: Database, public_key: str, heads: list[Any]) -> list[Problem]:
    """Compare the local log with tree heads partners witnessed: a log shorter than a witnessed
    size was truncated or rolled back; a different root over that many entries was rewritten."""
    leaves = _leaves(db)
    problems: list[Problem] = []
    for number, head in enumerate(heads, start=1):
        if not isinstance(head, dict) or head.get("type") != "tree_head":
            problems.append(Problem(0, ProblemKind.HEAD, f"witnessed head {number} is not a tree head"))
            continue
        try:
            keys.verify(public_key, head, what=f"witnessed head {number}")
        except IntegrityError:
            problems.append(Problem(0, ProblemKind.HEAD, f"witnessed head {number} is not signed by this node's key"))
            continue
        size = int(head.get("size", -1))
        if size > len(leaves):
            problems.append(
                Problem(
                    len(leaves),
                    ProblemKind.REMOVED,
                    f"a partner witnessed {size} entries (head signed {head.get('signed_at')}), the log has "
                    f"{len(leaves)}: truncated or rolled back",
                )
            )
        elif size >= 0 and merkle.root(leaves[:size]).hex() != head.get("root"):
            problems.append(
                Problem(
                    size,
                    ProblemKind.EDITED,
                    f"the first {size} entries differ from what a partner witnessed (head signed "
                    f"{head.get('signed_at')}): the log was rewritten",
                )
            )
    return problems


def witness(session: Session, head: Any, partner: str, public_key: str, now: datetime) -> list[str]:
    """Keep a partner's signed tree head (sent with its envelopes); return warnings: a head smaller
    than one already kept, or another root for a size already kept, means its log went back."""
    if not isinstance(head, dict) or head.get("type") != "tree_head" or head.get("node") != partner:
        return ["the envelope's tree head is not the sender's"]
    try:
        keys.verify(public_key, head, what="the sender's tree head")
        size, root = int(head["size"]), str(head["root"])
    except (IntegrityError, KeyError, TypeError, ValueError):
        return ["the sender's tree head does not verify"]
    warnings = []
    same = session.get(AuditWitness, (partner, size))
    if same is not None and same.root != root:
        warnings.append(f"{partner}'s log has another root at size {size} than it showed before (rewritten)")
    largest = session.scalar(
        select(AuditWitness.size).where(AuditWitness.partner == partner).order_by(AuditWitness.size.desc()).limit(1)
    )
    if largest is not None and size < largest:
        warnings.append(f"{partner}'s log shrank from {largest} to {size} entries (rolled back)")
    if same is None:
        session.add(AuditWitness(partner=partner, size=size, root=root, head=head, received_at=now))
    for text in warnings:
        log.warning("security: partner audit log inconsistent", partner=partner, problem=text)
    return warnings


def witnessed(db: Database, partner: str) -> list[dict[str, Any]]:
    """The tree heads of ``partner`` this node keeps (for ``audit verify --against`` at the partner)."""
    with db.session() as session:
        rows = session.scalars(select(AuditWitness).where(AuditWitness.partner == partner).order_by(AuditWitness.size))
        return [dict(r.head) for r in rows]
