"""The one JSON error shape of the API, and the only place errors become HTTP statuses.

Every error answer is an :class:`ErrorBody`::

    {"error": "NotFoundError", "status": 404, "message": "field 'case_id': no case 7",
     "reason": "no case 7", "field": "case_id"}
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from tripline import errors as e

log = structlog.get_logger(__name__)

# most specific first: the first class the error is an instance of decides
STATUS: tuple[tuple[type[e.TriplineError], int], ...] = (
    (e.TooLargeError, 413),
    (e.InputError, 400),
    (e.ForbiddenError, 403),
    (e.ThrottledError, 429),
    (e.AuthError, 401),
    (e.NotFoundError, 404),
    (e.ConflictError, 409),
    (e.PolicyError, 422),
    (e.IntegrityError, 400),
    (e.StorageError, 503),
    (e.ConfigError, 500),
)


class ErrorBody(BaseModel):
    """What every error answer of the API looks like."""

    error: str = Field(description="Error class, e.g. InputError, NotFoundError, AuthError.")
    status: int = Field(description="The HTTP status, repeated.")
    message: str = Field(description="Human-readable message naming file, line and field where known.")
    reason: str = Field(description="The reason without location.")
    file: str | None = None
    line: int | None = None
    field: str | None = None
    details: dict[str, Any] | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input (InputError, FormatError, IntegrityError)"},
    401: {"model": ErrorBody, "description": "Not authenticated (AuthError)"},
    403: {"model": ErrorBody, "description": "Not allowed for this role (ForbiddenError)"},
    404: {"model": ErrorBody, "description": "Not found, or belongs to another authority (NotFoundError)"},
    409: {"model": ErrorBody, "description": "Conflicts with the current state (ConflictError)"},
    413: {"model": ErrorBody, "description": "Input too large (TooLargeError)"},
    429: {"model": ErrorBody, "description": "Too many failed sign-ins (ThrottledError)"},
    422: {"model": ErrorBody, "description": "Invalid request (InputError) or refused by policy (PolicyError)"},
    503: {"model": ErrorBody, "description": "Storage unavailable (StorageError)"},
}


def status_of(exc: e.TriplineError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def error_body(exc: e.TriplineError, status: int | None = None) -> dict[str, Any]:
    """The error's JSON; a server-side path is cut to its file name (no server layout leaks)."""
    if exc.file is not None and PurePath(exc.file).is_absolute():
        exc.file = PurePath(exc.file).name
    body = exc.to_dict()
    body["status"] = status if status is not None else status_of(exc)
    return body


def _json(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=int(body["status"]), headers=headers)


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(("/api/", "/match", "/healthz")) and "text/html" in request.headers.get("accept", "")


async def _on_tripline_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.TriplineError)
    status = status_of(exc)
    if status >= 500:
        log.error("request failed", error=type(exc).__name__, reason=exc.reason)
    html_error = getattr(request.app.state, "html_error", None)
    if html_error is not None and _wants_html(request):  # a console page: the same error as a page
        response: Response = html_error(request, exc)
        return response
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return _json(error_body(exc, status), headers)


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = exc.errors()
    first = problems[0] if problems else {"loc": (), "msg": "invalid request"}
    loc = [str(p) for p in first.get("loc", ())]
    where = loc[0] if loc else None
    field = ".".join(loc[1:]) if len(loc) > 1 else None
    err = e.InputError(str(first.get("msg", "invalid request")), field=field, location=where, problems=len(problems))
    return _json(error_body(err, 422))


_HTTP_NAMES = {404: "NotFoundError", 405: "MethodNotAllowed", 401: "AuthError", 403: "ForbiddenError"}


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    reason = str(exc.detail) if exc.detail else "HTTP error"
    body = {"error": _HTTP_NAMES.get(exc.status_code, "HTTPError"), "status": exc.status_code}
    body |= {"message": reason, "reason": reason}
    return _json(body, dict(exc.headers) if exc.headers else None)


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", error=type(exc).__name__)
    body = {"error": "InternalError", "status": 500, "message": "internal error", "reason": "internal error"}
    return _json(body)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(e.TriplineError, _on_tripline_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
