"""Property-based run of the whole OpenAPI document (schemathesis): no input makes any route
answer 500, and every answer matches the documented schema (status codes, error shape, bodies)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

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


def _operations(node: Node) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", node.app)
    return [result.ok() for result in schema.get_all_operations()]


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
