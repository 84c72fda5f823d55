"""Append to the audit log inside the caller's transaction; verify a whole database."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tripline.audit import merkle
from tripline.audit.chain import GENESIS, Entry, Head, Problem, ProblemKind, Report, check_head, link, verify_entries
from tripline.audit.models import AuditEntry, AuditHead, AuditNode, AuditShown, AuditWitness
from tripline.errors import InputError, IntegrityError
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
    ts, who, about = _now(), (actor or key.node_id)[:64], subject[:200]
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
    tree = StoredTree(session)
    if session.get(AuditNode, (0, seq - 1)) is not None:  # subtrees past the log's end: it was truncated
        log.warning("security: audit subtrees beyond the log's end removed (truncated log?)", size=seq - 1)
        for level in range(64):
            session.execute(delete(AuditNode).where(AuditNode.level == level, AuditNode.idx >= (seq - 1) >> level))
    for level, index, digest in merkle.parents(seq - 1, bytes.fromhex(entry.entry_hash), tree.perfect):
        session.add(AuditNode(level=level, idx=index, hash=digest.hex()))
    session.flush()  # a second append in this transaction reads these nodes
    head = sign_head(key, seq, entry.entry_hash)
    row = session.get(AuditHead, 1, with_for_update=True)
    if row is None:
        row = AuditHead(id=1)
        session.add(row)
    row.size, row.root, row.signed_at = head.size, head.root, head.signed_at
    row.public_key, row.signature = head.public_key, head.signature
    return entry


class StoredTree:
    """The log's Merkle tree as stored subtrees (:class:`~tripline.audit.models.AuditNode`)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._seen: dict[tuple[int, int], bytes] = {}

    def perfect(self, level: int, index: int) -> bytes:
        found = self._seen.get((level, index))
        if found is None:
            row = self.session.get(AuditNode, (level, index))
            if row is None:
                raise IntegrityError(
                    f"the audit log's Merkle subtree ({level}, {index}) is missing: run `tripline audit verify`",
                    field="audit",
                )
            found = self._seen[(level, index)] = bytes.fromhex(row.hash)
        return found

    def size(self) -> int:
        return int(self.session.scalar(select(func.max(AuditEntry.seq))) or 0)


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


def _signed_tree_head(key: NodeKey, size: int, root: bytes, **extra: Any) -> dict[str, Any]:
    head = {"type": "tree_head", "node": key.node_id, "size": size, "root": root.hex(), "signed_at": _now()}
    return key.sign({**head, **extra})


def tree_head(db: Database, key: NodeKey) -> dict[str, Any]:
    """This log's signed tree head (RFC 9162 style: size and Merkle root over the entry hashes),
    to hand to partners, who keep it as witnesses. O(log n): from the stored subtrees."""
    with db.session() as session:
        tree = StoredTree(session)
        size = tree.size()
        return _signed_tree_head(key, size, merkle.tree_root(tree, size))


def head_for(session: Session, key: NodeKey, partner: str) -> dict[str, Any]:
    """The signed tree head to send ``partner``, with an RFC 9162 consistency proof from the
    largest head this node delivered to it before (``proof_from`` = that size), so the partner
    can check that this log only grew since. O(log n) reads."""
    tree = StoredTree(session)
    size = tree.size()
    root = merkle.tree_root(tree, size)
    shown = session.get(AuditShown, partner)
    if shown is not None and 0 < shown.size < size:
        proof = [p.hex() for p in merkle.tree_proof(tree, shown.size, size)]
        return _signed_tree_head(key, size, root, proof_from=shown.size, proof=proof)
    return _signed_tree_head(key, size, root)


def mark_shown(session: Session, partner: str, head: dict[str, Any], *, exact: bool = False) -> None:
    """Remember that ``partner`` received (and answered) ``head``; ``exact``: that ``head`` is the
    largest it holds (its refusal said so), even if an earlier answer suggested a larger one."""
    size = int(head.get("size", 0))
    row = session.get(AuditShown, partner, with_for_update=True)
    if row is None:
        session.add(AuditShown(partner=partner[:64], size=size))
    elif size > row.size or exact:
        row.size = size


def consistency(db: Database, key: NodeKey, first: int, second: int | None = None) -> dict[str, Any]:
    """A signed answer: this log's tree head at ``second`` (default: now) and the RFC 9162 proof
    that it extends the tree of size ``first``. :class:`InputError` for sizes the log does not have."""
    with db.session() as session:
        tree = StoredTree(session)
        size = tree.size()
        second = size if second is None else second
        if not 0 < first <= second <= size:
            raise InputError(f"need 0 < first <= second <= {size} (the log's size)", field="first")
        return key.sign(
            {
                "type": "consistency_proof",
                "node": key.node_id,
                "first": first,
                "first_root": merkle.tree_root(tree, first).hex(),
                "second": second,
                "second_root": merkle.tree_root(tree, second).hex(),
                "proof": [p.hex() for p in merkle.tree_proof(tree, first, second)],
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


_HEX64 = re.compile("[0-9a-f]{64}")


def witness(
    session: Session, head: Any, partner: str, public_key: str, now: datetime, *, replay: bool = False
) -> list[str]:
    """Keep a partner's signed tree head (sent with its envelopes) when it is consistent with the
    largest head of that partner this node holds; otherwise keep nothing and return why it is refused.

    Consistent: no head held yet; the same size and root as the largest held; or larger, with an
    RFC 9162 consistency proof from the largest held head (``proof_from`` = its size) that verifies.
    Refused: a smaller head (the sender went back), another root at the held size (rewritten), a
    proof that does not verify (forked), and a larger head proved from any other size (nothing
    shows it extends what this node holds; the sender heals that by proving from the head the
    refusal names). ``replay``: the very envelope was received before; its head is then accepted
    if this node keeps exactly that head (it was judged and kept the first time).
    """
    if not isinstance(head, dict) or head.get("type") != "tree_head" or head.get("node") != partner:
        return _refused(partner, ["the envelope's tree head is not the sender's"])
    try:
        keys.verify(public_key, head, what="the sender's tree head")
    except IntegrityError:
        return _refused(partner, ["the sender's tree head does not verify"])
    size, root = head.get("size"), head.get("root")
    if type(size) is not int or size < 1 or not isinstance(root, str) or not _HEX64.fullmatch(root):
        return _refused(partner, ["the sender's tree head is malformed (size or root)"])
    if replay:
        same = session.get(AuditWitness, (partner, size))
        if same is not None and same.root == root:
            return []
    largest = held_head(session, partner)
    reasons = _inconsistent(head, partner, size, root, largest)
    if reasons:
        return _refused(partner, reasons)
    if largest is None or size > largest["size"]:
        session.add(AuditWitness(partner=partner, size=size, root=root, head=head, received_at=now))
    return []


def _refused(partner: str, reasons: list[str]) -> list[str]:
    for text in reasons:
        log.warning("security: partner audit tree head refused", partner=partner, problem=text)
    return reasons


def held_head(session: Session, partner: str) -> dict[str, Any] | None:
    """The largest tree head of ``partner`` this node holds: ``{"size", "root"}``, or None."""
    row = session.scalars(
        select(AuditWitness).where(AuditWitness.partner == partner).order_by(AuditWitness.size.desc()).limit(1)
    ).first()
    return None if row is None else {"size": int(row.size), "root": str(row.root)}


def _inconsistent(head: dict[str, Any], partner: str, size: int, root: str, held: dict[str, Any] | None) -> list[str]:
    if held is None:
        return []
    if size < held["size"]:
        return [
            f"{partner}'s tree head of {size} entries is older than the one of {held['size']} it showed (rolled back?)"
        ]
    if size == held["size"]:
        if root == held["root"]:
            return []
        return [f"{partner}'s log has another root at size {size} than it showed before (rewritten)"]
    first = head.get("proof_from")
    if type(first) is not int or first != held["size"]:
        return [
            f"{partner}'s tree head of {size} entries does not prove it extends the one of {held['size']} "
            f"this node holds (proof from {first if type(first) is int else 'nothing'})"
        ]
    proof_items = head.get("proof")
    try:
        if not isinstance(proof_items, list):
            raise TypeError
        proof = [bytes.fromhex(str(p)) for p in proof_items]
    except (TypeError, ValueError):
        return [f"{partner}'s consistency proof is malformed"]
    if not merkle.verify_consistency(first, size, bytes.fromhex(held["root"]), bytes.fromhex(root), proof):
        return [
            f"{partner}'s log of {size} entries does not extend the one of {first} it showed (rolled back or forked)"
        ]
    return []


def extends(session: Session, held: Any) -> bool:
    """Whether this node's own log, at the size of ``held`` (a partner's refusal names the largest
    head of ours it holds), has that root: then a proof from it can be given (heal)."""
    if not isinstance(held, dict):
        return False
    size, root = held.get("size"), held.get("root")
    if type(size) is not int or not isinstance(root, str):
        return False
    tree = StoredTree(session)
    return 0 < size <= tree.size() and merkle.tree_root(tree, size).hex() == root


def verify_proof(public_key: str, answer: Any, kept: dict[str, Any]) -> list[str]:
    """Check a partner's signed consistency answer against a tree head of it this node kept:
    signed by the partner, starting at the kept head's size and root, and a valid RFC 9162 proof."""
    if not isinstance(answer, dict) or answer.get("type") != "consistency_proof":
        return ["the answer is not a consistency proof"]
    try:
        keys.verify(public_key, answer, what="the consistency proof")
        first, second = int(answer["first"]), int(answer["second"])
        first_root, second_root = bytes.fromhex(answer["first_root"]), bytes.fromhex(answer["second_root"])
        proof = [bytes.fromhex(str(p)) for p in answer["proof"]]
    except (IntegrityError, KeyError, TypeError, ValueError):
        return ["the consistency proof does not verify (signature or shape)"]
    problems = []
    if first != int(kept["size"]) or first_root.hex() != kept["root"]:
        problems.append(
            f"at {kept['size']} entries the partner's log now has root {first_root.hex()[:16]}..., "
            f"it showed {str(kept['root'])[:16]}... before (rewritten or rolled back)"
        )
    if not merkle.verify_consistency(first, second, first_root, second_root, proof):
        problems.append(f"the proof does not show the log of {second} entries extends the one of {first}")
    return problems


def witnessed(db: Database, partner: str) -> list[dict[str, Any]]:
    """The tree heads of ``partner`` this node keeps (for ``audit verify --against`` at the partner)."""
    with db.session() as session:
        rows = session.scalars(select(AuditWitness).where(AuditWitness.partner == partner).order_by(AuditWitness.size))
        return [dict(r.head) for r in rows]
