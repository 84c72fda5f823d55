"""The node's HTTP endpoints (an ``APIRouter`` for ``tripline.api.app``): envelopes in, receipts out, TAXII.

Peers authenticate by their signed envelopes against the partner registry, not by user logins.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tripline.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
    TooLargeError,
    TriplineError,
)
from tripline.exchange.service import Node
from tripline.settings import Settings
from tripline.store.db import Database

MAX_ENVELOPE_BYTES = 20 * 1024 * 1024


def error_status(exc: TriplineError) -> int:
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, AuthError):
        return 401
    if isinstance(exc, TooLargeError):
        return 413
    if isinstance(exc, InputError):
        return 422
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    return 400


class NodeHolder:
    """Opens the node's database (migrated) on first use, not when the app is built."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._node: Node | None = None
        self._lock = threading.Lock()

    def get(self) -> Node:
        with self._lock:
            if self._node is None:
                db = Database.from_settings(self.settings)
                db.upgrade()
                self._node = Node(settings=self.settings, db=db)
            return self._node


def build_router(settings: Settings, holder: NodeHolder | None = None) -> APIRouter:
    from tripline.exchange.inbound import receive
    from tripline.exchange.taxii import build_taxii_router

    holder = holder or NodeHolder(settings)
    router = APIRouter(tags=["exchange"])

    @router.get("/exchange/v1/node")
    def node_info() -> dict[str, Any]:
        """This node's id and public key (what partners put in their registry)."""
        node = holder.get()
        return {"id": node.node_id, "public_key": node.key.public_b64, "endpoint": settings.exchange_public_url}

    @router.post("/exchange/v1/envelopes")
    async def envelopes(request: Request) -> JSONResponse:
        """Receive one signed envelope; answer with a signed receipt (200 accepted, 403 refused)."""
        body = await request.body()
        if len(body) > MAX_ENVELOPE_BYTES:
            return JSONResponse(TooLargeError("envelope too large").to_dict(), status_code=413)
        try:
            import json

            envelope = json.loads(body)
        except ValueError:
            return JSONResponse(InputError("the body is not JSON").to_dict(), status_code=422)
        from starlette.concurrency import run_in_threadpool

        try:
            status, receipt = await run_in_threadpool(receive, holder.get(), envelope)
        except TriplineError as exc:
            return JSONResponse(exc.to_dict(), status_code=error_status(exc))
        return JSONResponse(receipt, status_code=status)

    router.include_router(build_taxii_router(settings, holder))
    return router
