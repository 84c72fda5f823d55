"""Relationship views as server-drawn SVG: a case's party → shipment → container → case → request
chain, and a screened name's parties with every list row of each. Nodes are links."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from tripline.auth.roles import Permission
from tripline.cases import service as cases
from tripline.cases.figures import GRAPH_HEADERS, case_graph
from tripline.charts.graph import Node, graph_svg
from tripline.errors import InputError
from tripline.http.deps import get_db, get_runtime
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database
from tripline.web.render import Page, page, render


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
        chart = graph_svg(GRAPH_HEADERS, nodes, edges, f"How the items of case {case.id} are related")
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
