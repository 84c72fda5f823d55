"""Every console page in a real headless Chromium at 1280 and 390 px, checked for accessibility
(labels, headings, contrast, keyboard focus: ``tests/web/a11y.py``) with a screenshot each; then
what the newer pages show: the container's time profile and history, the relationship graphs,
and an upload whose queue is scored while the page shows progress."""

from __future__ import annotations

import os
import re
from pathlib import Path
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
KOMID = "Korea Mining Development Trading Corporation"


def pages(console: Console) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("screen", "/screen?name=LIMMT"),
        ("screen-graph", "/screen/graph?name=" + KOMID.replace(" ", "+")),
        ("classify", "/classify?description=Flow+forming+machine+with+3+rollers%2C+numerically+controlled"),
        ("queue", "/queue"),
        ("container", f"/queue/demo/containers/{console.alarmed}"),
        ("container-history", f"/containers/{console.alarmed}/history"),
        ("exchange", "/partners"),
        ("partners", "/partners/directory"),
        ("agreements", "/partners/agreements"),
        ("documents", "/partners/documents"),
        ("cases", "/cases"),
        ("search", "/search?q=LIMMT"),
    ]


@pytest.mark.parametrize("width", (1280, 390))
def test_every_page_is_accessible(browser: Any, cookies: list[Any], console: Console, width: int) -> None:
    page = open_page(browser, cookies, width)
    for name, path in pages(console):
        page.goto(console.base + path)
        assert page.locator("h1").count() == 1, name
        assert_accessible(page, name)
        shot(page, name, width)
    page.goto(f"{console.base}/partners/documents")
    page.locator("table.documents tbody a").first.click()
    page.wait_for_url(re.compile(r".*/partners/documents/.+"))
    assert page.locator("p.marking .badge").count() >= 2  # classification and TLP first
    assert_accessible(page, "document")
    shot(page, "document", width)
    page.context.close()


def test_container_profile_next_step_and_history(browser: Any, cookies: list[Any], console: Console) -> None:
    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/queue/demo/containers/{console.alarmed}")
    scan = page.locator("article.scan").first
    assert scan.locator("svg.profile polyline").count() == 1  # gamma counts against time
    assert scan.locator("svg.profile line.level").count() == 2  # background and the alarm level
    assert scan.locator("p.next-step").inner_text().startswith("Next")
    caption = scan.locator("figure figcaption").first.inner_text()
    assert "sigma" in caption and "neutrons" in caption
    # labels on the spectrum never overlap (their boxes as the browser lays them out)
    boxes = scan.locator("svg.spectrum text[fill='#7a4100']").evaluate_all(
        "es => es.map(e => { const b = e.getBBox(); return [b.x, b.y, b.width, b.height]; })"
    )
    for i, (x1, y1, w1, h1) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1, (boxes[i], (x2, y2))
    page.click(f"text=Every passage of {console.alarmed}")
    page.wait_for_url(re.compile(rf".*/containers/{console.alarmed}/history$"))
    rows = page.locator("table.history tbody tr")
    assert rows.count() >= 1 and "demo-manifest.csv" in rows.first.inner_text()
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(rf".*/queue/demo/containers/{console.alarmed}$"))
    page.context.close()


def test_case_graph_links_party_shipment_container_case(browser: Any, cookies: list[Any], console: Console) -> None:
    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/queue/demo/containers/{console.alarmed}")
    bill = page.locator("h2 code").first.inner_text()
    page.goto(f"{console.base}/queue?manifest=demo&q={bill}")
    page.locator("table.queue tbody tr", has_text=bill).locator("form.open-case button").click()
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_url = page.url
    page.click("text=Relationship graph")
    page.wait_for_url(case_url + "/graph")
    kinds = page.locator("svg.graph .node").evaluate_all("es => es.map(e => e.dataset.kind)")
    assert {"party", "shipment", "container", "case"} <= set(kinds)
    assert page.locator("svg.graph path.edge").count() >= 3  # party → shipment → container → case
    shot(page, "case-graph", 1280)
    assert_accessible(page, "case-graph")
    page.locator(f'svg.graph a.node[data-kind=container][href$="/containers/{console.alarmed}"]').click()
    page.wait_for_url(re.compile(rf".*/containers/{console.alarmed}$"))
    # the screening graph: KOMID, one party, its rows on the UN, UK, EU and CSL lists
    page.goto(f"{console.base}/screen/graph?name=" + KOMID.replace(" ", "+"))
    rows = page.locator("svg.graph .node[data-kind=request] title").evaluate_all("es => es.map(e => e.textContent)")
    for row in ("un_sc 690735", "gb_hmt 10892", "us_csl SDN-9345"):
        assert any(r.startswith(row) for r in rows), (row, rows)
    page.context.close()


def test_upload_shows_progress_then_the_queue(browser: Any, console: Console, tmp_path: Path) -> None:
    """A targeter of another authority (so the shared demo queue stays the default for the others)
    uploads through the form: the bar follows the bytes, then the queue page follows the scoring."""
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user
    from tripline.cargo.run import make_demo
    from tripline.store.db import Database

    db = Database.from_settings(console.settings)
    try:
        create_user(db, "kim", role=Role.TARGETER, authority="kr-customs", password=console.password)
    finally:
        db.dispose()
    manifest = tmp_path / "kr-manifest.csv"
    make_demo(console.settings, manifest, 12, 5)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{console.base}/signin")
    page.fill("#username", "kim")
    page.fill("#password", console.password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(account/password)?$"))
    page.goto(f"{console.base}/queue")
    assert "No manifest yet" in page.inner_text("main")
    page.set_input_files("#file", str(manifest))
    page.set_input_files("#scans", str(manifest) + ".scans.jsonl")
    page.click("form.upload button[type=submit]")
    page.wait_for_url(re.compile(r".*/queue\?manifest=[0-9a-f]+$"))
    # either still scoring (the progress block polls) or already done: then the table
    page.wait_for_selector("table.queue tbody tr", timeout=120_000)
    assert "12 of 12 shipments match" in page.inner_text("#shown").replace("\n", " ")
    shot(page, "queue-uploaded", 1280)
    context.close()
