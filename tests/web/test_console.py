"""The analyst's console in a real headless Chromium at 1280 and 390 px: what the user sees on each
page (texts, counts, links), not only status codes. Screenshots go to ``test-artifacts/``
(``<page>-<width>.png``). The references are the lists' own rows (``tests/data``): KOMID is one
party on the UN, UK, EU and CSL lists, linked by the lists' own references."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from tests.web.conftest import CHROMIUM, Console, open_page, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI") != "true",
        reason="Debian chromium not installed (apt-get install chromium)",
    ),
]
WIDTHS = (1280, 390)
KOMID = "Korea Mining Development Trading Corporation"


# --- 1. dangerous defaults -------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_screening_decision_has_no_default(browser: Any, cookies: list[Any], console: Console, width: int) -> None:
    page = open_page(browser, cookies, width)
    page.goto(f"{console.base}/screen?name=LIMMT")
    card = page.locator("article.party").first
    radios = card.locator("input[name=verdict]")
    assert radios.count() == 2
    assert card.locator("input[name=verdict]:checked").count() == 0  # nothing chosen for the analyst
    assert card.locator("select[name=verdict]").count() == 0
    if width == 1280:
        # the browser refuses the form without a choice; past the browser, the server refuses it too
        card.locator("input[name=reason]").fill("checked the address")
        page.evaluate("document.querySelectorAll('input[required]').forEach(e => e.removeAttribute('required'))")
        card.locator("form.decision button[type=submit]").click()
        page.wait_for_selector("#results .alert")
        assert "choose a verdict" in page.inner_text("#results .alert")
        assert page.locator("article.party p.decided").count() == 0  # nothing recorded
    page.context.close()


def test_case_status_has_no_default_and_closed_is_not_green(browser: Any, cookies: list[Any], console: Console) -> None:
    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/cases")
    page.fill("#title", "Dual-use pumps to Tehran")
    page.click("text=Open case")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_url = page.url
    select = page.locator("#new-status")
    assert select.input_value() == ""  # no status pre-chosen
    options = [o.strip() for o in select.locator("option").all_inner_texts()]
    assert options[0] == "choose…" and options[-1] == "closed"
    # closing without a reason is refused, the case stays open
    select.select_option("closed")
    page.click("text=Change status")
    page.wait_for_selector("#status ~ .alert, .alert")
    assert "closing a case needs a reason" in page.inner_text(".alert")
    assert page.locator("h1 + p .badge").inner_text() == "open"
    page.locator("#new-status").select_option("closed")
    page.fill("#reason", "goods released after licence check")
    page.click("text=Change status")
    page.wait_for_url(case_url)
    badge = page.locator("h1 + p .badge")
    assert badge.inner_text() == "closed"
    green = page.evaluate("getComputedStyle(document.querySelector('.badge.good') || document.body).backgroundColor")
    background = badge.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background != "rgb(230, 244, 234)" and background != green  # closed is not "good"
    shot(page, "case-closed", 1280)
    page.context.close()


# --- 2. screening: one card per party ----------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_screening_one_card_per_party(browser: Any, cookies: list[Any], console: Console, width: int) -> None:
    page = open_page(browser, cookies, width)
    page.goto(f"{console.base}/screen?name={KOMID.replace(' ', '+')}")
    cards = page.locator("article.party")
    komid = [i for i in range(cards.count()) if "KOREA MINING DEVELOPMENT" in cards.nth(i).locator("h3").inner_text()]
    assert len(komid) == 1  # one card for the party, however many lists carry it
    card = cards.nth(komid[0])
    badges = card.locator(".lists .badge").all_inner_texts()
    # the lists' own rows of KOMID (tests/data/screening_linked_rows.jsonl; OFAC's is not in the slice)
    for row in ("un_sc 690735", "gb_hmt 10892", "eu_oj 32017R1509/XIII.B/1", "us_csl SDN-9345"):
        assert row in badges, (row, badges)
    text = card.inner_text()
    assert "KOMID" in card.locator(".aliases").inner_text()  # an alias the UN list prints
    assert "KPe.001" in card.locator(".identifiers").inner_text()  # the UN reference
    assert "Pyongyang" in card.locator(".addresses").inner_text()
    assert "UN-DPRK" in card.locator("table.rows").inner_text()  # programme of the UN row
    assert card.locator(".q-name").inner_text() == KOMID
    assert card.locator(".l-name").inner_text().strip() != ""
    assert card.locator("ul.why li").count() >= 1
    assert "Designated" in text
    # one decision for the party: one form carrying every row
    assert card.locator("form.decision").count() == 1
    assert card.locator("form.decision input[name=entity_id]").count() == len(badges)
    shot(page, "screen-party", width)
    page.context.close()


def test_party_decision_covers_every_row(browser: Any, cookies: list[Any], console: Console) -> None:
    from tripline.screening.decisions import latest_decisions, query_key
    from tripline.screening.normalize import Normaliser
    from tripline.store.db import Database

    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/screen?name=KOMID")
    card = page.locator("article.party", has_text="KOREA MINING DEVELOPMENT")
    ids = card.locator("form.decision input[name=entity_id]").evaluate_all("es => es.map(e => e.value)")
    assert len(ids) >= 4
    card.locator("input[value=confirmed]").check()
    card.locator("input[name=reason]").fill("UN reference KPe.001 on the licence application")
    with page.expect_navigation():
        card.locator("form.decision button[type=submit]").click()
    assert page.locator("#results .alert").count() == 0, page.inner_text("#results .alert")
    card = page.locator("article.party", has_text="KOREA MINING DEVELOPMENT")
    card.locator("p.decided").wait_for()
    assert "confirmed" in card.locator("p.decided").inner_text()
    db = Database.from_settings(console.settings)
    try:
        with db.transaction() as session:
            found = latest_decisions(session, query_key(Normaliser(), "KOMID"), ids, authority="JP-CUSTOMS")
            found = found or latest_decisions(session, query_key(Normaliser(), "KOMID"), ids, authority="jp-customs")
    finally:
        db.dispose()
    assert sorted(found) == sorted(ids)  # every list row of the party carries the decision
    assert {d.verdict.value for d in found.values()} == {"confirmed"}
    page.context.close()


def test_ofac_row_links_to_the_lists_own_record(browser: Any, cookies: list[Any], console: Console) -> None:
    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/screen?name=LIMMT")
    link = page.locator("article.party").first.locator("a.record").first
    href = link.get_attribute("href")
    entry = link.inner_text().split()[0]
    assert href == f"https://sanctionssearch.ofac.treas.gov/Details.aspx?id={entry}"
    page.context.close()


# --- 3. the queue as a triage tool -------------------------------------------------------------

RAW_IDS = re.compile(r"party_hit|controlled_goods|of_concern|hs_description_mismatch|radiation\.|destination\.|_hub\b")


@pytest.mark.parametrize("width", WIDTHS)
def test_queue_rows_carry_shipment_facts(browser: Any, cookies: list[Any], console: Console, width: int) -> None:
    page = open_page(browser, cookies, width)
    page.goto(f"{console.base}/queue")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() >= 10
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.locator(".shipper").inner_text().strip() not in ("", "—")
        assert row.locator(".consignee").inner_text().strip() not in ("", "—")
        assert row.locator("ul.goods li").count() >= 1
        assert re.fullmatch(r"\d{6}(\d{2}){0,2}", row.locator(".hs").first.inner_text())
        assert "→" in row.locator(".route").inner_text()
        assert row.locator(".vessel").count() + row.locator(".eta").count() >= 1
    queue_text = page.locator("table.queue").inner_text()
    assert not RAW_IDS.search(queue_text), RAW_IDS.search(queue_text)  # reasons in words
    # counts per action add up to every shipment; the histogram's bars too
    counts = {a: int(page.locator(f".count[data-action={a}]").inner_text()) for a in ("inspect", "review", "release")}
    total = int(re.search(r"of (\d+) shipments", page.inner_text("#shown")).group(1))  # type: ignore[union-attr]
    assert sum(counts.values()) == total
    bars = page.locator("svg.histogram rect.bar title").evaluate_all("es => es.map(e => e.textContent)")
    assert sum(int(t.rsplit(": ", 1)[1]) for t in bars) == total
    shot(page, "queue-triage", width)
    page.context.close()


def test_queue_filters_sort_and_search(browser: Any, cookies: list[Any], console: Console) -> None:
    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/queue")
    inspect_count = int(page.locator(".count[data-action=inspect]").inner_text())
    page.select_option("#f-action", "inspect")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*action=inspect.*"))
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == min(inspect_count, 50) or (inspect_count == 0 and "No shipment" in rows.inner_text())
    assert set(page.locator("table.queue tbody .badge").all_inner_texts()) <= {"inspect"}
    # a port: every row's route passes through it
    page.goto(f"{console.base}/queue")
    port = page.locator("#f-port option").nth(1).get_attribute("value")
    page.select_option("#f-port", port)
    page.click("form.filters button[type=submit]")
    routes = page.locator("table.queue tbody .route").all_inner_texts()
    assert routes and all(port in r.split(" → ") for r in routes)
    # search by the first row's shipper
    page.goto(f"{console.base}/queue")
    shipper = page.locator("table.queue tbody tr .shipper").first.inner_text().split(" (")[0]
    page.fill("#f-q", shipper)
    page.click("form.filters button[type=submit]")
    found = page.locator("table.queue tbody tr")
    assert found.count() >= 1
    assert all(shipper.casefold() in found.nth(i).inner_text().casefold() for i in range(found.count()))
    # sort: lowest score first
    page.goto(f"{console.base}/queue?sort=score_asc")
    scores = [
        float(s.split()[0]) for s in page.locator("table.queue tbody td[data-label=Score] strong").all_inner_texts()
    ]
    assert scores == sorted(scores)
    page.context.close()


def test_queue_actions_outcome_and_case(browser: Any, cookies: list[Any], console: Console) -> None:
    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/queue")
    first = page.locator("table.queue tbody tr").first
    bill = first.locator("code.bl").inner_text()
    containers = first.locator(".containers a").all_inner_texts()
    first.locator("summary", has_text="Record outcome").click()
    assert first.locator("input[name=result]:checked").count() == 0  # no outcome pre-chosen
    first.locator("input[name=result][value=seized]").check()
    first.locator("form.outcome input[name=note]").fill("undeclared valves, 3 pallets")
    first.locator("form.outcome button[type=submit]").click()
    page.wait_for_selector("p.note[role=status]")
    assert f"Outcome of {bill} recorded: seized" in page.inner_text("p.note[role=status]")
    # open a case from the row: the shipment and its containers are linked, with links
    page.locator("table.queue tbody tr", has_text=bill).locator("form.open-case button").click()
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    assert bill in page.locator("h1").inner_text()
    linked = page.locator("section.card", has_text="Linked").inner_text()
    assert bill in linked
    for c in containers:
        assert c in linked
        href = page.locator("li.item a", has_text=f"Container {c}").get_attribute("href")
        assert href.endswith(f"/containers/{c}")
    evidence = page.locator("ul.evidence").first.inner_text()
    assert "Targeting score" in evidence and "Route:" in evidence and "Goods:" in evidence
    assert "Reason +" in evidence and not RAW_IDS.search(evidence.split("Reason", 1)[1].split(":")[0])
    # the PDF carries the same evidence
    import io

    from pypdf import PdfReader

    body = page.request.get(page.url + "/file.pdf").body()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert bill in text and "Targeting score" in text and "Route:" in text
    shot(page, "case-from-queue", 1280)
    page.context.close()


# --- 4. home -----------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_home_shows_waiting_work_and_list_freshness(
    browser: Any, cookies: list[Any], console: Console, width: int
) -> None:
    page = open_page(browser, cookies, width)
    page.goto(f"{console.base}/partners")
    consents = page.locator("#consents article").count()
    page.goto(f"{console.base}/queue")
    inspect = int(page.locator(".count[data-action=inspect]").inner_text())
    page.goto(f"{console.base}/")
    waiting = {
        page.locator("ul.waiting li .what").nth(i).inner_text(): int(
            page.locator("ul.waiting li .count").nth(i).inner_text()
        )
        for i in range(page.locator("ul.waiting li").count())
    }
    assert waiting["Consents to answer"] == consents
    assert "Overdue requests" in waiting and "Watch-list hits to decide" in waiting
    assert waiting["Containers to inspect"] >= 0
    assert inspect == 0 or waiting["Containers to inspect"] >= 1 or "seized" in page.content()
    link = page.locator("ul.waiting a", has_text="Containers to inspect").get_attribute("href")
    assert "action=inspect" in link
    lists = page.locator("table.lists tbody tr")
    assert lists.count() == 5  # OFAC's slice and the UN, UK, EU, CSL rows
    assert "us_ofac_sdn" in page.inner_text("table.lists") and "today" in page.inner_text("table.lists")
    assert page.locator("form.search input#q").count() == 1
    shot(page, "home", width)
    page.context.close()


def test_global_search(browser: Any, cookies: list[Any], console: Console) -> None:
    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/")
    page.fill("#q", "LIMMT")
    page.click("form.search button")
    page.wait_for_url(re.compile(r".*/search\?q=LIMMT"))
    assert "LIMMT ECONOMIC AND TRADE COMPANY" in page.inner_text("#parties").upper()
    page.goto(f"{console.base}/queue")
    container = page.locator("table.queue tbody .containers a").first.inner_text()
    page.goto(f"{console.base}/search?q={container}")
    hits = page.locator("#shipments li a", has_text=container)
    assert hits.count() == 1
    shot(page, "search", 1280)
    page.context.close()


# --- 5. a case carries the screening evidence --------------------------------------------------


def test_linked_entity_carries_list_version_and_explanation(browser: Any, cookies: list[Any], console: Console) -> None:
    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/cases")
    page.fill("#title", "LIMMT network")
    page.click("text=Open case")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_url = page.url
    case_id = case_url.rsplit("/", 1)[1]
    page.goto(f"{console.base}/screen?name=LIMMT")
    card = page.locator("article.party").first
    entry = card.locator(".lists .badge").first.inner_text()
    card.locator("select[name=case_id]").select_option(case_id)
    with page.expect_navigation():
        card.locator("form.inline button", has_text="Link").click()
    page.goto(case_url)
    item = page.locator("li.item", has_text="LIMMT")
    text = item.inner_text()
    source, entry_id = entry.split(" ", 1)
    assert f"Listed on {source} version 1" in text and f"entry {entry_id}" in text
    assert "List files sha256" in text
    assert "Screened as “LIMMT”" in text and "name" in text  # the explanation
    assert item.locator("a").first.get_attribute("href").startswith("/screen?name=LIMMT")
    shot(page, "case-evidence", 1280)
    page.context.close()
