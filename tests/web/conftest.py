"""Fixtures of the console tests: the API test node, and one real uvicorn server over a database
holding the OFAC SDN test slice, the real linked rows of other lists (UN, UK, EU, CSL: one party
on several lists), the exchange demo situations and a scored demo manifest with portal scans."""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.api.harness import PASSWORD, load_sdn_slice, node
from tests.conftest import BUNDLED_DATA, SCREENSHOTS, free_port
from tripline.settings import REPO_DIR, Settings

__all__ = ["node"]

# Debian and Ubuntu name it chromium (or chromium-browser); found on PATH, /usr/bin/chromium else
CHROMIUM = Path(shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium")
ARTIFACTS = SCREENSHOTS
LINKED_ROWS = REPO_DIR / "tests" / "data" / "screening_linked_rows.jsonl"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Console:
    base: str  # http://127.0.0.1:port
    alarmed: str  # a container whose portal occupancy alarmed
    settings: Settings
    username: str = "chief"
    password: str = PASSWORD


def _alarmed_container(scans: bytes) -> str:
    """A container whose portal occupancy alarmed (its spectrum was kept for secondary inspection)."""
    for line in scans.splitlines():
        record = json.loads(line)
        if record.get("spectrum"):
            return str(record["container"])
    raise AssertionError("the demo traffic has no alarmed occupancy")


def load_linked_rows(db: object) -> None:
    """The linked rows of every list but OFAC's (loaded from its CSV slice) as those lists' snapshots."""
    from tripline.lists.model import SourceSpec
    from tripline.lists.store import StoredEntity, write_snapshot
    from tripline.store.db import Database

    assert isinstance(db, Database)
    by_source: dict[str, list[StoredEntity]] = {}
    for line in LINKED_ROWS.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        if raw["source_id"] == "us_ofac_sdn":
            continue
        props = raw["properties"]
        by_source.setdefault(raw["source_id"], []).append(
            StoredEntity.build(
                raw["entity_id"], raw["schema"], raw["caption"], props, raw["entry_id"], props.get("program", [])
            )
        )
    with db.transaction() as session:
        for source_id, rows in sorted(by_source.items()):
            spec = SourceSpec(source_id, f"{source_id} (test rows)", "test", "ftm", (), "see tests/data/README.md")
            write_snapshot(
                session, spec, format_name="ftm", files=[], entities=rows, published=None, declared_count=None,
                report={},
            )  # fmt: skip


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    from tripline.api.app import create_app
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user, get_principal
    from tripline.cargo.run import make_demo
    from tripline.cases.workspace import Workspace
    from tripline.exchange.demo import load_exchange_situations
    from tripline.runtime import Runtime
    from tripline.store.db import Database

    settings = Settings(var_dir=tmp_path_factory.mktemp("console") / "var", database_url=None, data_dir=BUNDLED_DATA)
    db = Database.from_settings(settings)
    db.upgrade()
    load_sdn_slice(db)
    load_linked_rows(db)
    load_exchange_situations(settings, db)
    create_user(db, "chief", role=Role.ADMIN, authority="jp-customs", display_name="Duty chief", password=PASSWORD)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo-manifest.csv"
        make_demo(settings, out, 40, 7)
        scans = Path(str(out) + ".scans.jsonl").read_bytes()
        Workspace(Runtime(settings, db)).add(
            get_principal(db, "chief"), out.name, out.read_bytes(), scans=scans, manifest_id="demo"
        )
        alarmed = _alarmed_container(scans)
    port = free_port()
    config = uvicorn.Config(create_app(settings, db), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180  # the lifespan warms the runtime and the queues first, as serve does
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # emptied once per run, in pytest_sessionstart
    yield Console(f"http://127.0.0.1:{port}", alarmed, settings)
    uv.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for every browser test of the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def cookies(browser: Any, console: Console) -> list[Any]:
    """The session cookie of the console's user, signed in once through the form."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{console.base}/signin")
    page.fill("#username", console.username)
    page.fill("#password", console.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{console.base}/")
    out = context.cookies()
    context.close()
    return out  # type: ignore[no-any-return]


def open_page(browser: Any, cookies: list[Any], width: int) -> Any:
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 900}, is_mobile=phone, has_touch=phone
    )
    context.add_cookies(cookies)
    return context.new_page()


def shot(page: Any, name: str, width: int) -> None:
    if width < 600 and page.evaluate("document.documentElement.scrollWidth") > width + 1:  # sideways scrolling
        wide = page.evaluate(
            f"[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > {width + 1})"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"
        )
        raise AssertionError(f"{name} is wider than {width} px: {wide}")
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
