"""Long work off the request: an uploaded manifest's queue is scored in the background while the
queue page shows how far it got; no page request scores it. ``serve``'s start-up (the ASGI
lifespan) scores the newest queue of each authority before the first request is answered."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.harness import PASSWORD, Node, signed_in
from tripline.auth.roles import Role


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, node: Node) -> tuple[bytes, bytes]:
    from tripline.cargo.run import make_demo

    out = tmp_path_factory.mktemp("demo") / "demo.csv"
    make_demo(node.settings, out, 20, 11)
    return out.read_bytes(), Path(str(out) + ".scans.jsonl").read_bytes()


def wait_until(predicate: Any, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def test_upload_returns_at_once_and_the_page_follows_the_scoring(node: Node, demo: tuple[bytes, bytes]) -> None:
    from tripline.auth.service import create_user

    ws = node.app.state.workspace
    gate = threading.Event()
    real = ws.queue
    started = threading.Event()

    def held(principal: Any, manifest_id: str, *, progress: Any = None) -> Any:
        started.set()
        assert gate.wait(60)
        return real(principal, manifest_id, progress=progress)

    ws.queue = held  # this app's workspace only: the scoring waits until the test lets it go
    try:
        client, csrf = signed_in(node, "tom")
        manifest, scans = demo
        files = {"file": ("demo.csv", manifest, "text/csv"), "scans": ("demo.scans.jsonl", scans, "text/plain")}
        upload = client.post(
            "/manifests", data={"csrf_token": csrf}, files=files, headers={"HX-Request": "true"}, follow_redirects=False
        )
        assert upload.status_code == 204  # the form with the progress bar follows HX-Redirect
        storing = upload.headers["HX-Redirect"]  # the rows are stored in the background first
        manifest_id = storing.split("/")[2]
        assert storing == f"/manifests/{manifest_id}/storing"
        assert client.get(storing).status_code == 200
        wait_until(lambda: "HX-Redirect" in client.get(storing + "/progress").headers)
        target = client.get(storing + "/progress").headers["HX-Redirect"]
        assert target == f"/queue?manifest={manifest_id}"
        assert started.wait(30)  # scoring began in the background, not in the request
        page = client.get(target)
        assert page.status_code == 200
        assert 'id="queue-progress"' in page.text and 'hx-trigger="every 1s"' in page.text
        assert "20 shipments loaded" in page.text
        fragment = client.get(f"/queue/progress?manifest={manifest_id}")
        assert fragment.status_code == 200 and "HX-Refresh" not in fragment.headers
        assert "queue-bar" in fragment.text
        # another authority's targeter cannot see this manifest's progress, or that it exists
        create_user(node.db, "uma", role=Role.TARGETER, authority="US-CBP", password=PASSWORD)
        other, _ = signed_in(node, "uma")
        assert other.get(f"/queue/progress?manifest={manifest_id}").status_code == 404
        assert other.get(f"/queue?manifest={manifest_id}").status_code == 404
        # an analyst without the targeting permission neither
        analyst, _ = signed_in(node, "ana")
        assert analyst.get(f"/queue/progress?manifest={manifest_id}").status_code == 403
        gate.set()
        wait_until(lambda: "HX-Refresh" in client.get(f"/queue/progress?manifest={manifest_id}").headers)
        ready = client.get(target).text
        assert 'id="queue-progress"' not in ready
        assert "<strong>20</strong> of 20 shipments match" in ready
    finally:
        gate.set()
        del ws.queue


def test_lifespan_warms_the_newest_queue_before_the_first_request(
    node: Node, demo: tuple[bytes, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    from tripline.api.app import create_app
    from tripline.auth.service import get_principal

    tom = get_principal(node.db, "tom")
    first = node.app.state.workspace
    newest = first.manifests(tom)[0] if first.manifests(tom) else first.add(tom, "demo.csv", demo[0], scans=demo[1])
    app = create_app(node.settings, node.db)  # a new process's app: nothing scored yet
    assert app.state.workspace.cached_queue(tom, newest.id) is None
    with TestClient(app, base_url="https://testserver"):  # runs the lifespan start-up, as uvicorn does
        assert app.state.workspace.cached_queue(tom, newest.id) is not None
    said = capsys.readouterr().err
    assert f"queue {tom.authority_code}/{newest.name}: " in said and "shipments in" in said
    assert "Console queues warm in" in said


def test_a_queue_row_is_added_to_an_existing_case_once(node: Node, demo: tuple[bytes, bytes]) -> None:
    from tripline.auth.service import get_principal
    from tripline.cases.service import get_case

    tom = get_principal(node.db, "tom")
    ws = node.app.state.workspace
    manifest = ws.manifests(tom)[0] if ws.manifests(tom) else ws.add(tom, "demo.csv", demo[0], scans=demo[1])
    top = ws.queue(tom, manifest.id).ranked[0]
    client, csrf = signed_in(node, "tom")
    made = client.post("/cases", data={"title": "Existing investigation", "csrf_token": csrf}, follow_redirects=False)
    case_id = int(made.headers["location"].rsplit("/", 1)[1])
    form = {"bill_of_lading": top.bill_of_lading, "case_id": str(case_id), "csrf_token": csrf}
    for _ in range(2):  # the second time adds nothing twice
        added = client.post(f"/queue/{manifest.id}/cases", data=form, follow_redirects=False)
        assert added.status_code == 303 and added.headers["location"] == f"/cases/{case_id}"
    items = get_case(node.db, tom, case_id).items
    assert sorted((i.kind.value, i.ref) for i in items) == sorted(
        [("shipment", top.bill_of_lading), *(("container", c) for c in top.containers)]
    )
    # a case of another authority is not found, and nothing is added to it
    other, other_csrf = signed_in(node, "bob")
    theirs = other.post("/cases", data={"title": "US case", "csrf_token": other_csrf}, follow_redirects=False)
    their_id = theirs.headers["location"].rsplit("/", 1)[1]
    refused = client.post(f"/queue/{manifest.id}/cases", data={**form, "case_id": their_id})
    assert refused.status_code == 404
