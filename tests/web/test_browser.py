"""The console in a real headless Chromium (Debian's package, driven by Playwright), served by a
real uvicorn server on a free port: sign in, screen "LIMMT", open the top container of the demo
queue, approve a consent. Screenshots of the main pages at 1280 and 390 px go to test-artifacts/."""

from __future__ import annotations

import os
import re

import pytest

from tests.api.harness import PASSWORD
from tests.web.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, Console

ARGS = CHROMIUM_ARGS
TEXTS = "es => es.map(e => e.textContent)"
pytestmark = [
    pytest.mark.browser,
    # Under CI the browser must be there (.ci/run installs it): a missing one fails instead of skipping.
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI") != "true",
        reason="Debian chromium not installed (apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def server(console: Console) -> tuple[str, str]:
    return console.base, console.alarmed


def withheld_in_answer(console: Console) -> list[str]:
    from sqlalchemy import select

    from tripline.exchange.models import ExchangeConsent
    from tripline.store.db import Database

    db = Database.from_settings(console.settings)
    try:
        with db.transaction() as session:
            rows = session.scalars(select(ExchangeConsent).where(ExchangeConsent.status == "granted")).all()
            return sorted({f for row in rows for f in (row.answer or {}).get("withheld", row.withheld)})
    finally:
        db.dispose()


def test_scenario_in_chromium(server: tuple[str, str], console: Console) -> None:
    from playwright.sync_api import sync_playwright

    base, alarmed = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/queue")
            assert page.url.startswith(f"{base}/signin")
            page.screenshot(path=str(ARTIFACTS / "signin-1280.png"), full_page=True)
            page.fill("#username", "chief")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/queue")
            # screen LIMMT: explained matches
            page.goto(f"{base}/screen")
            page.fill("#name", "LIMMT")
            page.click("form.card button[type=submit]")
            page.wait_for_selector("article.match")
            first = page.locator("article.match").first
            assert "LIMMT ECONOMIC AND TRADE COMPANY" in first.inner_text().upper()
            assert first.locator("li").count() >= 1  # the explanation
            page.screenshot(path=str(ARTIFACTS / "screen-1280.png"), full_page=True)
            # the demo queue: open the top container
            page.goto(f"{base}/queue")
            page.screenshot(path=str(ARTIFACTS / "queue-1280.png"), full_page=True)
            top = page.locator("table tbody tr").first
            container = top.locator("td .containers a").first
            number = container.inner_text().strip()
            container.click()
            page.wait_for_url(re.compile(rf".*/containers/{number}$"))
            assert page.locator("h1").inner_text() == f"Container {number}"
            assert page.locator("table tbody tr").count() >= 1  # every reason
            page.screenshot(path=str(ARTIFACTS / "container-1280.png"), full_page=True)
            # a container whose portal alarmed: its adjudicated scan with the spectrum plotted
            page.goto(f"{base}/queue/demo/containers/{alarmed}")
            assert page.locator("svg.spectrum polyline").count() >= 1
            assert page.locator("article .badge").count() >= 1  # the verdict
            page.screenshot(path=str(ARTIFACTS / "spectrum-1280.png"), full_page=True)
            # the exchange: approve the consent awaiting us
            page.goto(f"{base}/partners")
            page.screenshot(path=str(ARTIFACTS / "exchange-1280.png"), full_page=True)
            assert "us-cbp asks to pass" in page.inner_text("#consents")
            # the officer reads the document and picks what to withhold; the preview follows the boxes
            consent = page.locator("#consents article").first
            document = dict(
                zip(
                    consent.locator("details.document dt").evaluate_all(TEXTS),
                    consent.locator("details.document dd").evaluate_all(TEXTS),
                    strict=True,
                )
            )
            choices = consent.locator("input[name=withhold]")
            assert choices.count() >= 1
            withheld = choices.first.get_attribute("value")
            assert withheld in document
            choices.first.check()
            page.wait_for_selector(f'#preview-1 tr.withheld[data-field="{withheld}"]')
            preview = page.locator("#preview-1 tbody tr")
            shown = {}
            for i in range(preview.count()):
                row = preview.nth(i)
                field = row.get_attribute("data-field")
                shown[field] = (row.get_attribute("class"), row.locator("td").nth(2).inner_text())
            assert set(shown) == {*document, "withheld"}  # every field of the document, and the withheld list
            assert [f for f, (cls, _) in shown.items() if cls == "withheld"] == [withheld]
            for field, (cls, value) in shown.items():
                if cls == "released" and field not in ("withheld",):
                    assert value == document[field], field  # released exactly as the document says
            page.screenshot(path=str(ARTIFACTS / "consent-preview-1280.png"), full_page=True)
            page.fill("#n-1", "approved for onward enforcement use")
            page.click("#consents button[value=grant]")
            page.wait_for_url(re.compile(r".*/partners(#consents)?$"))
            assert "No consent request is waiting for us." in page.inner_text("#consents")
            assert "granted" not in page.inner_text("#consents")
            # what the partner is sent: the answer signed over the release without the withheld field
            assert withheld_in_answer(console) == [withheld]
            # phone width
            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            phone.add_cookies(context.cookies())  # type: ignore[arg-type]  # Cookie has every SetCookieParam key
            small = phone.new_page()
            for name, path in (("screen", "/screen?name=LIMMT"), ("queue", "/queue"), ("exchange", "/partners")):
                small.goto(f"{base}{path}")
                width = small.evaluate("document.documentElement.scrollWidth")
                assert width <= 390 + 1, (name, width)  # nothing forces sideways scrolling
                small.screenshot(path=str(ARTIFACTS / f"{name}-390.png"), full_page=True)
            small.goto(f"{base}/queue/demo/containers/{number}")
            assert small.evaluate("document.documentElement.scrollWidth") <= 391
            small.screenshot(path=str(ARTIFACTS / "container-390.png"), full_page=True)
            small.goto(f"{base}/queue/demo/containers/{alarmed}")
            small.screenshot(path=str(ARTIFACTS / "spectrum-390.png"), full_page=True)
        finally:
            browser.close()
