"""Witnessed audit, the receiving side: a partner's tree head older than (or not shown consistent
with) the largest head of it this node holds is refused with a signed 409, chained here as
``tree_head.refused``; nothing in the envelope is handled. The sender heals a refusal it can answer
(it proves from the head the refusal names) and chains ``delivery.head_refused`` when it cannot
(its log went back). On SQLite and PostgreSQL (every node's database on the kind of the param).

Failed before: the receiver only logged a warning and stored the document.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from tests.audit.test_witnessed import _head_row, _rollback
from tests.conftest import fresh_postgres_database
from tests.exchange.conftest import Network, scan_fields
from tripline.audit import log as audit
from tripline.audit.models import AuditShown
from tripline.exchange.envelope import make_envelope
from tripline.exchange.inbound import receive
from tripline.exchange.models import ExchangeDocument
from tripline.exchange.service import Node
from tripline.settings import Settings
from tripline.signing import keys
from tripline.store.db import Database

PURPOSE = "customs_enforcement"


@pytest.fixture(params=["sqlite", "postgresql"])
def network(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Network]:
    """The in-process network; with ``postgresql`` each node opens a fresh PostgreSQL database."""
    with ExitStack() as databases:
        if request.param == "postgresql":
            request.getfixturevalue("postgres_url")  # skips (or fails under CI) without PostgreSQL

            def on_postgres(cls: type[Database], settings: Settings) -> Database:
                del settings
                return cls.from_url(databases.enter_context(fresh_postgres_database()))

            monkeypatch.setattr(Database, "from_settings", classmethod(on_postgres))
        net = Network(tmp_path)
        try:
            yield net
        finally:
            net.close()
            monkeypatch.undo()


def _chain(node: Node, kind: str) -> list[dict[str, Any]]:
    return [e for e in reversed(audit.entries(node.db, limit=1000)) if e["kind"] == kind]


def _documents(node: Node) -> int:
    with node.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(ExchangeDocument)) or 0)


def _deliver(sender: Node, subject: str) -> str:
    [sent] = sender.send(sender.draft(scan_fields(subject=subject)).id, purpose=PURPOSE, to=["us-cbp"])
    return sent.status


def _envelope(sender: Node, head: dict[str, Any], subject: str) -> dict[str, Any]:
    doc = sender.draft(scan_fields(subject=subject))
    with sender.db.session() as session:
        row = session.get(ExchangeDocument, doc.id)
        assert row is not None
        payload = dict(row.payload)
    return make_envelope(
        sender.key,
        kind="document",
        recipient="us-cbp",
        purpose=PURPOSE,
        payload=payload,
        sent_at=sender.clock(),
        tree_head=head,
    )


def test_an_older_head_is_refused_signed_chained_and_nothing_is_handled(network: Network) -> None:
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    for i in range(2):
        assert _deliver(jp, f"alarm {i}") == "delivered"
    older, newest = audit.witnessed(us.db, "jp-customs")
    stored = _documents(us)
    status, body = receive(us, _envelope(jp, older, "sent with an old head"))  # a valid head, signed by jp

    assert status == 409 and body["type"] == "tree_head_refusal", body
    keys.verify(us.key.public_b64, body, what="refusal")  # signed by the receiver
    assert body["held"] == {"size": newest["size"], "root": newest["root"]}
    assert "older than the one of" in body["reasons"][0]
    assert _documents(us) == stored  # the document was not handled
    [entry] = _chain(us, "tree_head.refused")
    assert entry["subject"] == "jp-customs" and entry["detail"]["size"] == older["size"]
    assert entry["detail"]["held"] == body["held"]
    assert audit.witnessed(us.db, "jp-customs") == [older, newest]  # nothing kept
    assert audit.verify(us.db, us.key.public_b64).ok


def test_a_head_with_another_root_or_a_bad_proof_is_refused(network: Network) -> None:
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    assert _deliver(jp, "alarm") == "delivered"
    [held] = audit.witnessed(us.db, "jp-customs")
    other_root = jp.key.sign({k: v for k, v in held.items() if k != "signature"} | {"root": "ab" * 32})
    status, body = receive(us, _envelope(jp, other_root, "same size, other root"))
    assert status == 409 and "another root" in body["reasons"][0]
    # larger, with a proof from the held size that does not verify (a forked log)
    grown = audit.tree_head(jp.db, jp.key)
    forged = jp.key.sign(
        {k: v for k, v in grown.items() if k != "signature"} | {"proof_from": held["size"], "proof": ["00" * 32]}
    )
    status, body = receive(us, _envelope(jp, forged, "bad proof"))
    assert status == 409 and "does not extend" in body["reasons"][0]
    # larger, proved from nothing: not shown to extend what us holds
    status, body = receive(us, _envelope(jp, audit.tree_head(jp.db, jp.key), "no proof"))
    assert status == 409 and "does not prove it extends" in body["reasons"][0]
    assert len(_chain(us, "tree_head.refused")) == 3
    assert audit.witnessed(us.db, "jp-customs") == [held]


def test_the_sender_heals_a_refusal_it_can_answer(network: Network) -> None:
    """The sender lost the answer to its last delivery (it does not know the partner holds that
    head): the partner refuses its next head, proved from an older one; the sender proves from the
    head the refusal names and the document is delivered."""
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    for i in range(2):
        assert _deliver(jp, f"alarm {i}") == "delivered"
    with jp.db.transaction() as session:
        session.execute(delete(AuditShown))
    assert _deliver(jp, "after a lost answer") == "delivered"
    [refused] = _chain(us, "tree_head.refused")
    *_, held, newest = audit.witnessed(us.db, "jp-customs")
    assert refused["detail"]["held"] == {"size": held["size"], "root": held["root"]}
    assert newest["proof_from"] == held["size"] < newest["size"]
    assert not _chain(jp, "delivery.head_refused")
    assert audit.verify(jp.db, jp.key.public_b64).ok and audit.verify(us.db, us.key.public_b64).ok


def test_a_sender_whose_log_went_back_is_refused_and_records_it(network: Network) -> None:
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    backup = _head_row(jp)
    for i in range(2):
        assert _deliver(jp, f"alarm {i}") == "delivered"
    kept = audit.witnessed(us.db, "jp-customs")
    stored = _documents(us)
    _rollback(jp, backup)
    assert audit.verify(jp.db, jp.key.public_b64).ok  # the local chain cannot tell
    assert _deliver(jp, "after the rollback") == "failed"

    assert _documents(us) == stored
    assert len(_chain(us, "tree_head.refused")) >= 1
    [recorded] = _chain(jp, "delivery.head_refused")
    assert recorded["detail"]["partner"] == "us-cbp"
    assert recorded["detail"]["held"] == {"size": kept[-1]["size"], "root": kept[-1]["root"]}
    assert audit.witnessed(us.db, "jp-customs") == kept  # the rolled-back heads were not kept
    assert audit.verify(jp.db, jp.key.public_b64).ok and audit.verify(us.db, us.key.public_b64).ok


def test_the_same_envelope_again_is_answered_as_before(network: Network) -> None:
    """A replay of an accepted envelope (its head kept) still gets its stored receipt after newer
    heads were kept; the same old head in a new envelope is refused."""
    jp, us = network.add("jp-customs"), network.add("us-cbp")
    assert _deliver(jp, "alarm") == "delivered"
    [first] = audit.witnessed(us.db, "jp-customs")
    envelope = _envelope(jp, first, "kept head")
    status, receipt = receive(us, envelope)
    assert status == 200 and receipt["status"] == "accepted", receipt  # same size and root: accepted
    assert _deliver(jp, "newer") == "delivered"
    assert receive(us, envelope) == (status, receipt)  # the replay
    status, body = receive(us, _envelope(jp, first, "old head, new envelope"))
    assert status == 409 and body["type"] == "tree_head_refusal"
