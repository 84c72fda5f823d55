"""A manifest upload in Chromium shows real progress: the upload returns once the file is received,
and the page polls (htmx) a status fragment saying how many of the checked rows are stored. The
storing is held at half way by the test (a wrapper of this server's workspace), so the fragment is
waited for, never raced: "storing rows: 150 of 300 rows". Then the page goes on to the queue. A file
none of whose rows load says why, and stops polling."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.harness import PASSWORD
from tests.conftest import BUNDLED_DATA
from tests.web.a11y import assert_accessible
from tests.web.conftest import CHROMIUM, shot
from tests.web.exchange_nodes import served

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI") != "true",
        reason="Debian chromium not installed (apt-get install chromium)",
    ),
]
ROWS = 300


class Gate:
    """Holds the storing of an upload once half its rows are stored, until the test lets it go."""

    def __init__(self, workspace: Any) -> None:
        self.halfway = threading.Event()
        self.release = threading.Event()
        self.real = workspace.add

    def add(self, principal: Any, filename: str, data: bytes, *, progress: Any = None, **kw: Any) -> Any:
        def relay(stage: str, done: int, total: int) -> None:
            progress(stage, done, total)
            if stage == "storing rows" and total and done >= total // 2 and not self.halfway.is_set():
                self.halfway.set()
                assert self.release.wait(120)

        return self.real(principal, filename, data, progress=relay, **kw)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Gate, Path]]:
    from tripline.api.app import create_app
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user
    from tripline.cargo.run import make_demo
    from tripline.settings import Settings
    from tripline.store.db import Database

    tmp = tmp_path_factory.mktemp("upload")
    settings = Settings(var_dir=tmp / "var", database_url=None, data_dir=BUNDLED_DATA)
    db = Database.from_settings(settings)
    db.upgrade()
    create_user(db, "tom", role=Role.TARGETER, authority="jp-customs", password=PASSWORD)
    manifest = tmp / "arrivals.csv"
    make_demo(settings, manifest, ROWS, 17)
    app = create_app(settings, db)
    gate = Gate(app.state.workspace)
    app.state.workspace.add = gate.add  # this server's workspace only
    try:
        with served(app) as base:
            yield base, gate, manifest
    finally:
        gate.release.set()
        db.dispose()


def signed_in(browser: Any, base: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/signin")
    page.fill("#username", "tom")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(account/password)?$"))
    return page


def test_upload_shows_rows_stored_then_the_queue(browser: Any, server: tuple[str, Gate, Path], tmp_path: Path) -> None:
    base, gate, manifest = server
    page = signed_in(browser, base)
    page.goto(f"{base}/queue")
    page.set_input_files("#file", str(manifest))
    page.click("form.upload button[type=submit]")
    page.wait_for_url(re.compile(r".*/manifests/[0-9a-f]{16}/storing$"))
    assert gate.halfway.wait(120), "the storing never reached half way"
    # the polled fragment catches up with the held storing: exactly half of the rows
    page.wait_for_selector('#storing-progress strong.done:text-is("150")', timeout=30_000)
    status = " ".join(page.locator("#storing-progress p[role=status]").inner_text().split())
    assert status.startswith(f"storing rows: 150 of {ROWS} rows"), status
    assert page.locator("#storing-bar").get_attribute("value") == "50"
    assert "arrivals.csv" in page.locator("h1").inner_text()
    assert_accessible(page, "upload being stored")
    shot(page, "upload-storing", 1280)
    gate.release.set()
    page.wait_for_url(re.compile(r".*/queue\?manifest=[0-9a-f]{16}$"), timeout=120_000)
    assert f"{ROWS} shipments loaded" in page.inner_text("main") or "shipments scored" in page.inner_text("main")
    # a file none of whose rows load: the fragment says why and stops polling
    empty = tmp_path / "header-only.csv"
    empty.write_text(manifest.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    page.goto(f"{base}/queue")
    page.set_input_files("#file", str(empty))
    page.click("form.upload button[type=submit]")
    page.wait_for_url(re.compile(r".*/storing$"))
    alert = page.wait_for_selector("#storing-progress p.alert", timeout=60_000)
    assert alert is not None and "Not stored" in alert.inner_text()
    assert page.locator("#storing-progress").get_attribute("hx-get") is None
    page.context.close()
