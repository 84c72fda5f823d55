"""The HTTP transport against real servers on 127.0.0.1 (uvicorn in a thread), not the in-process
fake: what a partner's 5xx, 429, non-JSON answer, silence or closed port means to the outbox
(retry later), what a 4xx with a JSON body means (the partner's answer), and an envelope that is
retried with backoff until a real node behind a failing proxy accepts it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from tests.conftest import BUNDLED_DATA, free_port
from tests.exchange.conftest import BASE_AGREEMENTS, NODES, scan_fields
from tripline.api.node import create_node_app
from tripline.exchange.agreements import EXAMPLES_DIR
from tripline.exchange.delivery import ENVELOPE_PATH, HttpTransport, TransportError
from tripline.exchange.models import ExchangeMessage
from tripline.exchange.service import Node, init_node
from tripline.settings import Settings
from tripline.store.db import Database

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Partner:
    """A scripted partner: answers each POST with the next (status, content type, body, delay)."""

    def __init__(self, *answers: tuple[int, str, bytes, float]) -> None:
        self.answers = list(answers)
        self.paths: list[str] = []
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.paths.append(scope["path"])
        self.bodies.append(body)
        status, content_type, payload, delay = self.answers.pop(0)
        if delay:
            await asyncio.sleep(delay)
        headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


JSON = "application/json"


def test_a_json_answer_is_the_partners_answer_whatever_its_status() -> None:
    partner = Partner((200, JSON, b'{"status": "accepted"}', 0), (403, JSON, b'{"status": "refused"}', 0))
    transport = HttpTransport(timeout=5)
    with serve(partner) as url:
        assert transport.post(url + "/", {"id": "e-1"}) == (200, {"status": "accepted"})
        assert transport.post(url, {"id": "e-2"}) == (403, {"status": "refused"})
    transport.close()
    assert partner.paths == [ENVELOPE_PATH, ENVELOPE_PATH]
    assert partner.bodies[0] == b'{"id":"e-1"}'


@pytest.mark.parametrize(
    ("status", "content_type", "body", "said"),
    [
        (500, JSON, b'{"error": "InternalError"}', "HTTP 500"),
        (502, "text/html", b"<html>Bad gateway</html>", "HTTP 502"),
        (503, JSON, b"{}", "HTTP 503"),
        (429, JSON, b'{"error": "ThrottledError"}', "HTTP 429"),
        (200, "text/html", b"<html>a captive portal</html>", "HTTP 200 without a JSON body"),
        (404, "text/plain", b"not here", "HTTP 404 without a JSON body"),
    ],
)
def test_transient_or_unreadable_answers_are_retried_later(
    status: int, content_type: str, body: bytes, said: str
) -> None:
    transport = HttpTransport(timeout=5)
    with serve(Partner((status, content_type, body, 0))) as url, pytest.raises(TransportError) as raised:
        transport.post(url, {"id": "e-1"})
    transport.close()
    assert str(raised.value) == said


def test_a_silent_partner_times_out_and_a_closed_port_is_unreachable() -> None:
    transport = HttpTransport(timeout=0.5)
    with serve(Partner((200, JSON, b"{}", 3.0))) as url, pytest.raises(TransportError, match="Timeout"):
        transport.post(url, {"id": "e-1"})
    with pytest.raises(TransportError, match="ConnectError"):
        transport.post(f"http://127.0.0.1:{free_port()}", {"id": "e-2"})
    transport.close()


class Gate:
    """A proxy in front of a real node app that answers 503 while closed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.closed = True
        self.refused = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.closed:
            self.refused += 1
            await send({"type": "http.response.start", "status": 503, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"maintenance"})
            return
        await self.app(scope, receive, send)


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def _node(tmp_path: Path, node_id: str, endpoint: str, **kwargs: Any) -> Node:
    name, country, groups = NODES[node_id]
    settings = Settings(var_dir=tmp_path / node_id, database_url=None, data_dir=BUNDLED_DATA)
    db = Database.from_settings(settings)
    db.upgrade()
    init_node(settings, db, node_id=node_id, name=name, country=country, endpoint=endpoint, groups=groups)
    node = Node(settings=settings, db=db, **kwargs)
    for file in BASE_AGREEMENTS:
        node.add_agreement(EXAMPLES_DIR / file)
    return node


def _register(at: Node, partner: Node, endpoint: str) -> None:
    name, country, groups = NODES[partner.node_id]
    at.add_partner(
        partner_id=partner.node_id,
        name=name,
        country=country,
        public_key=partner.key.public_b64,
        endpoint=endpoint,
        groups=groups,
    )


def _outbox(node: Node) -> list[tuple[str, int, datetime | None]]:
    with node.db.session() as session:
        rows = session.execute(
            select(ExchangeMessage.status, ExchangeMessage.attempts, ExchangeMessage.next_attempt_at).where(
                ExchangeMessage.direction == "out"
            )
        )
        return [(status, attempts, at) for status, attempts, at in rows]


def test_an_envelope_is_retried_with_backoff_until_the_real_node_accepts_it(tmp_path: Path) -> None:
    us = _node(tmp_path, "us-cbp", "http://unused.invalid")
    gate = Gate(create_node_app(us.settings, us.db))
    clock = Clock()
    transport = HttpTransport(timeout=10)
    with serve(gate) as url:
        jp = _node(tmp_path, "jp-customs", "http://unused.invalid", transport=transport, clock=clock)
        _register(jp, us, url)
        _register(us, jp, "http://unused.invalid")
        doc = jp.draft(scan_fields())
        backoff = jp.settings.exchange_backoff_seconds

        [first] = jp.send(doc.id, purpose="customs_enforcement", to=["us-cbp"])
        assert (first.status, first.error) == ("retrying", "HTTP 503")
        [(status, attempts, due)] = _outbox(jp)
        assert (status, attempts) == ("pending", 1) and due is not None

        assert jp.deliver_pending() == []  # not due yet: nothing is posted
        assert gate.refused == 1

        clock.offset = timedelta(seconds=backoff + 0.5)
        [second] = jp.deliver_pending()
        assert (second.status, second.error) == ("retrying", "HTTP 503")
        [(_, attempts, due_again)] = _outbox(jp)
        assert attempts == 2 and due_again is not None and due_again - due >= timedelta(seconds=backoff)

        gate.closed = False
        clock.offset = timedelta(seconds=3 * backoff + 1)
        [third] = jp.deliver_pending()
        assert third.status == "delivered", third.error
        assert [(s, a) for s, a, _ in _outbox(jp)] == [("delivered", 3)]
        assert gate.refused == 2
    transport.close()
    # the receiving node stored what it accepted
    with us.db.session() as session:
        inbound = session.execute(
            select(ExchangeMessage.status).where(ExchangeMessage.direction == "in", ExchangeMessage.ref == doc.id)
        ).all()
    assert len(inbound) == 1
    us.db.dispose()
    jp.db.dispose()
