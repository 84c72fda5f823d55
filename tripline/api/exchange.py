"""The exchange as the console's users see it: inbox, outbox with each release decision and its
reasons, consents awaited, deadlines; answering a consent request. The peer-to-peer endpoints
are the exchange capability's own router (``tripline.exchange.http``)."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from tripline.api.deps import require
from tripline.auth.roles import Permission
from tripline.auth.service import Principal
from tripline.errors import ForbiddenError
from tripline.settings import Settings

ConsentId = Path(max_length=100, description="Consent request id")


class NodeHolder:
    """This process's exchange node (opened on first use, over the app's database)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._node: Any = None

    def get(self, request: Request, principal: Principal) -> Any:
        from tripline.exchange.service import Node

        with self._lock:
            if self._node is None:
                self._node = Node(settings=request.app.state.settings, db=request.app.state.db)
            node = self._node
        if node.node_id.casefold() != principal.authority_code.casefold():
            raise ForbiddenError(
                f"this node's exchange belongs to authority {node.node_id!r}, not {principal.authority_code!r}",
                field="authority",
            )
        return node


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


def build_router(_settings: Settings, holder: NodeHolder | None = None) -> APIRouter:
    router = APIRouter(prefix="/api/exchange", tags=["exchange (console)"])
    holder = holder or NodeHolder()
    can = require(Permission.EXCHANGE)

    @router.get("", response_model=Dashboard, summary="Inbox, outbox, consents and overdue documents")
    def dashboard(request: Request, principal: Principal = Depends(can)) -> Dashboard:
        from tripline.exchange.views import dashboard as exchange_dashboard

        return Dashboard.model_validate(exchange_dashboard(holder.get(request, principal)))

    @router.post(
        "/consents/{consent_id}", response_model=dict[str, Any], summary="Grant or refuse a partner's consent request"
    )
    def answer(
        request: Request, body: ConsentAnswerIn, consent_id: str = ConsentId, principal: Principal = Depends(can)
    ) -> dict[str, Any]:
        from tripline.exchange.consent import answer_consent

        node = holder.get(request, principal)
        result: dict[str, Any] = answer_consent(
            node, consent_id, grant=body.grant, withhold=body.withhold, note=body.note.strip()
        )
        return result

    return router
