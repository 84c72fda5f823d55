"""The exchange as the console's users see it: inbox, outbox with each release decision and its
reasons, consents awaited, deadlines; answering a consent request. The peer-to-peer endpoints
are the exchange capability's own router (``tripline.exchange.http``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from tripline.auth.roles import Permission
from tripline.auth.service import Principal
from tripline.http.deps import get_runtime, own_node, require
from tripline.runtime import Runtime
from tripline.settings import Settings

ConsentId = Path(max_length=100, description="Consent request id")


class ConsentAnswerIn(BaseModel):
    grant: bool
    withhold: list[str] = Field(default_factory=list, max_length=50, description="Fields or facts.NAME to withhold")
    note: str = Field(default="", max_length=2000)


class Dashboard(BaseModel):
    node: str
    inbox: list[dict[str, Any]]
    outbox: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    overdue: list[dict[str, Any]]


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api/exchange", tags=["exchange (console, route_class=ParsedJsonRoute)"])
    can = require(Permission.EXCHANGE)

    @router.get("", response_model=Dashboard, summary="Inbox, outbox, consents and overdue documents")
    def dashboard(principal: Principal = Depends(can), rt: Runtime = Depends(get_runtime)) -> Dashboard:
        from tripline.exchange.views import dashboard as exchange_dashboard

        return Dashboard.model_validate(exchange_dashboard(own_node(rt, principal)))

    @router.post(
        "/consents/{consent_id}", response_model=dict[str, Any], summary="Grant or refuse a partner's consent request"
    )
    def answer(
        body: ConsentAnswerIn,
        consent_id: str = ConsentId,
        principal: Principal = Depends(can),
        rt: Runtime = Depends(get_runtime),
    ) -> dict[str, Any]:
        from tripline.exchange.consent import answer_consent

        node = own_node(rt, principal)
        result: dict[str, Any] = answer_consent(
            node, consent_id, grant=body.grant, withhold=body.withhold, note=body.note.strip()
        )
        return result

    return router
