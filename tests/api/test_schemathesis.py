"""Property-based run of the whole OpenAPI document (schemathesis): no input makes any route
answer 500, and every answer matches the documented schema (status codes, error shape, bodies)."""

from __future__ import annotations

import json
import re
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.harness import BASE_URL, Node

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::PendingDeprecationWarning")
PUBLIC = {"/healthz"}
# the exchange's peer-to-peer endpoints authenticate by signed envelopes (TAXII by partner token)
# and answer in their own protocol's shapes: only "never 500" is asked of them here
PEER_PREFIXES = ("/exchange/v1/", "/taxii2/")


@pytest.fixture(scope="module")
def node(sqlite_node: Node) -> Node:
    """Generated input tests the edges' parsing and answers, not the database: SQLite only."""
    return sqlite_node


def _operations(node: Node) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", node.app)
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]  # an Err raises


def test_every_route_survives_generated_input(node: Node) -> None:
    node.app.state.runtime.warm()  # as `tripline serve` does: no generated request builds an index
    operations = _operations(node)
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {node.tokens['ada']}"}
            response = case.call(base_url=BASE_URL)
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
            if case.path.startswith(PEER_PREFIXES):
                return
            # auth enforcement is checked below with no credentials at all; schema-valid input may
            # still be refused with a documented 400 by domain rules (e.g. an unknown country)
            case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])

        run()


def test_every_route_refuses_anonymous_callers(node: Node) -> None:
    for operation in _operations(node):

        @given(case=operation.as_strategy())
        @settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
            response = case.call(base_url=BASE_URL)
            if case.path in PUBLIC or case.path.startswith(PEER_PREFIXES):
                assert response.status_code < 500
            else:
                assert response.status_code in (401, 422), (case.method, case.path, response.status_code)

        run()


JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
JSON_VALUES = st.recursive(
    JSON_LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
)


@st.composite
def hostile_bodies(draw: st.DrawFn) -> bytes:
    """Bodies an unauthenticated client can send: deep nesting, lone surrogates, bad UTF-8, plain JSON."""
    kind = draw(st.sampled_from(["nested", "surrogate", "bad-utf8", "json"]))
    if kind == "nested":
        depth = draw(st.integers(60, 20_000))
        opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        return opener * depth + b"1" + closer * depth
    if kind == "surrogate":
        code = draw(st.integers(0xD800, 0xDFFF))
        text = json.dumps({"v": 1, "purpose": "x", "payload": {"k": "y"}})
        return text.replace('"x"', f'"\\u{code:04x}"').encode()
    if kind == "bad-utf8":
        return b'{"name": "' + draw(st.binary(min_size=1, max_size=8)).replace(b'"', b"") + b'\xff"}'
    return json.dumps(draw(JSON_VALUES)).encode()


def test_every_post_route_survives_hostile_bodies(node: Node) -> None:
    """Issue 18 item 1: no body, however nested or ill-encoded, makes any POST route answer 500."""
    paths = sorted(
        {
            re.sub(r"\{[^}]+\}", "x", op.path)
            for op in _operations(node)
            if op.method.upper() in ("POST", "PUT", "PATCH")
        }
        | {"/exchange/v1/envelopes", "/exchange/v1/audit/consistency"}
    )
    assert "/match/x" in paths and "/exchange/v1/envelopes" in paths
    client = node.client("ada")

    @given(body=hostile_bodies(), path=st.sampled_from(paths))
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(body: bytes, path: str) -> None:
        answer = client.post(path, content=body, headers={"content-type": "application/json"})
        assert answer.status_code < 500, (path, body[:60], answer.text[:200])

    run()
