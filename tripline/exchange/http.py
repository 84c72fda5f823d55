"""The node's HTTP endpoints (an ``APIRouter`` for ``tripline.api.app``): envelopes in, receipts out, TAXII.

Peers authenticate by their signed envelopes against the partner registry, not by user logins.
The node is the app's runtime's (``request.app.state.runtime.node()``), over the app's database;
errors are raised as :class:`~tripline.errors.TriplineError` and mapped to HTTP statuses and the
one error body by :mod:`tripline.http.errors`, like every other router's (TAXII keeps the error
shape its specification prescribes).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tripline.exchange.service import Node
from tripline.jsonbody import json_body
from tripline.settings import Settings

MAX_ENVELOPE_BYTES = 20 * 1024 * 1024


def _node(request: Request) -> Node:
    node: Node = request.app.state.runtime.node()
    return node


def build_router(settings: Settings) -> APIRouter:
    from tripline.exchange.inbound import answer_consistency, receive
    from tripline.exchange.taxii import build_taxii_router

    router = APIRouter(tags=["exchange"])

    @router.get("/exchange/v1/node")
    def node_info(request: Request) -> dict[str, Any]:
        """This node's id and public key (what partners put in their registry)."""
        node = _node(request)
        return {"id": node.node_id, "public_key": node.key.public_b64, "endpoint": settings.exchange_public_url}

    @router.post("/exchange/v1/envelopes")
    async def envelopes(request: Request) -> JSONResponse:
        """Receive one signed envelope; answer with a signed receipt (200 accepted, 403 refused)."""
        envelope = await json_body(request, limit=MAX_ENVELOPE_BYTES, what="envelope")
        status, receipt = await run_in_threadpool(receive, _node(request), envelope)
        return JSONResponse(receipt, status_code=status)

    @router.post("/exchange/v1/audit/consistency")
    async def audit_consistency(request: Request) -> JSONResponse:
        """A partner's signed request for an RFC 9162 consistency proof of this node's audit log
        from a tree head it kept; answers the signed proof to this node's current head."""
        asked = await json_body(request, limit=64 * 1024, what="request")
        answer = await run_in_threadpool(answer_consistency, _node(request), asked)
        return JSONResponse(answer)

    router.include_router(build_taxii_router(settings))
    return router
