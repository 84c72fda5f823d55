"""The evidence figures of a case, drawn on the server: for each linked container's portal scan the
spectrum with its identified lines and the adjudicated verdict, and the case's relationship graph
(party → shipment → container → case → request). The same SVG is inlined in the case page and drawn
as vector graphics into the case PDF, whichever edge asks for it (console, API or CLI): fpdf2
renders the SVG; ``pdf_svg`` fits it to the PDF.

A case keeps the evidence it was given: when a container is linked, its scans are recorded with
their spectra (``scan_record``), so the figures do not depend on the manifest file staying on disk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from tripline.cases import service as cases
from tripline.charts.graph import Node, graph_svg
from tripline.charts.svg import spectrum_svg

# lines drawn on a spectrum without identified lines: the gamma lines the adjudicator names most often (keV)
MARKERS = ((661.7, "Cs-137"), (1460.8, "K-40"), (2614.5, "Tl-208"), (609.3, "Bi-214"))
LABELLED_LINES = 8  # the most significant identified lines are marked on the spectrum; the table has them all
MIN_SIGMA = 2.0  # an identified line weaker than this is listed, not drawn
VERDICT_WORDS = {
    "background": "background only",
    "NORM": "natural radioactivity (NORM)",
    "industrial": "industrial source",
    "medical": "medical isotope",
    "special_nuclear_material": "special nuclear material",
    "of_concern": "of concern",
}
Peak = tuple[str, float, float | None, float]  # (nuclide, library energy keV, measured centroid keV, sigma)


def peak_marks(peaks: Sequence[Sequence[Any]]) -> list[tuple[float, str]]:
    """The identified lines to draw (library energy, nuclide and energy), else the usual reference lines."""
    found = [(str(p[0]), float(p[1]), float(p[3])) for p in peaks]
    if not found:
        return list(MARKERS)
    strongest = sorted(found, key=lambda p: -p[2])[:LABELLED_LINES]
    marks = {e: f"{nuclide.removesuffix(' chain')} {e:.0f}" for nuclide, e, sig in strongest if sig >= MIN_SIGMA}
    return sorted(marks.items()) or list(MARKERS)


def verdict_words(verdict: str, *, unbacked: bool = False) -> str:
    if unbacked:
        return "cleared: alarm not backed by the spectrum"
    return VERDICT_WORDS.get(verdict, verdict.replace("_", " "))


def scan_record(scan: Any) -> dict[str, Any]:
    """What a case keeps of one adjudicated portal scan (a ``ScanView``): verdict, reasons, and the
    spectrum with its identified lines, for the figures."""
    out: dict[str, Any] = {
        "occupancy": scan.occupancy_id,
        "location": scan.location,
        "time": scan.time,
        "verdict": scan.verdict,
        "nuclides": list(scan.nuclides),
        "reasons": list(scan.reasons),
    }
    if scan.counts:
        out["spectrum"] = {
            "counts": list(scan.counts),
            "live_time_s": scan.live_time_s,
            "energies_kev": list(scan.energies_kev),
            "background": list(scan.background),
            "background_live_time_s": scan.background_live_time_s,
            "peaks": [list(p) for p in scan.peaks],
            "unbacked": scan.unbacked,
            "gross_sigma": scan.gross_sigma,
        }
    return out


@dataclass(frozen=True)
class Figure:
    kind: str  # "spectrum" or "graph"
    caption: str
    svg: Markup
    labels: tuple[str, ...] = ()  # the lines marked on a spectrum


def spectrum_figure(container: str, scan: dict[str, Any]) -> Figure | None:
    """The spectrum of one recorded scan with its verdict; None when no spectrum was kept."""
    s = scan.get("spectrum")
    if not isinstance(s, dict) or not s.get("counts"):
        return None
    verdict = verdict_words(str(scan.get("verdict", "")), unbacked=bool(s.get("unbacked")))
    marks = peak_marks(s.get("peaks") or [])
    identified = bool(s.get("peaks")) and marks != list(MARKERS)
    title = f"Spectrum of {container}, occupancy {scan.get('occupancy', '')}: {verdict}"
    svg = spectrum_svg(
        s["counts"], float(s.get("live_time_s") or 0), energies_kev=s.get("energies_kev") or (),
        background=s.get("background") or (), background_live_time_s=float(s.get("background_live_time_s") or 0),
        title=title, markers=marks,
    )  # fmt: skip
    strong = sorted((p for p in s.get("peaks") or [] if float(p[3]) >= MIN_SIGMA), key=lambda p: -float(p[3]))[
        :LABELLED_LINES
    ]
    lines = "; ".join(f"{p[0]} {float(p[1]):.0f} keV ({float(p[3]):.1f} sigma)" for p in strong)
    caption = f"Occupancy {scan.get('occupancy', '')} at {scan.get('location', '') or 'the portal'} " + (
        f"{scan.get('time', '')}: verdict {verdict}"
    )
    if identified:
        caption += f". Identified lines: {lines}"
    elif not s.get("peaks"):
        caption += ". No line identified; the usual reference lines are marked"
    return Figure("spectrum", caption, svg, tuple(label for _, label in marks) if identified else ())


def case_figures(case: cases.CaseFile) -> dict[int, list[Figure]]:
    """The spectrum figures of each container item of the case, by item id."""
    out: dict[int, list[Figure]] = {}
    for item in case.items_of(cases.ItemKind.CONTAINER):
        for scan in item.details.get("scans") or []:
            if isinstance(scan, dict):
                fig = spectrum_figure(item.ref, scan)
                if fig is not None:
                    out.setdefault(item.id, []).append(fig)
    return out


def item_url(item: Any) -> str | None:
    """Where a linked item is shown in the console (a path on the same site, or None)."""
    url = item.details.get("url")
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        return url
    if item.kind is cases.ItemKind.ENTITY:
        return "/screen?" + urlencode({"name": str(item.details.get("query") or item.label.split(" (")[0])})
    if item.kind is cases.ItemKind.SHIPMENT:
        return "/search?" + urlencode({"q": item.ref})
    return None


BILL = re.compile(r"B/L ([A-Za-z0-9-]+)")
GRAPH_HEADERS = ("Parties", "Shipments", "Containers", "Case", "Requests and documents")


def case_graph(case: cases.CaseFile) -> tuple[list[Node], list[tuple[str, str]]]:
    """party → shipment → container → case → request, from the case's items and what they record."""
    case_id = f"case:{case.id}"
    nodes = [Node(case_id, 3, f"Case {case.id}: {case.title}", "case", f"/cases/{case.id}", case.status.value)]
    edges: list[tuple[str, str]] = []
    parties: dict[str, Node] = {}

    def party(name: str, note: str, href: str | None) -> str:
        key = "party:" + " ".join(name.casefold().split())
        if key not in parties:
            parties[key] = Node(key, 0, name, "party", href, note)
        return key

    shipments = {}
    for item in case.items_of(cases.ItemKind.SHIPMENT):
        sid = f"shipment:{item.ref}"
        shipments[item.ref] = sid
        d = item.details
        note = f"score {d['score']}, {d.get('action', '')}" if "score" in d else ""
        nodes.append(Node(sid, 1, f"B/L {item.ref}", "shipment", item_url(item), note))
        for role in ("shipper", "consignee"):
            for name in str(d.get(role) or "").split("; "):
                if name.strip():
                    screen = "/screen?" + urlencode({"name": name.rsplit(" (", 1)[0]})
                    edges.append((party(name, role, screen), sid))
    for item in case.items_of(cases.ItemKind.ENTITY):
        pid = party(item.label, f"listed: {item.details.get('list', item.ref)}", item_url(item))
        edges.append((pid, case_id))
    for item in case.items_of(cases.ItemKind.CONTAINER):
        cid = f"container:{item.ref}"
        verdicts = sorted({str(s.get("verdict")) for s in item.details.get("scans", []) if s.get("verdict")})
        nodes.append(Node(cid, 2, item.ref, "container", item_url(item), ", ".join(verdicts) or "no scan"))
        found = BILL.search(item.label)
        if found and found.group(1) in shipments:
            edges.append((shipments[found.group(1)], cid))
        edges.append((cid, case_id))
    for sid in shipments.values():
        if not any(a == sid and b.startswith("container:") for a, b in edges):
            edges.append((sid, case_id))
    for item in [*case.items_of(cases.ItemKind.DOCUMENT), *case.items_of(cases.ItemKind.EXCHANGE)]:
        rid = f"request:{item.ref}"
        href = item_url(item) or f"/partners/documents/{item.ref}"
        nodes.append(Node(rid, 4, item.label or item.ref, "request", href, item.kind.value))
        edges.append((case_id, rid))
    return [*parties.values(), *nodes], edges


def relationship_figure(case: cases.CaseFile) -> Figure:
    nodes, edges = case_graph(case)
    svg = graph_svg(GRAPH_HEADERS, nodes, edges, f"How the items of case {case.id} are related")
    caption = f"Relationships: {len(nodes)} items, {len(edges)} links (party → shipment → container → case → request)"
    return Figure("graph", caption, svg)


TITLE = re.compile(r"<title>.*?</title>", re.S)
LINK = re.compile(r"</?a\b[^>]*>")


# characters XML 1.0 does not allow (C0 controls other than tab, newline and carriage return; lone
# surrogates; U+FFFE and U+FFFF): a case's own text (a title, an item's label) may hold them, escaping does
# not make them legal, and fpdf2's SVG parser refuses the whole drawing; they are drawn as U+FFFD
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def pdf_svg(svg: str) -> bytes:
    """The SVG as fpdf2 draws it: without tooltips and links (the PDF has neither), and without
    characters XML does not allow (``XML_INVALID``)."""
    return XML_INVALID.sub("\ufffd", LINK.sub("", TITLE.sub("", svg))).encode("utf-8")


Drawing = tuple[str, bytes]  # (caption, SVG as the PDF draws it)


def pdf_drawings(case: cases.CaseFile) -> tuple[dict[int, list[Drawing]], Drawing]:
    """The case's figures as the PDF draws them: the spectra by item id, and the relationship graph."""
    spectra = {k: [(f.caption, pdf_svg(f.svg)) for f in v] for k, v in case_figures(case).items()}
    graph = relationship_figure(case)
    return spectra, (graph.caption, pdf_svg(graph.svg))
