"""Console pages: sign in/out, password change, home; each capability's pages in its own module."""

from __future__ import annotations

import importlib
import secrets
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from tripline.auth.service import change_password, end_session, start_session, verify_login
from tripline.errors import AuthError, TriplineError
from tripline.http.deps import SESSION_COOKIE, client_address, cookie_scheme, get_db
from tripline.http.errors import status_of
from tripline.settings import Settings
from tripline.store.db import Database
from tripline.web.progress import QueueBuilds, UploadJobs, install_warm_up
from tripline.web.render import WEB_DIR, Page, PasswordChangeRequired, SignInRequired, page_pending, render
from tripline.web.render import signin_url as signin_url

SIGNIN_COOKIE = "tripline_signin"  # double-submit token protecting the sign-in form itself
PAGE_MODULES = (
    "tripline.web.home",
    "tripline.web.cases",
    "tripline.web.screening",
    "tripline.web.classify",
    "tripline.web.targeting",
    "tripline.web.exchange",
    "tripline.web.partners",
    "tripline.web.progress",
    "tripline.web.graph",
)


def _safe_next(next_path: str | None) -> str:
    if not next_path or not next_path.startswith("/") or next_path.startswith("//") or "\\" in next_path:
        return "/"
    return next_path


def install_web_handlers(app: FastAPI, settings: Settings) -> None:
    """Static files, sign-in redirects, and HTML error pages for console requests."""
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")

    async def to_signin(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": signin_url(exc.next_path)})
        return RedirectResponse(signin_url(exc.next_path), status_code=303)

    async def to_password(_request: Request, _exc: Exception) -> Response:
        return RedirectResponse("/account/password", status_code=303)

    app.add_exception_handler(SignInRequired, to_signin)
    app.add_exception_handler(PasswordChangeRequired, to_password)
    app.state.html_error = html_error
    app.state.queue_builds = QueueBuilds(app.state.workspace)
    app.state.uploads = UploadJobs(app.state.workspace, app.state.queue_builds)
    install_warm_up(app, app.state.workspace)


def html_error(request: Request, exc: TriplineError) -> HTMLResponse:
    return render(request, "error.html", None, status_code=status_of(exc), error=exc)


def _set_session_cookie(response: Response, settings: Settings, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=settings.console_session_hours * 3600,
        httponly=True,
        secure=settings.console_cookie_secure,
        samesite="lax",
        path="/",
    )


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/signin", response_class=HTMLResponse)
    def signin_form(request: Request, next: str = Query(default="/", max_length=512)) -> Response:
        token = secrets.token_urlsafe(24)
        response = render(request, "signin.html", None, next=_safe_next(next), signin_token=token)
        response.set_cookie(
            SIGNIN_COOKIE, token, httponly=True, secure=settings.console_cookie_secure, samesite="strict", path="/"
        )
        return response

    @router.post("/signin", response_class=HTMLResponse)
    def signin(
        request: Request,
        username: str = Form(max_length=128),
        password: str = Form(max_length=1024),
        signin_token: str = Form(default="", max_length=128),
        next: str = Form(default="/", max_length=512),
        db: Database = Depends(get_db),
    ) -> Response:
        cookie = request.cookies.get(SIGNIN_COOKIE, "")
        if not cookie or not secrets.compare_digest(cookie, signin_token):
            return render(
                request, "signin.html", None, 403, next=_safe_next(next), signin_token=cookie or "",
                error="The sign-in form expired; please try again.",
            )  # fmt: skip
        try:
            principal = verify_login(db, username.strip(), password, address=client_address(request))
        except AuthError as exc:
            return render(
                request, "signin.html", None, 401, next=_safe_next(next), signin_token=cookie, error=exc.reason,
                username=username,
            )  # fmt: skip
        secret, _csrf = start_session(db, principal, timedelta(hours=settings.console_session_hours))
        target = "/account/password" if principal.must_change_password else _safe_next(next)
        response = RedirectResponse(target, status_code=303)
        _set_session_cookie(response, settings, secret)
        response.delete_cookie(SIGNIN_COOKIE, path="/")
        return response

    @router.post("/signout")
    async def signout(
        request: Request, pg: Page = Depends(page_pending), session_cookie: str | None = Depends(cookie_scheme)
    ) -> Response:
        if session_cookie:
            await run_in_threadpool(end_session, get_db(request), session_cookie)
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @router.get("/account/password", response_class=HTMLResponse)
    def password_form(request: Request, pg: Page = Depends(page_pending)) -> Response:
        return render(request, "password.html", pg)

    @router.post("/account/password", response_class=HTMLResponse)
    def password_change(
        request: Request,
        old_password: str = Form(max_length=1024),
        new_password: str = Form(max_length=1024),
        pg: Page = Depends(page_pending),
        db: Database = Depends(get_db),
        session_cookie: str | None = Depends(cookie_scheme),
    ) -> Response:
        try:
            change_password(
                db,
                pg.principal.username,
                old_password,
                new_password,
                keep_session=session_cookie,
                address=client_address(request),
                audit_key=request.app.state.runtime.audit_key(),
            )
        except TriplineError as exc:
            return render(request, "password.html", pg, status_of(exc), error=exc.reason)
        return RedirectResponse("/", status_code=303)

    for name in PAGE_MODULES:
        module: Any = importlib.import_module(name)
        router.include_router(module.build_router(settings))
    return router
