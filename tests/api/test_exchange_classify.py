"""The exchange as console users see it, and classification, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.api.harness import Node, make_node
from tests.conftest import BUNDLED_DATA, fresh_postgres_database
from tripline.exchange.demo import load_exchange_situations
from tripline.settings import Settings
from tripline.store.db import Database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def jp(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A node whose exchange identity is jp-customs, with the demo situations (on SQLite, then PostgreSQL)."""
    with ExitStack() as stack:
        url = stack.enter_context(fresh_postgres_database()) if request.param == "postgresql" else None
        yield from _jp(tmp_path_factory, url)


def _jp(tmp_path_factory: pytest.TempPathFactory, url: str | None) -> Iterator[Node]:
    settings = Settings(var_dir=tmp_path_factory.mktemp("jp") / "var", database_url=url, data_dir=BUNDLED_DATA)
    db = Database.from_settings(settings)
    db.upgrade()
    assert load_exchange_situations(settings, db).startswith("node jp-customs")
    assert load_exchange_situations(settings, db) == "already loaded"
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user, issue_token

    node = make_node(settings, db)
    create_user(db, "kai", role=Role.EXCHANGE_OFFICER, authority="jp-customs", password="a long enough password")
    node.tokens["kai"] = issue_token(db, "kai")
    yield node
    db.dispose()


def test_dashboard_shows_decisions_consents_and_deadlines(jp: Node) -> None:
    board = jp.client("kai").get("/api/exchange")
    assert board.status_code == 200, board.text
    body = board.json()
    assert body["node"] == "jp-customs"
    awaited = [c for c in body["consents"] if c["direction"] == "in" and c["status"] == "pending"]
    assert len(awaited) == 1 and awaited[0]["requester"] == "us-cbp" and awaited[0]["third_party"] == "fr-douane"
    assert [o["partner"] for o in body["outbox"]] == ["us-cbp"]
    assert body["overdue"] and body["overdue"][0]["waiting_for"] == "jp-customs"


def test_exchange_is_the_node_authoritys_only(jp: Node) -> None:
    # eve is an exchange officer of JP-CUSTOMS: the node id jp-customs compares case-folded
    assert jp.client("eve").get("/api/exchange").status_code == 200
    assert jp.client("ana").get("/api/exchange").status_code == 403  # analyst: no exchange permission
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user, issue_token

    create_user(jp.db, "lea", role=Role.EXCHANGE_OFFICER, authority="fr-douane", password="a long enough password")
    jp.tokens["lea"] = issue_token(jp.db, "lea")
    refused = jp.client("lea").get("/api/exchange")
    assert refused.status_code == 403 and refused.json()["field"] == "authority"


def test_grant_consent_once(jp: Node) -> None:
    client = jp.client("kai")
    consent = next(c for c in client.get("/api/exchange").json()["consents"] if c["status"] == "pending")
    bad = client.post(f"/api/exchange/consents/{consent['id']}", json={"grant": True, "withhold": ["signature"]})
    assert bad.status_code == 400 and bad.json()["field"] == "withhold"
    done = client.post(
        f"/api/exchange/consents/{consent['id']}", json={"grant": True, "withhold": ["facts.consignee"], "note": "ok"}
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "granted" and done.json()["withheld"] == ["facts.consignee"]
    again = client.post(f"/api/exchange/consents/{consent['id']}", json={"grant": False})
    assert again.status_code == 409
    assert client.post("/api/exchange/consents/consent:nope", json={"grant": True}).status_code == 404


def test_classify_flow_forming_machine(jp: Node) -> None:
    answer = jp.client("ana").post(
        "/api/classify",
        json={"description": "CNC flow forming machine, 3 rollers, model 3GFF-700", "destination": "IR"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    codes = [c["code"] for c in body["candidates"]]
    assert any(code.startswith("2B009") or code.startswith("2B209") for code in codes), codes
    assert body["verdict"]["listed"] in ("yes", "unknown")
    assert jp.client("eve").post("/api/classify", json={"description": "x"}).status_code == 403
    blank = jp.client("ana").post("/api/classify", json={"description": "   "})
    assert blank.status_code == 422 and blank.json()["field"] == "description"
