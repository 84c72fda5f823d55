"""Relationship views as server-drawn SVG: a case's party → shipment → container → case → request
chain, and a screened name's parties with every list row of each. Nodes are links."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from tripline.auth.roles import Permission
from tripline.cases import service as cases
from tripline.errors import InputError
from tripline.http.deps import get_db, get_runtime
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database
from tripline.web.cases import item_url as url_of
from tripline.web.render import Page, page, render
from tripline.web.svg import AXIS, BACKGROUND, FOREGROUND

BILL = re.compile(r"B/L ([A-Za-z0-9-]+)")
NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 190, 44, 40, 14, 10
FILL = {"party": "#fdecea", "shipment": "#eef4fb", "container": "#fff4e0", "case": "#e6f4ea", "request": "#f1eefb"}


@dataclass(frozen=True)
class Node:
    id: str
    column: int
    label: str
    kind: str
    href: str | None = None
    note: str = ""


def _clip(text: str, n: int = 26) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def graph_svg(headers: Sequence[str], nodes: Sequence[Node], edges: Sequence[tuple[str, str]], title: str) -> Markup:
    """Nodes in columns (one per header), edges as curves from left to right; each node a link."""
    rows: dict[int, list[Node]] = {}
    for n in nodes:
        rows.setdefault(n.column, []).append(n)
    tallest = max((len(v) for v in rows.values()), default=1)
    width = PAD * 2 + len(headers) * NODE_W + (len(headers) - 1) * GAP_X
    height = PAD * 2 + 24 + tallest * (NODE_H + GAP_Y)
    where: dict[str, tuple[float, float]] = {}
    for col, members in rows.items():
        for i, n in enumerate(members):
            where[n.id] = (PAD + col * (NODE_W + GAP_X), PAD + 24 + i * (NODE_H + GAP_Y))
    parts = [
        f'<svg class="graph" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for i, header in enumerate(headers):
        x = PAD + i * (NODE_W + GAP_X) + NODE_W / 2
        parts.append(f'<text x="{x:.0f}" y="{PAD + 12}" text-anchor="middle" fill="{AXIS}" font-weight="600">')
        parts.append(f"{escape(header)}</text>")
    for a, b in edges:
        if a not in where or b not in where:
            continue
        (x1, y1), (x2, y2) = where[a], where[b]
        x1, y1, x2, y2 = x1 + NODE_W, y1 + NODE_H / 2, x2, y2 + NODE_H / 2
        if x2 < x1:  # right to left: from the left side of a to the right side of b
            x1, x2 = where[a][0], where[b][0] + NODE_W
        mid = (x1 + x2) / 2
        parts.append(
            f'<path class="edge" d="M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}" '
            f'fill="none" stroke="{BACKGROUND}" stroke-width="1.4"/>'
        )
    for n in nodes:
        x, y = where[n.id]
        box = (
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6" '
            f'fill="{FILL.get(n.kind, "#ffffff")}" stroke="{FOREGROUND if n.href else AXIS}"/>'
            f'<text x="{x + 8:.0f}" y="{y + 18:.0f}" fill="{AXIS}">{escape(_clip(n.label))}</text>'
            f'<text x="{x + 8:.0f}" y="{y + 34:.0f}" fill="#4a5563" font-size="11">{escape(_clip(n.note, 30))}</text>'
        )
        tip = f"<title>{escape(n.label)}{(' — ' + escape(n.note)) if n.note else ''}</title>"
        if n.href:
            parts.append(f'<a class="node" data-kind="{n.kind}" href="{escape(n.href)}">{tip}{box}</a>')
        else:
            parts.append(f'<g class="node" data-kind="{n.kind}">{tip}{box}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))


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
        nodes.append(Node(sid, 1, f"B/L {item.ref}", "shipment", url_of(item), note))
        for role in ("shipper", "consignee"):
            for name in str(d.get(role) or "").split("; "):
                if name.strip():
                    screen = "/screen?" + urlencode({"name": name.rsplit(" (", 1)[0]})
                    edges.append((party(name, role, screen), sid))
    for item in case.items_of(cases.ItemKind.ENTITY):
        pid = party(item.label, f"listed: {item.details.get('list', item.ref)}", url_of(item))
        edges.append((pid, case_id))
    for item in case.items_of(cases.ItemKind.CONTAINER):
        cid = f"container:{item.ref}"
        verdicts = sorted({str(s.get("verdict")) for s in item.details.get("scans", []) if s.get("verdict")})
        nodes.append(Node(cid, 2, item.ref, "container", url_of(item), ", ".join(verdicts) or "no scan"))
        found = BILL.search(item.label)
        if found and found.group(1) in shipments:
            edges.append((shipments[found.group(1)], cid))
        edges.append((cid, case_id))
    for sid in shipments.values():
        if not any(a == sid and b.startswith("container:") for a, b in edges):
            edges.append((sid, case_id))
    for item in [*case.items_of(cases.ItemKind.DOCUMENT), *case.items_of(cases.ItemKind.EXCHANGE)]:
        rid = f"request:{item.ref}"
        href = url_of(item) or f"/partners/documents/{item.ref}"
        nodes.append(Node(rid, 4, item.label or item.ref, "request", href, item.kind.value))
        edges.append((case_id, rid))
    return [*parties.values(), *nodes], edges


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/cases/{case_id}/graph", response_class=HTMLResponse)
    def case_graph_page(
        request: Request,
        case_id: int = Path(ge=1, le=2**31 - 1),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
    ) -> Response:
        pg.require(Permission.CASES)
        case = cases.get_case(db, pg.principal, case_id)  # the caller's authority's case, or 404
        nodes, edges = case_graph(case)
        headers = ("Parties", "Shipments", "Containers", "Case", "Requests and documents")
        chart = graph_svg(headers, nodes, edges, f"How the items of case {case.id} are related")
        return render(request, "graph.html", pg, chart=chart, heading=f"Case {case.id}: {case.title}",
                      back=(f"/cases/{case.id}", "Back to the case"), nodes=nodes)  # fmt: skip

    @router.get("/screen/graph", response_class=HTMLResponse)
    def screen_graph_page(
        request: Request,
        name: str = Query(max_length=1000),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        """The screened name, the parties it matches, and every list row of each party."""
        from tripline.screening.result import ScreeningQuery
        from tripline.screening.scoped import screen_for
        from tripline.web.screening import REVIEW_THRESHOLD, party_cards

        pg.require(Permission.SCREEN)
        if not name.strip():
            raise InputError("give a name to screen", field="name")
        (result,) = screen_for(
            db, rt.screener_cache(), pg.principal, [ScreeningQuery.build(name)], threshold=REVIEW_THRESHOLD, limit=20
        )
        nodes = [Node("query", 0, name.strip(), "shipment", None, "screened name")]
        edges: list[tuple[str, str]] = []
        for i, card in enumerate(party_cards(db, result)):
            pid = f"party:{i}"
            m = card.match
            nodes.append(Node(pid, 1, m.caption, "party", None, f"score {m.score:.2f}, {len(card.rows)} list rows"))
            edges.append(("query", pid))
            for j, row in enumerate(card.rows):
                rid = f"row:{i}:{j}"
                note = ", ".join(row.programmes[:2]) or row.linked_by
                nodes.append(Node(rid, 2, f"{row.list} {row.entry_id}", "request", row.record_url, note))
                edges.append((pid, rid))
        chart = graph_svg(("Screened name", "Listed parties", "List rows"), nodes, edges, f"Who {name!r} matches")
        back = ("/screen?" + urlencode({"name": name}), "Back to the screening")
        return render(request, "graph.html", pg, chart=chart, heading=f"Screening graph: {name}", back=back,
                      nodes=nodes)  # fmt: skip

    return router
