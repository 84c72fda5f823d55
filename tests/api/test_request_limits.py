"""Issue 18 items 1, 7, 10: request limits before parsing, in one place; no 500 from bad input; an
unexpected error is one logged line and a generic 500 without internals.

Each test sends what an unauthenticated (or ordinary) client can send and checks the answer against
the HTTP contract (4xx with the one error shape), not against the implementation.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.api.harness import BASE_URL, Node
from tests.conftest import BUNDLED_DATA
from tests.exchange.conftest import Network
from tripline.api.app import create_app
from tripline.api.limits import MAX_JSON_BYTES, BodyRefused, _depth, check_json
from tripline.exchange.taxii import collection_id, issue_token
from tripline.settings import Settings

NESTED = b"[" * 100_000 + b"]" * 100_000
SURROGATE = (
    b'{"v": 1, "id": "x", "kind": "document", "sender": "us-cbp", "recipient": "jp-customs", '
    b'"purpose": "\\ud800", "payload": {}, "signature": "x"}'
)


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Network]]:
    """The app of an exchange node (jp-customs) that knows us-cbp as a partner."""
    net = Network(tmp_path_factory.mktemp("peer"))
    net.add("us-cbp")
    jp = net.add("jp-customs")
    app = create_app(jp.settings, jp.db)
    yield TestClient(app, base_url=BASE_URL, raise_server_exceptions=False), net
    net.close()


def _is_error(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, (answer.status_code, answer.text[:300])
    body: dict[str, Any] = answer.json()
    assert body["status"] == status and body["error"] and body["reason"]
    return body


def test_deeply_nested_envelope_is_a_400(peer: tuple[TestClient, Network]) -> None:
    """Failed before: RecursionError, a 500 whose traceback stalled the server."""
    client, _ = peer
    _is_error(client.post("/exchange/v1/envelopes", content=NESTED), 400)
    deep = b'{"payload": ' * 200 + b"{}" + b"}" * 200  # within the parser's reach, past the depth limit
    assert "depth" in _is_error(client.post("/exchange/v1/envelopes", content=deep), 400)["reason"]


def test_lone_surrogate_envelope_is_a_400(peer: tuple[TestClient, Network]) -> None:
    client, _ = peer
    _is_error(client.post("/exchange/v1/envelopes", content=SURROGATE), 400)


def test_invalid_utf8_body_is_a_400(peer: tuple[TestClient, Network]) -> None:
    client, _ = peer
    _is_error(client.post("/exchange/v1/envelopes", content=b'{"v": "\xff\xfe"}'), 400)


def test_match_with_lone_surrogate_or_deep_nesting_is_a_400(node: Node) -> None:
    """Failed before: a lone surrogate in /match properties was a 500."""
    ana = node.client("ana")
    body = b'{"queries": {"q": {"schema": "Company", "properties": {"name": ["\\udc80 LIMMT"]}}}}'
    _is_error(ana.post("/match/default", content=body, headers={"content-type": "application/json"}), 400)
    _is_error(ana.post("/match/default", content=NESTED, headers={"content-type": "application/json"}), 400)


def test_taxii_added_after_without_time_zone_is_a_400(peer: tuple[TestClient, Network]) -> None:
    """Failed before: comparing a naive with an aware time raised TypeError, a 500."""
    client, net = peer
    token = issue_token(net.nodes["jp-customs"], "us-cbp")
    url = f"/taxii2/api/collections/{collection_id('jp-customs')}/objects/"
    answer = client.get(url, params={"added_after": "2026-01-01T00:00:00"}, auth=("us-cbp", token))
    assert answer.status_code == 400, answer.text[:300]
    fine = client.get(url, params={"added_after": "2026-01-01T00:00:00Z"}, auth=("us-cbp", token))
    assert fine.status_code == 200, fine.text[:300]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("garbage.edi", b"\x00\x01UNB+\xff\xfe'garbage'''\n" * 50),
        ("latin1.csv", "bill_of_lading,shipper_name\nB1,Soci\xe9t\xe9 G\xe9n\xe9rale\n".encode("latin-1")),
        ("nested.jsonl", b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"\n"),
        ("binary.jsonl", bytes(range(256)) * 20),
        ("rows.jsonl", b'{"bill_of_lading": "B1"}\n{"shipper_name": "x"}\n'),  # every row rejected
        ("header.csv", b"bill_of_lading,shipper_name\n"),  # no rows at all
    ],
)
def test_bad_manifest_uploads_are_4xx(node: Node, name: str, data: bytes) -> None:
    """Failed before for some: a garbage .edi, non-UTF-8 CSV or deeply nested .jsonl was a 500;
    a file none of whose rows loaded was answered 201 with an empty manifest stored."""
    client = node.client("tom")
    before = client.get("/api/manifests").json()
    answer = client.post("/api/manifests", files={"file": (name, data)})
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert str(node.settings.var_dir) not in answer.text  # no server path
    assert client.get("/api/manifests").json() == before  # nothing stored
    leftovers = [p for p in node.settings.var_dir.rglob("*") if p.is_file() and p.name.endswith(Path(name).suffix)]
    assert not [p for p in leftovers if "incoming" in p.parts], leftovers


def _asgi_post(app: FastAPI, path: str, headers: list[tuple[bytes, bytes]], chunks: int) -> tuple[int, int]:
    """Drive the app directly: (status, body bytes the app pulled from the client)."""
    pulled = 0
    chunk = b"x" * 65536
    sent = 0
    status = 0

    async def receive() -> MutableMapping[str, Any]:
        nonlocal pulled, sent
        if sent >= chunks:
            return {"type": "http.disconnect"}
        sent += 1
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": sent < chunks}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 443),
    }
    # in a thread of its own: a browser test earlier in the same worker leaves Playwright's event loop
    # running on this thread, and asyncio.run refuses to start inside a running loop
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return status, pulled


def test_oversized_unauthenticated_body_is_refused_before_it_is_read(peer: tuple[TestClient, Network]) -> None:
    """Failed before: the envelope endpoint read a body whole before its size check (and uploads
    were read before authentication)."""
    client, _ = peer
    app = client.app
    assert isinstance(app, FastAPI)
    chunks = MAX_JSON_BYTES // 65536 + 40
    declared = [(b"content-type", b"application/json"), (b"content-length", str(chunks * 65536).encode())]
    status, pulled = _asgi_post(app, "/exchange/v1/envelopes", declared, chunks)
    assert status == 413 and pulled == 0
    # Without a declared length (chunked), reading stops just past the limit.
    status, pulled = _asgi_post(app, "/exchange/v1/envelopes", [(b"content-type", b"application/json")], chunks)
    assert status == 413 and pulled <= MAX_JSON_BYTES + 65536
    upload = [(b"content-type", b"multipart/form-data; boundary=x"), (b"content-length", b"999999999999")]
    status, pulled = _asgi_post(app, "/api/manifests", upload, 4)
    assert status == 413 and pulled == 0


def test_unexpected_error_is_one_line_and_a_generic_500(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(var_dir=tmp_path / "var", database_url=None, data_dir=BUNDLED_DATA)
    from tripline.store.db import Database

    db = Database.from_settings(settings)
    db.upgrade()
    app = create_app(settings, db)

    def boom() -> None:
        raise RuntimeError(f"SELECT secret FROM users WHERE path = '{tmp_path}/var/x'")

    app.add_api_route("/api/boom", boom)
    client = TestClient(app, base_url=BASE_URL, raise_server_exceptions=False)
    with caplog.at_level(logging.INFO):
        answer = client.get("/api/boom")
    body = _is_error(answer, 500)
    assert "SELECT" not in answer.text and str(tmp_path) not in answer.text
    assert body["error"] == "InternalError"
    records = [r for r in caplog.records if "RuntimeError" in r.getMessage()]
    assert len(records) == 1 and records[0].exc_info is None and "\n" not in records[0].getMessage()
    db.dispose()


def test_storage_error_carries_no_sql(tmp_path: Path) -> None:
    """Failed before: the message (and so the API body) held the SQL statement and its parameters."""
    from sqlalchemy import text

    from tripline.errors import StorageError
    from tripline.store.db import Database

    db = Database.from_settings(Settings(var_dir=tmp_path / "var", database_url=None, data_dir=BUNDLED_DATA))
    with db.transaction() as s:
        s.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
    with pytest.raises(StorageError) as err, db.transaction() as s:
        s.execute(text("INSERT INTO probe (id) VALUES (:v)"), {"v": 41})
        s.execute(text("INSERT INTO probe (id) VALUES (:v)"), {"v": 41})
    assert "INSERT" not in err.value.message and "41" not in err.value.message
    assert json.dumps(err.value.to_dict()).count("probe") == 0
    db.dispose()


def _depth_of(value: Any) -> int:
    """The nesting depth of a parsed JSON value, by its definition (a container is one deeper than
    its parent; the outermost container is 1; a scalar alone is 0): the reference for the check."""
    if isinstance(value, dict):
        return 1 + max((_depth_of(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth_of(v) for v in value), default=0)
    return 0


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


_TRICKY = st.text(alphabet=st.sampled_from(list('ab"\\[]{}/é\u2028\U0001f600\ud800\udc00 ')), max_size=12)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TRICKY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TRICKY, inner, max_size=4),
    max_leaves=40,
)


@given(value=_JSON, ascii_only=st.booleans())
@hypothesis_settings(max_examples=400, deadline=None)
def test_the_cheap_checks_agree_with_the_definitions(value: Any, ascii_only: bool) -> None:
    """The depth read from the bytes and the surrogate pre-scan (which skips the walk of the values
    when the text has no surrogate escape) decide as the definitions do, over generated JSON whose
    strings hold quotes, backslashes, brackets, non-ASCII characters and (lone) surrogates."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError:  # a raw lone surrogate cannot be UTF-8: escape it, as a client must
        body = json.dumps(value, ensure_ascii=True).encode("utf-8")
    meant = json.loads(body)  # what the body says (an escaped surrogate pair is one character)
    assert _depth(body) == _depth_of(meant)
    refused_for_surrogate = False
    try:
        assert check_json(body) == meant
    except BodyRefused as refused:
        refused_for_surrogate = "surrogate" in refused.reason
        assert refused_for_surrogate or _depth_of(meant) > 64, refused.reason
    assert refused_for_surrogate == _has_lone_surrogate(meant)


def test_a_json_body_is_parsed_once(peer: tuple[TestClient, Network], node: Node, monkeypatch: Any) -> None:
    """Failed before: the limits middleware parsed the body to check it, then the route parsed it
    again (two json.loads per request); the route now takes the middleware's value."""
    calls: list[int] = []
    real = json.loads

    def counting(data: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(data))
        return real(data, *args, **kwargs)

    client, net = peer
    us = net.nodes["us-cbp"]
    envelope = json.dumps(
        us.key.sign({"v": 1, "id": "x" * 32, "kind": "document", "sender": "us-cbp", "recipient": "jp-customs",
                     "purpose": "customs_enforcement", "sent_at": "2000-01-01T00:00:00Z", "payload": {}})
    )  # fmt: skip
    ana = node.client("ana")
    screen = json.dumps({"name": "LIMMT Economic and Trade Company"})
    monkeypatch.setattr(json, "loads", counting)
    answer = client.post("/exchange/v1/envelopes", content=envelope)  # a stale envelope: refused, after parsing
    assert answer.status_code == 400 and "freshness" in answer.text, answer.text
    assert calls.count(len(envelope)) == 1, calls
    calls.clear()
    answer = ana.post("/api/screen", content=screen, headers={"content-type": "application/json"})
    assert answer.status_code == 200 and "LIMMT" in answer.text, answer.text
    assert calls.count(len(screen)) == 1, calls
