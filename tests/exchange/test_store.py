"""Storage of the exchange on SQLite and PostgreSQL: registry, agreements, documents, boxes, reciprocity count."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.conftest import scan_fields
from tripline.errors import ConflictError, InputError, NotFoundError
from tripline.exchange import views
from tripline.exchange.agreements import EXAMPLES_DIR
from tripline.exchange.delivery import LocalTransport
from tripline.exchange.inbound import receive
from tripline.exchange.service import Node, init_node
from tripline.exchange.store import agreements, get_partner, outstanding, upsert_partner
from tripline.settings import Settings
from tripline.store.db import Database


def test_registry_rules(any_db: Database, settings: Settings) -> None:
    init_node(settings, any_db, node_id="jp-customs", name="Japan Customs", country="JP", endpoint="", groups=[])
    with pytest.raises(ConflictError):
        init_node(settings, any_db, node_id="jp-other", name="x", country="JP", endpoint="", groups=[])
    node = Node(settings=settings, db=any_db)
    with pytest.raises(InputError):
        node.add_partner(
            partner_id="us-cbp", name="US", country="USA", public_key=node.key.public_b64, endpoint="", groups=[]
        )
    with any_db.transaction() as session, pytest.raises(ConflictError):
        upsert_partner(
            session,
            partner_id="jp-customs",
            name="x",
            country="JP",
            public_key=node.key.public_b64,
            endpoint="",
            groups=[],
        )
    with any_db.session() as session, pytest.raises(NotFoundError):
        get_partner(session, "jp-customs")  # this node is not its own partner


def test_release_and_reciprocity_count(any_db: Database, settings: Settings, tmp_path: Path) -> None:
    init_node(settings, any_db, node_id="jp-customs", name="Japan Customs", country="JP", endpoint="", groups=[])
    jp = Node(settings=settings, db=any_db, transport=LocalTransport())
    us_settings = Settings(var_dir=tmp_path / "us", database_url=None)
    us_db = Database.from_settings(us_settings)
    us_db.upgrade()
    init_node(us_settings, us_db, node_id="us-cbp", name="US CBP", country="US", endpoint="", groups=[])
    us = Node(settings=us_settings, db=us_db)
    assert isinstance(jp.transport, LocalTransport)
    jp.transport.handlers["local://us"] = lambda env: receive(us, env)
    jp.add_partner(
        partner_id="us-cbp", name="US CBP", country="US", public_key=us.key.public_b64, endpoint="local://us", groups=[]
    )
    us.add_partner(
        partner_id="jp-customs",
        name="Japan Customs",
        country="JP",
        public_key=jp.key.public_b64,
        endpoint="local://jp",
        groups=[],
    )
    for node in (jp, us):
        node.add_agreement(EXAMPLES_DIR / "jp-us-cmaa.yaml")
    for _ in range(2):
        [outcome] = jp.send(jp.draft(scan_fields()).id, purpose="customs_enforcement", to=["us-cbp"])
        assert outcome.status == "delivered"
    with any_db.session() as session:
        [cmaa] = agreements(session)
        assert outstanding(session, cmaa, "jp-customs", "us-cbp") == 2
    assert [m["status"] for m in views.box(jp, "outbox")] == ["delivered", "delivered"]
    assert len(views.box(us, "inbox")) == 2
    us_db.dispose()
