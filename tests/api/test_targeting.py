"""Manifests, queue and containers over HTTP, with a demo manifest made by the cargo generator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.harness import Node
from tripline.cargo.run import make_demo


@pytest.fixture(scope="module")
def demo(node: Node, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    out = tmp_path_factory.mktemp("demo") / "demo.csv"
    made = make_demo(node.settings, out, 40, 11)
    client = node.client("tom")
    with out.open("rb") as fh, Path(str(out) + ".scans.jsonl").open("rb") as scans:
        answer = client.post("/api/manifests", files={"file": ("demo.csv", fh), "scans": ("scans.jsonl", scans)})
    assert answer.status_code == 201, answer.text
    yield {"made": made, "manifest": answer.json()}


def test_upload_queue_and_container(node: Node, demo: dict[str, object]) -> None:
    manifest = demo["manifest"]
    assert isinstance(manifest, dict)
    assert manifest["loaded"] == 40 and manifest["has_scans"] is True
    client = node.client("tom")
    assert [m["id"] for m in client.get("/api/manifests").json()] == [manifest["id"]]
    queue = client.get(f"/api/manifests/{manifest['id']}/queue", params={"top": 40}).json()
    assert queue["shipments"] == 40
    scores = [s["score"] for s in queue["queue"]]
    assert scores == sorted(scores, reverse=True)
    planted = demo["made"]["planted"]["shipments"]  # type: ignore[index]
    top_bills = [s["bill_of_lading"] for s in queue["queue"][:10]]
    assert set(planted) & set(top_bills), "the planted shipments should rank high"
    top = queue["queue"][0]
    assert top["reasons"]
    answer = client.get(f"/api/manifests/{manifest['id']}/containers/{top['containers'][0]}")
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert view["shipment"]["bill_of_lading"] == top["bill_of_lading"]
    for scan in view["scans"]:
        assert scan["verdict"] and scan["reasons"]
        if scan["counts"]:
            assert len(scan["counts"]) == len(scan["energies_kev"]) and scan["live_time_s"] > 0


def test_manifests_are_per_authority_and_role(node: Node, demo: dict[str, object]) -> None:
    manifest = demo["manifest"]
    assert isinstance(manifest, dict)
    # an administrator of the same authority sees it; an analyst may not target at all
    assert node.client("ada").get(f"/api/manifests/{manifest['id']}/queue").status_code == 200
    assert node.client("ana").get("/api/manifests").status_code == 403
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user, issue_token

    create_user(node.db, "uma", role=Role.TARGETER, authority="US-CBP", password="a long enough password")
    node.tokens["uma"] = issue_token(node.db, "uma")
    other = node.client("uma")
    assert other.get("/api/manifests").json() == []
    assert other.get(f"/api/manifests/{manifest['id']}/queue").status_code == 404
    # Issue 18 item 4 (failed before: 40 rows "already loaded"): a copy of JP's manifest uploaded by
    # US-CBP loads in full, telling it nothing of JP's bills of lading.
    made = demo["made"]
    assert isinstance(made, dict)
    with Path(str(made["manifest"])).open("rb") as fh:
        copy = other.post("/api/manifests", files={"file": ("copy.csv", fh)})
    assert copy.status_code == 201, copy.text
    assert copy.json()["loaded"] == 40 and copy.json()["rejected"] == 0


def test_bad_uploads(node: Node) -> None:
    client = node.client("tom")
    wrong = client.post("/api/manifests", files={"file": ("notes.txt", b"hello")})
    assert wrong.status_code == 400 and wrong.json()["field"] == "file"
    garbage = client.post("/api/manifests", files={"file": ("m.csv", b"not,a,manifest\n1,2,3\n")})
    assert garbage.status_code in (400, 422) and garbage.json()["error"] in ("FormatError", "InputError")
    assert client.get("/api/manifests/zzzz/containers/MSKU1234565").status_code == 404
