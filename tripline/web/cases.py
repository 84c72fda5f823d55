"""Console pages for case files."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tripline.api.deps import get_db
from tripline.auth.roles import Permission
from tripline.cases import service as cases
from tripline.cases.pdf import render_case_pdf
from tripline.settings import Settings
from tripline.store.db import Database
from tripline.web.render import Page, page, render

CaseId = Path(ge=1, le=2**31 - 1)


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
        case_id: int = Form(ge=1, le=2**31 - 1),
        kind: cases.ItemKind = Form(),
        ref: str = Form(max_length=256),
        label: str = Form(default="", max_length=512),
        back: str = Form(default="/cases", max_length=2000),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
    ) -> Response:
        """Link what a page shows (a listed entity, a container) to one of the authority's cases."""
        cases.add_item(db, pg.principal, case_id, kind, ref, label or None)
        target = back if back.startswith("/") and not back.startswith("//") else f"/cases/{case_id}"
        return RedirectResponse(target, status_code=303)

    @router.get("/cases/{case_id}/file.pdf")
    def case_pdf(case_id: int = CaseId, pg: Page = Depends(page), db: Database = Depends(get_db)) -> Response:
        pg.require(Permission.CASES)
        body = render_case_pdf(cases.get_case(db, pg.principal, case_id))
        headers = {"Content-Disposition": f'inline; filename="case-{case_id}.pdf"'}
        return Response(body, media_type="application/pdf", headers=headers)

    return router
