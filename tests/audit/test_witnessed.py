"""Issue 18 item 8: a local chain cannot prove its own length; heads witnessed by partners can.

The attack of the issue: truncate the log to an earlier length and restore the older signed head
from a backup. The local check still passes (it cannot know); checked against a tree head a
partner kept, the rollback is named. A rewritten log (re-chained and re-signed by whoever holds
the key) is named too.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select

from tests.exchange.conftest import Network, scan_fields
from tripline.audit import log as audit
from tripline.audit import merkle
from tripline.audit.models import AuditEntry, AuditHead, AuditNode, AuditShown, AuditWitness
from tripline.errors import AuthError, ForbiddenError, FormatError, InputError, IntegrityError
from tripline.exchange.inbound import answer_consistency
from tripline.signing import keys


def _head_row(node: Any) -> dict[str, Any]:
    with node.db.session() as session:
        row = session.get(AuditHead, 1)
        assert row is not None
        return {c: getattr(row, c) for c in ("size", "root", "signed_at", "public_key", "signature")}


def test_rollback_to_a_backup_head_is_caught_by_a_witnessed_head(network: Network) -> None:
    """Before: `audit verify` passed after the rollback, and nothing else could tell."""
    jp, _ = network.add("jp-customs"), network.add("us-cbp")
    backup = _head_row(jp)  # an old backup of the signed head
    for i in range(3):
        jp.send(jp.draft(scan_fields(subject=f"alarm {i}")).id, purpose="customs_enforcement", to=["us-cbp"])
    witnessed = audit.tree_head(jp.db, jp.key)  # what a partner keeps after a delivery
    assert witnessed["size"] > backup["size"]
    assert not audit.check_against(jp.db, jp.key.public_b64, [witnessed])  # consistent so far

    with jp.db.transaction() as session:  # the rollback
        session.execute(delete(AuditEntry).where(AuditEntry.seq > backup["size"]))
        row = session.get(AuditHead, 1)
        assert row is not None
        for name, value in backup.items():
            setattr(row, name, value)
    assert audit.verify(jp.db, jp.key.public_b64).ok  # the local chain cannot see it
    [problem] = audit.check_against(jp.db, jp.key.public_b64, [witnessed])
    assert problem.kind.value == "removed" and f"witnessed {witnessed['size']} entries" in problem.message


def test_rewritten_log_and_foreign_heads_are_named(network: Network) -> None:
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    jp.send(jp.draft(scan_fields()).id, purpose="customs_enforcement", to=["us-cbp"])
    witnessed = audit.tree_head(jp.db, jp.key)
    with jp.db.transaction() as session:  # an entry rewritten (hash recomputed, as the key holder could)
        first = session.scalar(select(AuditEntry).order_by(AuditEntry.seq).limit(1))
        assert first is not None
        first.entry_hash = "f" * 64
    kinds = [p.kind.value for p in audit.check_against(jp.db, jp.key.public_b64, [witnessed])]
    assert kinds == ["edited"]
    foreign = audit.tree_head(us.db, us.key)  # not this node's head
    [problem] = audit.check_against(jp.db, jp.key.public_b64, [foreign])
    assert "not signed by this node" in problem.message


def test_partners_witness_heads_on_delivery_and_their_heads_catch_a_rollback(network: Network, caplog: Any) -> None:
    """Every envelope carries the sender's signed tree head; the receiver keeps it, and the kept
    heads, handed back, name the sender's rollback; a later, shorter head is refused and warned about."""
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    backup = _head_row(jp)
    for i in range(2):
        [sent] = jp.send(jp.draft(scan_fields(subject=f"alarm {i}")).id, purpose="customs_enforcement", to=["us-cbp"])
        assert sent.status == "delivered"
    kept = audit.witnessed(us.db, "jp-customs")
    assert len(kept) == 2 and kept[0]["size"] < kept[1]["size"]
    with jp.db.transaction() as session:  # the rollback of the first test
        session.execute(delete(AuditEntry).where(AuditEntry.seq > backup["size"]))
        row = session.get(AuditHead, 1)
        assert row is not None
        for name, value in backup.items():
            setattr(row, name, value)
    assert audit.verify(jp.db, jp.key.public_b64).ok
    problems = audit.check_against(jp.db, jp.key.public_b64, kept)
    assert [p.kind.value for p in problems] == ["removed", "removed"]
    with caplog.at_level("WARNING"):
        [sent] = jp.send(jp.draft(scan_fields(subject="after")).id, purpose="customs_enforcement", to=["us-cbp"])
    assert sent.status == "failed"
    assert any("rolled back" in str(r.__dict__) for r in caplog.records)


def _rollback(node: Any, backup: dict[str, Any]) -> None:
    """Restore the log (entries, subtrees, head) to an older backup, as an insider would."""
    with node.db.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq > backup["size"]))
        session.execute(delete(AuditNode).where(AuditNode.idx >= 0))  # rebuilt below from the entries kept
        leaves = [bytes.fromhex(h) for h in session.scalars(select(AuditEntry.entry_hash).order_by(AuditEntry.seq))]
        stored: dict[tuple[int, int], bytes] = {}
        for i, leaf in enumerate(leaves):
            for level, index, digest in merkle.parents(i, leaf, lambda lv, j: stored[(lv, j)]):
                stored[(level, index)] = digest
                session.add(AuditNode(level=level, idx=index, hash=digest.hex()))
        session.execute(delete(AuditShown))
        row = session.get(AuditHead, 1)
        assert row is not None
        for name, value in backup.items():
            setattr(row, name, value)


def test_stored_subtrees_give_the_rfc_root_and_proofs(network: Network) -> None:
    """The O(log n) heads and proofs read from stored subtrees equal the RFC 9162 definitions over
    every entry (recomputed from the entries here)."""
    jp, _ = network.add("jp-customs"), network.add("us-cbp")
    for i in range(5):
        jp.send(jp.draft(scan_fields(subject=f"alarm {i}")).id, purpose="customs_enforcement", to=["us-cbp"])
    with jp.db.session() as session:
        leaves = [bytes.fromhex(h) for h in session.scalars(select(AuditEntry.entry_hash).order_by(AuditEntry.seq))]
    head = audit.tree_head(jp.db, jp.key)
    assert head["size"] == len(leaves) > 8 and head["root"] == merkle.root(leaves).hex()
    for first in range(1, len(leaves) + 1):
        answer = audit.consistency(jp.db, jp.key, first)
        assert answer["proof"] == [p.hex() for p in merkle.consistency_proof(first, leaves)]
        assert answer["first_root"] == merkle.root(leaves[:first]).hex()


def test_every_delivery_proves_the_log_extends_the_last_head_the_partner_got(network: Network, caplog: Any) -> None:
    """Failed before (no proof travelled): each envelope's head carries an RFC 9162 proof from the
    head the partner last received, and the partner checks it."""
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    with caplog.at_level("WARNING"):
        for i in range(2):
            draft = jp.draft(scan_fields(subject=f"alarm {i}"))
            [sent] = jp.send(draft.id, purpose="customs_enforcement", to=["us-cbp"])
            assert sent.status == "delivered"
    first, second = audit.witnessed(us.db, "jp-customs")
    assert "proof" not in first and second["proof_from"] == first["size"] < second["size"]
    assert not [r for r in caplog.records if "inconsistent" in r.getMessage()]
    # the partner holds another root at the size the next proof starts from (as if jp's log had been
    # rewritten since): the delivery's proof no longer verifies and the partner says so
    with us.db.transaction() as session:
        row = session.get(AuditWitness, ("jp-customs", second["size"]))
        assert row is not None
        row.root = "0" * 64
    caplog.clear()
    with caplog.at_level("WARNING"):
        [sent] = jp.send(jp.draft(scan_fields(subject="after")).id, purpose="customs_enforcement", to=["us-cbp"])
    # refused (signed 409, tests/audit/test_head_refusal.py); jp's log at that size is not what us
    # holds, so jp cannot heal it and records the refusal
    assert sent.status == "failed" and sent.error is not None and "does not extend" in sent.error, sent
    assert any("does not extend" in str(r.__dict__) for r in caplog.records), [r.__dict__ for r in caplog.records]


def test_partner_check_catches_a_rollback_and_a_regrown_log(network: Network) -> None:
    """Failed before (no way to ask): `audit check` asks the partner over its signed consistency
    endpoint from the largest head kept; a truncated log, and one truncated and grown again past
    the witnessed size (whose per-delivery proof starts before the rollback), are both named."""
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    backup = _head_row(jp)
    for i in range(2):
        jp.send(jp.draft(scan_fields(subject=f"alarm {i}")).id, purpose="customs_enforcement", to=["us-cbp"])
    assert us.check_partner_log("jp-customs")["ok"]
    _rollback(jp, backup)
    truncated = us.check_partner_log("jp-customs")
    assert not truncated["ok"] and "could not prove" in truncated["problems"][0], truncated
    for i in range(10):  # grown again, beyond what us witnessed
        with jp.db.transaction() as session:
            audit.append(session, jp.key, kind="note", subject=f"new {i}", detail={})
    assert audit.tree_head(jp.db, jp.key)["size"] > audit.witnessed(us.db, "jp-customs")[-1]["size"]
    regrown = us.check_partner_log("jp-customs")
    assert not regrown["ok"] and "rewritten or rolled back" in regrown["problems"][0], regrown


def test_consistency_endpoint_answers_only_signed_fresh_requests_of_partners(network: Network) -> None:
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    jp.send(jp.draft(scan_fields()).id, purpose="customs_enforcement", to=["us-cbp"])
    good: dict[str, Any] = {
        "type": "consistency_request",
        "sender": "us-cbp",
        "recipient": "jp-customs",
        "first": 1,
        "sent_at": network.clock.now.isoformat(),
    }
    assert answer_consistency(jp, us.key.sign(good))["type"] == "consistency_proof"
    stranger = keys.generate("us-cbp")  # the partner's name, another key
    refused: list[tuple[object, type[Exception]]] = [
        (stranger.sign(good), AuthError),
        ({**us.key.sign(good), "first": 2}, AuthError),  # altered after signing
        (us.key.sign({**good, "sender": "nobody"}), AuthError),
        (us.key.sign({**good, "recipient": "us-cbp"}), ForbiddenError),
        (us.key.sign({**good, "sent_at": "2026-01-01T00:00:00Z"}), IntegrityError),
        (us.key.sign({**good, "first": 10_000}), InputError),
        (us.key.sign({**good, "first": "1"}), FormatError),
        ([1, 2], FormatError),
    ]
    for bad, kind in refused:
        with pytest.raises(kind):
            answer_consistency(jp, bad)


def test_agreement_and_partner_changes_are_chained(network: Network) -> None:
    """Issue 18 item 6 (admin changes in the chain): loading an agreement and registering a partner
    are signed audit entries naming the agreement's content hash and the partner's key."""
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    kinds = [(e["kind"], e["subject"]) for e in audit.entries(jp.db, limit=100)]
    assert ("agreement.load", "jp-us-cmaa") in kinds and ("agreement.load", "mtcr-poc") in kinds
    assert any(kind.startswith("partner.") and subject == "us-cbp" for kind, subject in kinds), kinds
    assert audit.verify(jp.db, jp.key.public_b64).ok and audit.verify(us.db, us.key.public_b64).ok
