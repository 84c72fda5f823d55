"""What every HTTP edge needs from a request: who calls (authentication and authorisation as
FastAPI dependencies), the process's runtime, database and workspace, the caller's own exchange
node, and an upload stored without reading past its limit. The API routers (``tripline.api``)
and the console pages (``tripline.web``) both take them from here; neither imports the other.

Two ways in: an API token (``Authorization: Bearer tl_...``; ``ApiKey tl_...`` is accepted too,
the scheme yente clients send), or a browser session cookie. A cookie-authenticated request
that changes state must carry the session's CSRF token (header ``X-CSRF-Token`` or form field
``csrf_token``): the cookie alone never suffices (synchroniser-token pattern).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog
from fastapi import Depends, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from tripline.auth.roles import Permission
from tripline.auth.service import Principal, authenticate_token, session_principal
from tripline.cases.workspace import ManifestInfo, Workspace
from tripline.errors import AuthError, ForbiddenError
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database

if TYPE_CHECKING:
    from tripline.exchange.service import Node

log = structlog.get_logger(__name__)

SESSION_COOKIE = "tripline_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(auto_error=False, description="API token from `tripline users token`.")
cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Browser session (console).")


@dataclass(frozen=True)
class Caller:
    principal: Principal
    csrf_token: str | None  # set for browser sessions


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_runtime(request: Request) -> Runtime:
    """The process's shared screener, classifier and exchange node."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_workspace(request: Request) -> Workspace:
    """The process's manifest workspace (its queues are cached per manifest file version)."""
    workspace: Workspace = request.app.state.workspace
    return workspace


def own_node(runtime: Runtime, principal: Principal) -> Node:
    """The runtime's exchange node, when it is the caller's authority's; else :class:`ForbiddenError`."""
    node = runtime.node()
    if node.node_id.casefold() != principal.authority_code.casefold():
        raise ForbiddenError(
            f"this node's exchange belongs to authority {node.node_id!r}, not {principal.authority_code!r}",
            field="authority",
        )
    return node


def read_upload(ws: Workspace, file: UploadFile, scans: UploadFile | None) -> tuple[bytes, bytes | None]:
    """An uploaded manifest (and scans), read without reading past the size limit."""
    limit = ws.settings.console_max_upload_mb * 1024 * 1024 + 1
    data = file.file.read(limit)
    scan_data = scans.file.read(limit) if scans is not None and scans.filename else None
    return data, scan_data


def store_upload(ws: Workspace, principal: Principal, file: UploadFile, scans: UploadFile | None) -> ManifestInfo:
    """Read an uploaded manifest (and scans) without reading past the size limit, and store it."""
    data, scan_data = read_upload(ws, file, scans)
    return ws.add(principal, file.filename or "manifest", data, scans=scan_data)


def _token_from_header(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() not in ("bearer", "apikey") or not value.strip():
        raise AuthError("Authorization header must be 'Bearer <token>'", field="authorization")
    return value.strip()


async def _csrf_from_request(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def get_caller(
    request: Request,
    _bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
    session_cookie: str | None = Depends(cookie_scheme),
) -> Caller:
    """Who is calling; raises :class:`AuthError` when nobody is."""
    db = get_db(request)
    token = _token_from_header(request)
    if token is not None:
        return Caller(await run_in_threadpool(authenticate_token, db, token), None)
    if session_cookie:
        principal, csrf = await run_in_threadpool(session_principal, db, session_cookie)
        if request.method not in SAFE_METHODS:
            sent = await _csrf_from_request(request)
            if not sent or not secrets.compare_digest(sent, csrf):
                log.warning("security: CSRF token missing or wrong", username=principal.username, path=request.url.path)
                raise ForbiddenError("CSRF token missing or wrong", field=CSRF_FIELD)
        return Caller(principal, csrf)
    raise AuthError("authentication required: send an API token or sign in", field="authorization")


def client_address(request: Request) -> str:
    """The peer address (what sign-in throttling counts per address)."""
    return request.client.host if request.client is not None else ""


def _settled(principal: Principal) -> Principal:
    """Refuse a user still on a one-time password everywhere but the password change itself."""
    if principal.must_change_password:
        raise ForbiddenError(
            "change your one-time password first (POST /api/me/password or /account/password)", field="password"
        )
    return principal


def require(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """A dependency giving the caller's principal, refusing callers without ``permission``."""

    async def dependency(caller: Caller = Depends(get_caller)) -> Principal:
        _settled(caller.principal).require(permission)
        return caller.principal

    dependency.__name__ = f"require_{permission.value}"
    return dependency


async def any_user(caller: Caller = Depends(get_caller)) -> Principal:
    return _settled(caller.principal)


async def pending_user(caller: Caller = Depends(get_caller)) -> Principal:
    """Any signed-in user, also one who still has to change a one-time password."""
    return caller.principal
