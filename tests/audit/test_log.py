"""The audit log in a database (SQLite and PostgreSQL): appends chain, verify names what was tampered with."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from tripline.audit import log as audit
from tripline.audit.chain import ProblemKind, Report
from tripline.audit.models import AuditEntry, AuditHead
from tripline.signing import keys
from tripline.store.db import Database


def fill(db: Database, key: keys.NodeKey, n: int) -> None:
    for i in range(1, n + 1):
        with db.transaction() as session:
            audit.append(session, key, kind="release.allowed", subject=f"doc-{i}", detail={"partner": "us-cbp", "i": i})


def kinds(report: Report) -> list[tuple[int, ProblemKind]]:
    return [(p.seq, p.kind) for p in report.problems]


def test_appends_verify(any_db: Database) -> None:
    key = keys.generate("jp-customs")
    fill(any_db, key, 6)
    report = audit.verify(any_db, key.public_b64)
    assert report.ok and report.entries == 6 and report.heads_checked == 1
    assert [e["seq"] for e in audit.entries(any_db)] == [6, 5, 4, 3, 2, 1]


def test_edited_entry_is_named(any_db: Database) -> None:
    key = keys.generate("jp-customs")
    fill(any_db, key, 6)
    with any_db.transaction() as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(detail={"partner": "cn-x", "i": 3}))
    assert kinds(audit.verify(any_db, key.public_b64)) == [(3, ProblemKind.EDITED)]


def test_removed_entry_is_named(any_db: Database) -> None:
    key = keys.generate("jp-customs")
    fill(any_db, key, 6)
    with any_db.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 4))
    report = audit.verify(any_db, key.public_b64)
    assert (4, ProblemKind.REMOVED) in kinds(report)
    assert "entry 4 removed" in report.problems[0].message


def test_reordered_entries_are_named(any_db: Database) -> None:
    key = keys.generate("jp-customs")
    fill(any_db, key, 6)
    with any_db.transaction() as session:  # swap the sequence numbers of 2 and 5
        session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(seq=-2))
        session.execute(update(AuditEntry).where(AuditEntry.seq == 5).values(seq=2))
        session.execute(update(AuditEntry).where(AuditEntry.seq == -2).values(seq=5))
    report = audit.verify(any_db, key.public_b64)
    assert {seq for seq, kind in kinds(report) if kind == ProblemKind.REORDERED} >= {2, 5}


def test_truncated_tail_is_caught_by_the_signed_head(any_db: Database) -> None:
    key = keys.generate("jp-customs")
    fill(any_db, key, 6)
    with any_db.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq >= 5))
    assert kinds(audit.verify(any_db, key.public_b64)) == [(5, ProblemKind.REMOVED)]


def test_head_signature_byte_change_is_caught(any_db: Database) -> None:
    key = keys.generate("jp-customs")
    fill(any_db, key, 3)
    with any_db.transaction() as session:
        head = session.execute(select(AuditHead)).scalar_one()
        raw = bytearray(keys.unb64(head.signature, field="signature"))
        raw[10] ^= 0x01
        head.signature = keys.b64(bytes(raw))
    report = audit.verify(any_db, key.public_b64)
    assert kinds(report) == [(3, ProblemKind.HEAD)] and "does not verify" in report.problems[0].message


def test_a_head_signed_by_another_key_is_not_trusted(any_db: Database) -> None:
    key, other = keys.generate("jp-customs"), keys.generate("jp-customs")
    fill(any_db, key, 2)
    assert not audit.verify(any_db, other.public_b64).ok
