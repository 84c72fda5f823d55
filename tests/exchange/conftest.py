"""Nodes of the exchange in one process: each with its own folder, database and key, joined by a LocalTransport."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BUNDLED_DATA, fresh_postgres_database
from tripline.errors import TriplineError
from tripline.exchange.agreements import EXAMPLES_DIR
from tripline.exchange.delivery import CONSISTENCY_PATH, LocalTransport
from tripline.exchange.inbound import answer_consistency, receive
from tripline.exchange.service import Node, init_node
from tripline.settings import Settings
from tripline.store.db import Database

NODES = {
    "us-cbp": ("US Customs and Border Protection", "US", ["mtcr"]),
    "jp-customs": ("Japan Customs", "JP", ["mtcr"]),
    "fr-douane": ("French customs (DGDDI)", "FR", ["mtcr"]),
}
BASE_AGREEMENTS = ("jp-us-cmaa.yaml", "mtcr-poc.yaml")


class Clock:
    """A settable clock shared by the nodes of a test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _consistency(node: Node, request: dict[str, Any]) -> tuple[int, Any]:
    """The node's consistency endpoint as HTTP would answer it (status from the error's kind)."""
    try:
        return 200, answer_consistency(node, request)
    except TriplineError as exc:
        return 400, {"reason": exc.reason, "error": type(exc).__name__}


class Network:
    """Nodes joined by a LocalTransport; each node's database is SQLite in its folder, or (``kind``
    ``postgresql``) a fresh PostgreSQL database of its own, dropped when the network closes."""

    def __init__(self, tmp_path: Path, kind: str = "sqlite") -> None:
        self.tmp_path = tmp_path
        self.kind = kind
        self.transport = LocalTransport()
        self.clock = Clock()
        self.nodes: dict[str, Node] = {}
        self._databases = ExitStack()

    def add(self, node_id: str, *, agreements: tuple[str, ...] = BASE_AGREEMENTS) -> Node:
        name, country, groups = NODES[node_id]
        url = self._databases.enter_context(fresh_postgres_database()) if self.kind == "postgresql" else None
        settings = Settings(var_dir=self.tmp_path / node_id, database_url=url, data_dir=BUNDLED_DATA)
        db = Database.from_settings(settings)
        db.upgrade()
        endpoint = f"local://{node_id}"
        init_node(settings, db, node_id=node_id, name=name, country=country, endpoint=endpoint, groups=groups)
        node = Node(settings=settings, db=db, transport=self.transport, clock=self.clock)
        self.transport.handlers[endpoint] = lambda env, node=node: receive(node, env)
        self.transport.routes[(endpoint, CONSISTENCY_PATH)] = lambda req, node=node: _consistency(node, req)
        for file in agreements:
            node.add_agreement(EXAMPLES_DIR / file)
        for other in self.nodes.values():
            self._register(node, other)
            self._register(other, node)
        self.nodes[node_id] = node
        return node

    @staticmethod
    def _register(at: Node, partner: Node) -> None:
        name, country, groups = NODES[partner.node_id]
        at.add_partner(
            partner_id=partner.node_id,
            name=name,
            country=country,
            public_key=partner.key.public_b64,
            endpoint=f"local://{partner.node_id}",
            groups=groups,
        )

    def close(self) -> None:
        for node in self.nodes.values():
            node.db.dispose()
        self._databases.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def network(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Network]:
    """The in-process network; every test using it runs on SQLite and on PostgreSQL."""
    net = Network(tmp_path, request.param)
    try:
        yield net
    finally:
        net.close()


def scan_fields(**overrides: Any) -> dict[str, Any]:
    """A Yokohama scan result as in seed 001 (written for the tests; the numbers are illustrative)."""
    fields: dict[str, Any] = {
        "type": "scan_result",
        "subject": "Yokohama: radiation portal alarm on a transshipped container",
        "body": "Secondary inspection with a handheld spectrometer; the alarm is explained by naturally "
        "occurring radioactive material in ceramic tiles.",
        "purposes": ["customs_enforcement"],
        "legal_basis": "Japan-US CMAA Art. 4(3)(b); Japan Customs Law Art. 108-2",
        "classification": "restricted",
        "tlp": "amber",
        "facts": {"port": "JPYOK", "container": "MSCU1234565", "consignee": "Example Trading Co."},
    }
    fields.update(overrides)
    return fields


MakeNode = Callable[[str], Node]
