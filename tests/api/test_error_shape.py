"""The one JSON error shape, pinned (datasette's test_error_shape.py)."""

from __future__ import annotations

import pytest

from tests.api.harness import Node
from tripline import errors as e
from tripline.http.errors import ErrorBody, status_of

REQUIRED = {"error", "status", "message", "reason"}
ALLOWED = REQUIRED | {"file", "line", "field", "details"}


def _check(body: dict[str, object], status: int, error: str) -> None:
    assert REQUIRED <= set(body) <= ALLOWED, body
    assert body["status"] == status
    assert body["error"] == error
    ErrorBody.model_validate(body)


def test_unauthenticated(node: Node) -> None:
    answer = node.client().get("/api/cases")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    _check(answer.json(), 401, "AuthError")


def test_bad_token(node: Node) -> None:
    answer = node.client().get("/api/cases", headers={"Authorization": "Bearer tl_nope"})
    _check(answer.json(), 401, "AuthError")
    assert answer.json()["field"] == "authorization"


def test_wrong_role(node: Node) -> None:
    answer = node.client("ana").get("/api/users")
    assert answer.status_code == 403
    _check(answer.json(), 403, "ForbiddenError")


def test_not_found(node: Node) -> None:
    answer = node.client("ana").get("/api/cases/99")
    _check(answer.json(), 404, "NotFoundError")
    assert answer.json()["field"] == "case_id"
    assert "99" in answer.json()["message"]


def test_validation_error(node: Node) -> None:
    answer = node.client("ana").post("/api/cases", json={"summary": "no title"})
    _check(answer.json(), 422, "InputError")
    assert answer.json()["field"] == "title"


def test_conflict(node: Node) -> None:
    client = node.client("ana")
    case_id = client.post("/api/cases", json={"title": "t"}).json()["id"]
    first = client.post(f"/api/cases/{case_id}/items", json={"kind": "entity", "ref": "x"})
    assert first.status_code == 201
    again = client.post(f"/api/cases/{case_id}/items", json={"kind": "entity", "ref": "x"})
    _check(again.json(), 409, "ConflictError")


def test_unknown_route(node: Node) -> None:
    answer = node.client("ana").get("/api/nothing-here")
    _check(answer.json(), 404, "NotFoundError")


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (e.InputError("x"), 400),
        (e.FormatError("x"), 400),
        (e.TooLargeError("x"), 413),
        (e.AuthError("x"), 401),
        (e.ForbiddenError("x"), 403),
        (e.NotFoundError("x"), 404),
        (e.ConflictError("x"), 409),
        (e.PolicyError("x"), 422),
        (e.IntegrityError("x"), 400),
        (e.StorageError("x"), 503),
    ],
)
def test_status_mapping(exc: e.TriplineError, status: int) -> None:
    assert status_of(exc) == status


def test_every_error_status_is_documented_with_the_shape(node: Node) -> None:
    doc = node.app.openapi()
    ref = "#/components/schemas/ErrorBody"
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            for code in ("401", "403", "404", "422"):
                schema = op["responses"][code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": ref}, (method, path, code)
