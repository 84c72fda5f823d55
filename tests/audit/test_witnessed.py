"""Issue 18 item 8: a local chain cannot prove its own length; heads witnessed by partners can.

The attack of the issue: truncate the log to an earlier length and restore the older signed head
from a backup. The local check still passes (it cannot know); checked against a tree head a
partner kept, the rollback is named. A rewritten log (re-chained and re-signed by whoever holds
the key) is named too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from tests.exchange.conftest import Network, scan_fields
from tripline.audit import log as audit
from tripline.audit.models import AuditEntry, AuditHead


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
    heads, handed back, name the sender's rollback; a later, shorter head is warned about."""
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
    assert any("rolled back" in r.getMessage() for r in caplog.records)
