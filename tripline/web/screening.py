"""Console pages for screening: screen a name, read the explained matches, record a decision."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tripline.api.deps import get_db, get_runtime
from tripline.auth.roles import Permission
from tripline.cases.service import CaseStatus, list_cases
from tripline.errors import InputError
from tripline.runtime import Runtime
from tripline.screening.decisions import Verdict
from tripline.screening.result import ScreeningQuery, ScreeningResult
from tripline.screening.scoped import record_verdict, screen_for
from tripline.settings import Settings
from tripline.store.db import Database
from tripline.web.render import Page, page, render

REVIEW_THRESHOLD = 0.5  # the console shows candidates from here; the score says how close each is
SCHEMAS = ("", "Company", "Organization", "Person", "Vessel", "LegalEntity")


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/screen", response_class=HTMLResponse)
    def screen_page(
        request: Request,
        name: str = Query(default="", max_length=1000),
        country: str = Query(default="", max_length=64),
        schema: str = Query(default="", max_length=64),
        threshold: float = Query(default=REVIEW_THRESHOLD, ge=0.0, le=1.0),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        pg.require(Permission.SCREEN)
        result: ScreeningResult | None = None
        error: str | None = None
        if name.strip():
            try:
                query = ScreeningQuery.build(name, country=country or None, schema=schema or None)
                (result,) = screen_for(db, rt.screener_cache(), pg.principal, [query], threshold=threshold, limit=20)
            except InputError as exc:
                error = exc.message
        form = {"name": name, "country": country, "schema": schema, "threshold": threshold}
        back = "/screen?" + urlencode(form)
        open_cases = [c for c in list_cases(db, pg.principal) if c.status is not CaseStatus.CLOSED]
        return render(
            request, "screen.html", pg, result=result, form=form, error=error, schemas=SCHEMAS,
            verdicts=list(Verdict), back=back, open_cases=open_cases,
        )  # fmt: skip

    @router.post("/screen/decisions")
    def decide(
        query_name: str = Form(max_length=1000),
        entity_id: str = Form(max_length=255),
        verdict: Verdict = Form(),
        reason: str = Form(max_length=4000),
        back: str = Form(default="/screen", max_length=2000),
        pg: Page = Depends(page),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        pg.require(Permission.SCREEN)
        record_verdict(rt.db, rt.screener_cache(), pg.principal, query_name, entity_id, verdict, reason)
        target = back if back.startswith("/screen") else "/screen"
        return RedirectResponse(target, status_code=303)

    return router
