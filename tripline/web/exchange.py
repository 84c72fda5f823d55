"""Console page of the exchange: inbox/outbox with release decisions and reasons, consents, deadlines."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tripline.api.deps import get_runtime
from tripline.api.exchange import own_node
from tripline.auth.roles import Permission
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.web.render import Page, page, render


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/partners", response_class=HTMLResponse)
    def exchange_page(request: Request, pg: Page = Depends(page), rt: Runtime = Depends(get_runtime)) -> Response:
        from tripline.audit.log import entries
        from tripline.exchange.views import dashboard

        pg.require(Permission.EXCHANGE)
        node = own_node(rt, pg.principal)
        board = dashboard(node)
        awaited = [c for c in board["consents"] if c["direction"] == "in" and c["status"] == "pending"]
        asked = [c for c in board["consents"] if c["direction"] == "out"]
        decisions = entries(node.db, kind="release.allowed", limit=50) + entries(
            node.db, kind="release.denied", limit=50
        )
        decisions.sort(key=lambda e: e["seq"], reverse=True)
        return render(request, "exchange.html", pg, board=board, awaited=awaited, asked=asked, decisions=decisions)

    @router.post("/partners/consents/{consent_id}")
    def answer(
        consent_id: str = Path(max_length=100),
        decision: str = Form(pattern="^(grant|refuse)$"),
        withhold: str = Form(default="", max_length=2000),
        note: str = Form(default="", max_length=2000),
        pg: Page = Depends(page),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        from tripline.exchange.consent import answer_consent

        pg.require(Permission.EXCHANGE)
        fields = [f.strip() for f in withhold.split(",") if f.strip()]
        answer_consent(
            own_node(rt, pg.principal), consent_id, grant=decision == "grant", withhold=fields, note=note.strip()
        )
        return RedirectResponse("/partners#consents", status_code=303)

    return router
