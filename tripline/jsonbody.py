"""A request's JSON body, parsed once.

The request-limit middleware (:mod:`tripline.api.limits`) reads a JSON body within its limit,
parses it and checks it (depth, lone surrogates); it leaves the parsed value in the ASGI scope
under :data:`SCOPE_KEY`. Routes take it from there instead of parsing the same bytes again:
FastAPI routes with a body model through :class:`ParsedJsonRoute` (their request's ``json()``
answers the stored value), and routes that read the body themselves (the exchange's peer
endpoints) through :func:`json_body`. Without the middleware (a router mounted alone) both
parse the body as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from tripline.errors import InputError, TooLargeError

SCOPE_KEY = "tripline.json"


class ParsedJsonRequest(Request):
    """A request whose ``json()`` is the value the middleware already parsed, when there is one."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            if SCOPE_KEY not in self.scope:
                return await super().json()
            self._json = self.scope[SCOPE_KEY]
        return self._json


class ParsedJsonRoute(APIRoute):
    """An ``APIRoute`` whose handler sees a :class:`ParsedJsonRequest` (``APIRouter(route_class=...)``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def parsed_once(request: Request) -> Response:
            return await handler(ParsedJsonRequest(request.scope, request.receive))

        return parsed_once


async def json_body(request: Request, *, limit: int, what: str = "body") -> Any:
    """The request's JSON body: at most ``limit`` bytes (:class:`TooLargeError`), JSON
    (:class:`InputError`); parsed by the middleware when it ran, else here."""
    body = await request.body()  # the middleware's buffered bytes: no second read from the socket
    if len(body) > limit:
        raise TooLargeError(f"{what} too large (limit {limit} bytes)", field="body")
    if SCOPE_KEY in request.scope:
        return request.scope[SCOPE_KEY]
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise InputError("the body is not JSON", field="body") from None
