"""Issue 18 item 9: concurrent deliveries of one document are idempotent, on SQLite and PostgreSQL.

Twelve threads hand the receiving node the same signed envelope at once (as a partner retrying
over several connections would): exactly one document is stored and every answer is 200 with the
same signed receipt; none is an error carrying SQL.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import BUNDLED_DATA
from tests.exchange.conftest import NODES, Network, scan_fields
from tripline.exchange.agreements import EXAMPLES_DIR
from tripline.exchange.envelope import make_envelope
from tripline.exchange.inbound import receive
from tripline.exchange.models import ExchangeDocument, ExchangeMessage
from tripline.exchange.service import Node, init_node
from tripline.settings import Settings
from tripline.store.db import Database

THREADS = 12


class UrlNetwork(Network):
    """A Network whose receiving node may live on PostgreSQL."""

    def add_on(self, node_id: str, database_url: str | None) -> Node:
        name, country, groups = NODES[node_id]
        settings = Settings(var_dir=self.tmp_path / node_id, database_url=database_url, data_dir=BUNDLED_DATA)
        db = Database.from_settings(settings)
        db.upgrade()
        endpoint = f"local://{node_id}"
        init_node(settings, db, node_id=node_id, name=name, country=country, endpoint=endpoint, groups=groups)
        node = Node(settings=settings, db=db, transport=self.transport, clock=self.clock)
        self.transport.handlers[endpoint] = functools.partial(receive, node)
        for file in ("jp-us-cmaa.yaml", "mtcr-poc.yaml"):
            node.add_agreement(EXAMPLES_DIR / file)
        for other in self.nodes.values():
            self._register(node, other)
            self._register(other, node)
        self.nodes[node_id] = node
        return node


@pytest.fixture(params=["sqlite", "postgresql"])
def receiver_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
    else:
        yield request.getfixturevalue("postgres_url")


def test_concurrent_deliveries_store_one_and_answer_the_same_receipt(tmp_path: Path, receiver_url: str | None) -> None:
    """Failed before: of twelve concurrent deliveries, several were 400s carrying the SQL statement."""
    net = UrlNetwork(tmp_path)
    try:
        jp = net.add_on("jp-customs", None)
        us = net.add_on("us-cbp", receiver_url)
        doc = jp.draft(scan_fields())
        envelope = make_envelope(
            jp.key,
            kind="document",
            recipient="us-cbp",
            purpose="customs_enforcement",
            payload=doc.payload(),
            sent_at=net.clock(),
        )
        answers: list[tuple[int, dict[str, Any]] | BaseException] = []
        barrier = threading.Barrier(THREADS)

        def deliver() -> None:
            barrier.wait()
            try:
                answers.append(receive(us, envelope))
            except BaseException as exc:
                answers.append(exc)

        threads = [threading.Thread(target=deliver) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        errors = [a for a in answers if isinstance(a, BaseException)]
        assert not errors, [f"{type(e).__name__}: {e}"[:200] for e in errors]
        statuses = {a[0] for a in answers if not isinstance(a, BaseException)}
        receipts = {a[1]["signature"] for a in answers if not isinstance(a, BaseException)}
        assert len(answers) == THREADS and statuses == {200} and len(receipts) == 1
        with us.db.session() as session:
            assert session.scalar(select(func.count()).select_from(ExchangeDocument)) == 1
            assert session.scalar(select(func.count()).select_from(ExchangeMessage)) == 1
    finally:
        net.close()
