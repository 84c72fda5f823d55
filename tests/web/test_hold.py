"""Holding a shipment at the port, in Chromium at 1280 and 390 px: from the queue (a reason is
required; the row is marked held, the held count shows, home's containers to inspect drop by the
shipment's containers), released with a note, and held again from one of its containers' pages.
Each width leaves no hold behind (the console's server is shared by the session's tests)."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from tests.web.a11y import assert_accessible
from tests.web.conftest import CHROMIUM, Console, open_page, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI") != "true",
        reason="Debian chromium not installed (apt-get install chromium)",
    ),
]


def recorded(console: Console) -> set[str]:
    """Bills of lading of the demo with an inspection outcome recorded (by other tests of the session):
    those are not waiting for inspection, held or not."""
    from tripline.cargo.run import outcomes
    from tripline.store.db import Database

    db = Database.from_settings(console.settings)
    try:
        return set(outcomes(db, authority="jp-customs"))
    finally:
        db.dispose()


def release_all(console: Console) -> None:
    from tripline.cargo.holds import held, release_shipment
    from tripline.store.db import Database

    db = Database.from_settings(console.settings)
    try:
        for bl in held(db, "jp-customs"):
            release_shipment(db, "jp-customs", bl, note="test over", by="chief")
    finally:
        db.dispose()


def waiting(page: Any, base: str) -> dict[str, int]:
    page.goto(f"{base}/")
    items = page.locator("ul.waiting li")
    return {
        items.nth(i).locator(".what").inner_text(): int(items.nth(i).locator(".count").inner_text())
        for i in range(items.count())
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_hold_from_queue_and_container(browser: Any, cookies: list[Any], console: Console, width: int) -> None:
    try:
        walk(browser, cookies, console, width)
    finally:
        release_all(console)  # leave nothing held for the other tests of the session


def walk(browser: Any, cookies: list[Any], console: Console, width: int) -> None:
    base = console.base
    page = open_page(browser, cookies, width)
    decided = recorded(console)
    before = waiting(page, base)["Containers to inspect"]
    page.goto(f"{base}/queue?manifest=demo&action=inspect")
    rows = page.locator("table.queue tbody tr[data-bl]")
    assert rows.count() >= 1, "the demo queue has no shipment to inspect"
    assert page.locator("table.queue tbody tr.held").count() == 0
    bills = rows.evaluate_all("es => es.map(e => e.dataset.bl)")
    undecided = [i for i, b in enumerate(bills) if b not in decided]
    assert undecided, "every shipment to inspect has an outcome recorded"
    row = rows.nth(undecided[0])
    bl = str(row.get_attribute("data-bl"))
    containers = row.locator(".containers a").evaluate_all("es => es.map(e => e.textContent.trim())")
    assert containers
    # a hold needs a reason: the browser keeps the form until one is given
    row.locator("details.hold summary").click()
    assert row.locator("input[name=reason]").get_attribute("required") is not None
    row.locator("input[name=reason]").fill("neutron count above background; wait for the radiation officer")
    row.locator("form.hold button[type=submit]").click()
    page.wait_for_selector(f'table.queue tr.held[data-bl="{bl}"]')
    assert f"{bl} is held" in page.locator("p.note[role=status]").inner_text()
    marked = page.locator(f'table.queue tr.held[data-bl="{bl}"]')
    assert marked.locator(".badge.held").count() >= 1
    assert "held by chief" in marked.inner_text()
    assert page.locator(".count[data-action=held]").inner_text() == "1"
    assert_accessible(page, f"queue with a held shipment at {width}")
    shot(page, "queue-held", width)
    # the held filter shows exactly the held shipment
    page.goto(f"{base}/queue?manifest=demo&action=held")
    assert page.locator("table.queue tbody tr[data-bl]").evaluate_all("es => es.map(e => e.dataset.bl)") == [bl]
    # home's containers to inspect no longer count the held shipment's containers
    after = waiting(page, base)
    assert after["Containers to inspect"] == before - len(containers)
    assert "1 more held" in page.locator("ul.waiting li", has_text="Containers to inspect").inner_text()
    # the container page shows the hold; released there with a note, then held again from it
    page.goto(f"{base}/queue/demo/containers/{containers[0]}")
    assert page.locator("h1 .badge.held").count() == 1
    page.locator("details.release-hold summary").click()
    page.fill("#release-note-0", "officer checked it: NORM in the declared tiles")
    page.locator("form.release button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/containers/{containers[0]}\?done=.*"))
    assert page.locator("h1 .badge.held").count() == 0
    assert waiting(page, base)["Containers to inspect"] == before
    page.goto(f"{base}/queue/demo/containers/{containers[0]}")
    page.locator("details.hold summary").click()
    page.fill("#hold-reason-0", "repeat alarm at the exit portal")
    page.locator("form.hold button[type=submit]").click()
    page.wait_for_selector("h1 .badge.held")
    assert "repeat alarm at the exit portal" in page.locator("p.held-note").inner_text()
    assert_accessible(page, f"container on hold at {width}")
    shot(page, "container-hold", width)
    page.context.close()
