"""Console pages for case files."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tripline.auth.roles import Permission
from tripline.cases import service as cases
from tripline.cases.evidence import evidence_lines
from tripline.cases.figures import case_figures, item_url, relationship_figure, scan_record
from tripline.cases.pdf import render_case_pdf
from tripline.cases.workspace import Workspace
from tripline.errors import TriplineError
from tripline.http.deps import get_db, get_runtime, get_workspace
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database
from tripline.web.render import Page, page, render

CaseId = Path(ge=1, le=2**31 - 1)


def entity_evidence(db: Database, rt: Runtime, entity_id: str, query: str) -> dict[str, Any]:
    """What a listed entity's case item records: its list row as listed now, and why ``query`` matched it."""
    from tripline.lists.service import listed_entity
    from tripline.screening.result import ScreeningQuery

    out: dict[str, Any] = {}
    found = listed_entity(db, entity_id)
    if found is not None:
        row, snap = found
        out |= {"list": row.source_id, "entry_id": row.entry_id, "programmes": row.properties.get("program", [])}
        if snap is not None:
            out |= {"list_version": snap.version, "snapshot_sha256": snap.content_sha256}
            if snap.published:
                out["list_published"] = snap.published.isoformat()
    if query.strip():
        try:
            match = rt.screener().score_entity(ScreeningQuery.build(query), entity_id)
        except TriplineError:
            match = None
        if match is not None:
            out |= {
                "query": query.strip(),
                "match_score": round(match.score, 3),
                "explanation": list(match.explanation),
            }
    return out


CONTAINER_PAGE = re.compile(r"/queue/([^/?#]+)/containers/([A-Za-z]{4}[0-9]{7})")


def container_evidence(request: Request, pg: Page, ws: Workspace, back: str, container: str) -> dict[str, Any]:
    """A container linked from its page keeps its adjudicated scans with their spectra (the evidence
    the case's figures draw), once its manifest's queue is scored (never scored in the request)."""
    found = CONTAINER_PAGE.fullmatch(back)
    if found is None or found.group(2).upper() != container.strip().upper() or not pg.principal.can(Permission.TARGET):
        return {}
    if request.app.state.queue_builds.ready(pg.principal, found.group(1)) is None:
        return {}
    view = ws.container(pg.principal, found.group(1), found.group(2))
    return {"scans": [scan_record(s) for s in view.scans]}


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/cases", response_class=HTMLResponse)
    def case_list(
        request: Request,
        status: cases.CaseStatus | None = Query(default=None),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
    ) -> Response:
        rows = cases.list_cases(db, pg.principal, status)
        return render(request, "cases/list.html", pg, cases=rows, status=status, statuses=list(cases.CaseStatus))

    @router.post("/cases")
    def case_open(
        title: str = Form(max_length=256),
        summary: str = Form(default="", max_length=20000),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
    ) -> Response:
        case_id = cases.open_case(db, pg.principal, title, summary)
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @router.get("/cases/{case_id}", response_class=HTMLResponse)
    def case_view(
        request: Request,
        case_id: int = CaseId,
        error: str = Query(default="", max_length=500),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
    ) -> Response:
        case = cases.get_case(db, pg.principal, case_id)
        # workflow order, closing last; the form has no default (a status change is a choice)
        transitions = [s for s in cases.CaseStatus if s in cases.TRANSITIONS[case.status]]
        return render(
            request, "cases/view.html", pg, case=case, kinds=list(cases.ItemKind), transitions=transitions,
            evidence=evidence_lines, item_url=item_url, figures=case_figures(case), graph=relationship_figure(case),
            error=error or None,
        )  # fmt: skip

    @router.post("/cases/{case_id}/items")
    def case_item(
        case_id: int = CaseId,
        kind: cases.ItemKind = Form(),
        ref: str = Form(max_length=256),
        label: str = Form(default="", max_length=512),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
    ) -> Response:
        cases.add_item(db, pg.principal, case_id, kind, ref, label or None)
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @router.post("/cases/{case_id}/notes")
    def case_note(
        case_id: int = CaseId,
        body: str = Form(max_length=20000),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
    ) -> Response:
        cases.add_note(db, pg.principal, case_id, body)
        return RedirectResponse(f"/cases/{case_id}#notes", status_code=303)

    @router.post("/cases/{case_id}/status")
    def case_status(
        case_id: int = CaseId,
        status: str = Form(default="", max_length=32),
        reason: str = Form(default="", max_length=2000),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
    ) -> Response:
        chosen = next((s for s in cases.CaseStatus if s.value == status.strip()), None)
        problem = None
        if chosen is None:
            problem = "choose the status to move the case to"
        elif chosen is cases.CaseStatus.CLOSED and not reason.strip():
            problem = "closing a case needs a reason"
        if problem is not None or chosen is None:
            query = urlencode({"error": problem or "choose a status"})
            return RedirectResponse(f"/cases/{case_id}?{query}#status", status_code=303)
        cases.set_status(db, pg.principal, case_id, chosen, reason)
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @router.post("/cases/link")
    def case_link(
        request: Request,
        case_id: int = Form(ge=1, le=2**31 - 1),
        kind: cases.ItemKind = Form(),
        ref: str = Form(max_length=256),
        label: str = Form(default="", max_length=512),
        back: str = Form(default="/cases", max_length=2000),
        query: str = Form(default="", max_length=1000),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
        rt: Runtime = Depends(get_runtime),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        """Link what a page shows (a listed entity, a container) to one of the authority's cases; a listed
        entity carries its evidence: list version and files hash, programmes, the screening explanation."""
        details = entity_evidence(db, rt, ref, query) if kind is cases.ItemKind.ENTITY else {}
        if kind is cases.ItemKind.CONTAINER and back.startswith("/queue/"):
            details["url"] = back
            details |= container_evidence(request, pg, ws, back, ref)
        if kind is cases.ItemKind.DOCUMENT and back.startswith("/partners/documents/"):
            details["url"] = back  # the exchange document as the officer reads it, with its markings
        cases.add_item(db, pg.principal, case_id, kind, ref, label or None, details)
        target = back if back.startswith("/") and not back.startswith("//") else f"/cases/{case_id}"
        return RedirectResponse(target, status_code=303)

    @router.get("/cases/{case_id}/file.pdf")
    def case_pdf(case_id: int = CaseId, pg: Page = Depends(page), db: Database = Depends(get_db)) -> Response:
        pg.require(Permission.CASES)
        body = render_case_pdf(cases.get_case(db, pg.principal, case_id))
        headers = {"Content-Disposition": f'inline; filename="case-{case_id}.pdf"'}
        return Response(body, media_type="application/pdf", headers=headers)

    return router
