"""After a restart the upload page says what became of each upload instead of forgetting it (on
SQLite and PostgreSQL): one stored shows its queue, one that failed keeps its error, one that was
being stored when the server stopped says it was interrupted and stops polling. The "restart" is a
second app over the same database (a new process token: as a restarted container, same process
id); the first app's storing is held by the test before its rows are read, so nothing is raced."""

from __future__ import annotations

import html
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.api.harness import PASSWORD, Node, signed_in
from tripline.api.app import create_app


class Gate:
    """Holds an upload before its rows are read (no transaction open), until the test lets it go."""

    def __init__(self, workspace: Any) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        self.real = workspace.add

    def add(self, principal: Any, filename: str, data: bytes, *, progress: Any = None, **kw: Any) -> Any:
        def relay(stage: str, done: int, total: int) -> None:
            progress(stage, done, total)
            if stage.startswith("reading") and not self.reached.is_set():
                self.reached.set()
                assert self.release.wait(120)

        return self.real(principal, filename, data, progress=relay, **kw)


class NoScoring:
    """The queue builds of the first app, not run: this test is about the uploads."""

    def start(self, *_args: Any, **_kw: Any) -> None:
        return None


def upload(client: Any, csrf: str, path: Path) -> str:
    answer = client.post(
        "/manifests", data={"csrf_token": csrf}, files={"file": (path.name, path.read_bytes(), "text/csv")},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/manifests/([0-9a-f]{16})/storing", answer.headers["location"])
    assert found is not None
    return found.group(1)


def words(page: str) -> str:
    return " ".join(html.unescape(page).split())


def wait_finished(app: Any, node: Node, manifest_id: str) -> Any:
    from tripline.auth.service import get_principal

    principal = get_principal(node.db, "tom")
    deadline = time.monotonic() + 120
    while True:
        job = app.state.uploads.status(principal, manifest_id)
        if job is not None and job.finished:
            return job
        assert time.monotonic() < deadline, "the upload did not finish"
        time.sleep(0.05)


def test_a_restart_keeps_each_uploads_outcome(node: Node, tmp_path: Path) -> None:
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user
    from tripline.cargo.run import make_demo

    create_user(node.db, "tina", role=Role.TARGETER, authority="US-CBP", password=PASSWORD)
    manifest = tmp_path / "arrivals.csv"
    make_demo(node.settings, manifest, 20, 5)
    later = tmp_path / "later.csv"  # other bills of lading
    make_demo(node.settings, later, 20, 11)
    header_only = tmp_path / "header-only.csv"
    header_only.write_text(manifest.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    first = node.app
    first.state.uploads.builds = NoScoring()
    client, csrf = signed_in(node, "tom")

    stored = upload(client, csrf, manifest)
    assert wait_finished(first, node, stored).error is None
    failed = upload(client, csrf, header_only)
    failed_error = wait_finished(first, node, failed).error
    assert failed_error
    shown_before = words(client.get(f"/manifests/{failed}/storing").text)
    assert f"Not stored: {failed_error}" in shown_before

    # the second process signs in before the held upload starts (SQLite: no write waits on it)
    second = create_app(node.settings, node.db)
    restarted = Node(second, node.db, node.settings, node.tokens)
    client2, _ = signed_in(restarted, "tom")
    other, _ = signed_in(restarted, "tina")  # a targeter of another authority

    gate = Gate(first.state.workspace)
    first.state.workspace.add = gate.add
    try:
        held = upload(client, csrf, later)
        assert gate.reached.wait(60)
        running = client.get(f"/manifests/{held}/storing/progress").text
        assert "reading and checking the rows" in running and 'hx-get="/manifests/' in running

        # after the "restart": what each upload became, not a 404
        done = client2.get(f"/manifests/{stored}/storing", follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == f"/queue?manifest={stored}"
        page = words(client2.get(f"/manifests/{failed}/storing").text)
        assert f"Not stored: {failed_error}" in page and "header-only.csv" in page
        cut = client2.get(f"/manifests/{held}/storing")
        assert cut.status_code == 200
        text = words(cut.text)
        assert "Not stored: interrupted: the server stopped while this ran" in text
        assert "Nothing of the file was kept." in text  # its rows are stored all or nothing
        assert 'hx-get="/manifests/' not in cut.text  # no polling of a job nobody runs
        assert other.get(f"/manifests/{failed}/storing").status_code == 404  # another authority's upload
    finally:
        gate.release.set()
    # the first process finishes it after all: its rows are stored, and the second sees that too
    assert wait_finished(first, node, held).error is None
    after = client2.get(f"/manifests/{held}/storing", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"] == f"/queue?manifest={held}"


@pytest.fixture(autouse=True)
def _no_leftover_gate(node: Node) -> Any:
    real = node.app.state.workspace.add
    yield
    node.app.state.workspace.add = real


def test_a_queue_that_failed_before_a_restart_shows_its_error_and_is_not_rescored_unasked(
    node: Node, tmp_path: Path
) -> None:
    from tripline.auth.service import get_principal
    from tripline.cargo.run import make_demo
    from tripline.cases.jobs import JobKind, Owner, record_end, record_start

    manifest = tmp_path / "failing.csv"
    make_demo(node.settings, manifest, 20, 23)
    node.app.state.uploads.builds = NoScoring()
    client, csrf = signed_in(node, "tom")
    manifest_id = upload(client, csrf, manifest)
    assert wait_finished(node.app, node, manifest_id).error is None
    # what a process before the restart recorded of its scoring, through the same calls it makes
    before = Owner.this_process()
    record_start(node.db, before, "JP-CUSTOMS", JobKind.QUEUE, manifest_id, stage="scoring shipments")
    record_end(node.db, "JP-CUSTOMS", JobKind.QUEUE, manifest_id, stage="scoring shipments", error="the lists are gone")

    second = create_app(node.settings, node.db)
    client2, _ = signed_in(Node(second, node.db, node.settings, node.tokens), "tom")
    page = words(client2.get(f"/queue?manifest={manifest_id}").text)
    assert "Scoring failed: the lists are gone" in page and "Try again" in page
    build = second.state.queue_builds.status(get_principal(node.db, "tom"), manifest_id)
    assert build is not None and build.finished and build.error == "the lists are gone"
    assert not any(t.name == f"queue-{manifest_id}" for t in threading.enumerate())  # nothing scores it
