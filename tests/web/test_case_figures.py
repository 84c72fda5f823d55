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
