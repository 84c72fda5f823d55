"""The outbox never holds a transaction over the network: the attempt is committed before the
partner is called, and the answer is recorded afterwards in its own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.exchange.conftest import Network, scan_fields
from tripline.exchange import views
from tripline.exchange.models import ExchangeMessage


def _committed_state(network: Network, node_id: str) -> list[tuple[str, int]]:
    """(status, attempts) of the node's outbox as another connection sees it (committed rows only)."""
    db = network.nodes[node_id].db
    with db.session() as session:
        rows = session.execute(
            select(ExchangeMessage.status, ExchangeMessage.attempts).where(ExchangeMessage.direction == "out")
        )
        return [(status, attempts) for status, attempts in rows]


def test_the_attempt_is_committed_before_the_partner_is_called(network: Network) -> None:
    network.add("us-cbp")
    jp = network.add("jp-customs")
    seen_during_post: list[list[tuple[str, int]]] = []
    deliver = network.transport.handlers["local://us-cbp"]

    def watching(envelope: dict[str, Any]) -> tuple[int, Any]:
        seen_during_post.append(_committed_state(network, "jp-customs"))
        return deliver(envelope)

    network.transport.handlers["local://us-cbp"] = watching
    doc = jp.draft(scan_fields())
    [out] = jp.send(doc.id, purpose="customs_enforcement", to=["us-cbp"])
    # while the partner was being called, the claimed attempt was already visible to others
    assert seen_during_post == [[("pending", 1)]]
    assert out.status == "delivered"
    [row] = views.box(jp, "outbox")
    assert row["attempts"] == 1 and row["status"] == "delivered"


def test_a_second_deliverer_skips_a_message_being_sent(network: Network) -> None:
    network.add("us-cbp")
    jp = network.add("jp-customs")
    deliver = network.transport.handlers["local://us-cbp"]
    nested: list[object] = []

    def reentrant(envelope: dict[str, Any]) -> tuple[int, Any]:
        # another deliverer runs while this message is on the wire: it must not send it again
        nested.append(jp.deliver_pending())
        return deliver(envelope)

    network.transport.handlers["local://us-cbp"] = reentrant
    doc = jp.draft(scan_fields())
    [out] = jp.send(doc.id, purpose="customs_enforcement", to=["us-cbp"])
    assert nested == [[]]
    assert out.status == "delivered"
    assert views.box(jp, "outbox")[0]["attempts"] == 1
