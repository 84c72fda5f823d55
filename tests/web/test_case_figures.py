"""A case opened from the queue for the shipment of a container whose portal alarmed carries the
evidence figures: on the case page the spectrum (server-drawn SVG) with the lines the adjudicator
identified and its verdict, and the relationship graph; in the PDF the same drawings as vector
graphics. What is expected is read from the case as stored (the scans recorded when the shipment
was linked), not from the page."""

from __future__ import annotations

import io
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
VERDICTS = {  # the adjudicator's verdicts in the words the figures use
    "background": "background only",
    "NORM": "natural radioactivity (NORM)",
    "industrial": "industrial source",
    "medical": "medical isotope",
    "special_nuclear_material": "special nuclear material",
    "of_concern": "of concern",
}


def stored_case(console: Console, case_id: int) -> Any:
    from tripline.auth.service import get_principal
    from tripline.cases.service import get_case
    from tripline.store.db import Database

    db = Database.from_settings(console.settings)
    try:
        return get_case(db, get_principal(db, "chief"), case_id)
    finally:
        db.dispose()


def test_case_page_and_pdf_carry_the_spectrum_and_the_graph(browser: Any, cookies: list[Any], console: Console) -> None:
    from pypdf import PdfReader

    from tripline.cases.service import ItemKind

    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/queue?manifest=demo&q={console.alarmed}")
    rows = page.locator("table.queue tbody tr[data-bl]")
    assert rows.count() == 1
    bl = rows.first.get_attribute("data-bl")
    rows.first.locator("form.open-case button").click()
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_id = int(page.url.rsplit("/", 1)[1])
    case = stored_case(console, case_id)
    (item,) = [i for i in case.items_of(ItemKind.CONTAINER) if i.ref == console.alarmed]
    kept = [s for s in item.details["scans"] if s.get("spectrum")]
    assert kept, "the alarmed container's spectrum was not kept with the case"
    scan = kept[0]
    peaks = [p for p in scan["spectrum"]["peaks"] if p[3] >= 2]
    verdict = "cleared: alarm not backed by the spectrum" if scan["spectrum"]["unbacked"] else VERDICTS[scan["verdict"]]
    figure = page.locator("figure.spectrum").first
    assert figure.locator("svg.spectrum polyline").count() >= 1
    caption = figure.locator("figcaption").inner_text()
    assert f"verdict {verdict}" in caption and scan["occupancy"] in caption
    drawn = figure.locator("svg.spectrum text").evaluate_all("es => es.map(e => e.textContent)")
    strongest = sorted(peaks, key=lambda p: -p[3])[:8]  # the 8 strongest identified lines are marked
    expected = {f"{nuclide.removesuffix(' chain')} {energy:.0f}" for nuclide, energy, _, _ in strongest}
    labels = [t for t in drawn if t in expected]
    marked = figure.locator('svg.spectrum line[stroke="#b35c00"]').count()
    if strongest:
        assert marked == len({round(p[1], 3) for p in strongest})  # one line per identified energy
        # labels that would overlap are left out (at most 4 rows of them), never others invented
        assert len(labels) >= min(4, len(expected)), (labels, expected)
        for nuclide, energy, _, sigma in strongest:
            assert f"{nuclide} {energy:.0f} keV ({sigma:.1f} sigma)" in caption  # the caption names them all
    # the relationship graph: the shipment, the container and the case, linked
    graph = page.locator("#relationships svg.graph")
    assert graph.locator('[data-kind="shipment"]', has_text=f"B/L {bl}").count() == 1
    assert graph.locator('[data-kind="container"]', has_text=console.alarmed).count() == 1
    assert graph.locator('[data-kind="case"]').count() == 1
    assert graph.locator("path.edge").count() >= 2
    assert_accessible(page, "case with figures")
    shot(page, "case-figures", 1280)
    # the PDF draws the same figures
    body = page.request.get(f"{console.base}/cases/{case_id}/file.pdf").body()
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "counts / s / channel" in text and "energy (keV)" in text  # the spectrum's axes
    flat = " ".join(text.split())
    assert f"verdict {verdict}" in flat
    for label in labels:  # the lines the page labelled, labelled in the PDF's drawing too
        assert label in text, label
    assert "Relationships" in flat and "Containers" in flat and f"B/L {bl}" in flat  # the graph's columns, a node
    page.context.close()


def flat(text: str) -> str:
    """Text without any whitespace: a PDF wraps long lines (a hash, a threshold) where it likes."""
    return "".join(text.split())


def test_api_and_cli_case_pdf_carry_the_figures_and_the_evidence(
    browser: Any, cookies: list[Any], console: Console, tmp_path: Any
) -> None:
    """The case file the API (``GET /api/cases/{id}/pdf``) and the CLI (``cases export``) write holds
    what the case page shows: the spectrum and the relationship graph drawn, the listed entity's list
    version and files hash, the shipments' targeting reasons, the scan verdict and the goods'
    classification with each control threshold. Expected texts are read from the case as stored."""
    from pypdf import PdfReader
    from typer.testing import CliRunner

    from tripline.auth.service import issue_token
    from tripline.cases.service import ItemKind
    from tripline.cli.context import AppContext
    from tripline.cli.main import build_app
    from tripline.store.db import Database

    page = open_page(browser, cookies, 1280)
    page.goto(f"{console.base}/queue?manifest=demo&q={console.alarmed}")
    page.locator("table.queue tbody tr[data-bl]").first.locator("form.open-case button").click()
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_id = int(page.url.rsplit("/", 1)[1])
    # a shipment whose goods are on a control list, added to the same case from the queue
    page.goto(f"{console.base}/queue?manifest=demo&indicator=controlled_goods")
    row = page.locator("table.queue tbody tr[data-bl]").first
    row.locator("form.add-case select").select_option(str(case_id))
    row.locator("form.add-case button").click()
    page.wait_for_url(re.compile(rf".*/cases/{case_id}$"))
    # a listed party, linked from the screening page with its evidence
    page.goto(f"{console.base}/screen?name=LIMMT")
    form = page.locator('form[action="/cases/link"]').first
    form.locator("select").select_option(str(case_id))
    form.locator("button").click()
    page.wait_for_load_state()
    page.context.close()

    case = stored_case(console, case_id)
    (entity,) = case.items_of(ItemKind.ENTITY)
    shipments = case.items_of(ItemKind.SHIPMENT)
    assert len(shipments) == 2
    scans = [s for i in case.items_of(ItemKind.CONTAINER) for s in i.details.get("scans", []) if s.get("spectrum")]
    assert scans, "the alarmed container's spectrum was not kept with the case"
    expected = [f"version {entity.details['list_version']}", entity.details["snapshot_sha256"]]
    for shipment in shipments:
        for r in shipment.details["reasons"]:
            if round(r["points"], 2) != 0:
                expected.append(f"Reason {r['points']:+.1f} {r['words']}")
    for s in scans:
        verdict = "cleared: alarm not backed by the spectrum" if s["spectrum"]["unbacked"] else VERDICTS[s["verdict"]]
        expected += [f"verdict {verdict}", f"Occupancy {s['occupancy']}"]  # the figure's caption
    thresholds = [
        (record["description"], c["code"], p)
        for shipment in shipments
        for record in shipment.details["classification"]
        for c in record["candidates"]
        for p in c["parameters"]
    ]
    assert thresholds, "no goods line of the controlled-goods shipment was classified with a control threshold"
    for description, code, p in thresholds:
        expected += [
            f"Classification of “{description}”",
            f"Candidate {code}",
            f"Threshold {p['item']}: {p['required']}",
        ]
    expected += ["counts / s / channel", "energy (keV)", "Relationships", "Requests and documents"]  # the drawings

    db = Database.from_settings(console.settings)
    try:
        token = issue_token(db, "chief", "pdf test")
    finally:
        db.dispose()
    import httpx

    answer = httpx.get(
        f"{console.base}/api/cases/{case_id}/pdf", headers={"Authorization": f"Bearer {token}"}, timeout=120
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    out = tmp_path / "case.pdf"
    result = CliRunner().invoke(
        build_app(), ["cases", "export", str(case_id), "--as", "chief", "--out", str(out)],
        obj=AppContext(settings=console.settings),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for name, body in (("API", answer.content), ("CLI", out.read_bytes())):
        reader = PdfReader(io.BytesIO(body))
        text = flat("\n".join(p.extract_text() for p in reader.pages))
        missing = [e for e in expected if flat(e) not in text]
        assert missing == [], (name, missing)
