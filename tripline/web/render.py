"""Templates, the signed-in caller of a page, and sign-in redirects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tripline import __version__
from tripline.auth.roles import Permission, role_title
from tripline.auth.service import Principal
from tripline.errors import AuthError, ForbiddenError
from tripline.http.deps import Caller, cookie_scheme, get_caller

WEB_DIR = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
templates.env.globals["version"] = __version__
templates.env.globals["role_title"] = role_title

# navigation: (path, label, permission needed)
NAV: tuple[tuple[str, str, Permission], ...] = (
    ("/screen", "Screen", Permission.SCREEN),
    ("/classify", "Classify", Permission.CLASSIFY),
    ("/queue", "Queue", Permission.TARGET),
    ("/partners", "Exchange", Permission.EXCHANGE),
    ("/cases", "Cases", Permission.CASES),
)


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PasswordChangeRequired(Exception):
    pass


@dataclass(frozen=True)
class Page:
    """The caller of a console page: who, and the CSRF token their forms must carry."""

    principal: Principal
    csrf_token: str

    def require(self, permission: Permission) -> None:
        self.principal.require(permission)


async def _page(request: Request, session_cookie: str | None, *, allow_pending: bool) -> Page:
    try:
        caller: Caller = await get_caller(request, None, session_cookie)
    except ForbiddenError:
        raise
    except AuthError as exc:
        raise SignInRequired(request.url.path) from exc
    if caller.csrf_token is None:  # API tokens do not open console pages
        raise SignInRequired(request.url.path)
    if caller.principal.must_change_password and not allow_pending:
        raise PasswordChangeRequired()
    return Page(caller.principal, caller.csrf_token)


async def page(request: Request, session_cookie: str | None = Depends(cookie_scheme)) -> Page:
    return await _page(request, session_cookie, allow_pending=False)


async def page_pending(request: Request, session_cookie: str | None = Depends(cookie_scheme)) -> Page:
    """Like :func:`page`, but also for users who still have to change a one-time password."""
    return await _page(request, session_cookie, allow_pending=True)


def render(request: Request, name: str, pg: Page | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    nav = [(p, label) for p, label, perm in NAV if pg is not None and pg.principal.can(perm)]
    ctx = {"page": pg, "me": pg.principal if pg else None, "csrf": pg.csrf_token if pg else "", "nav": nav}
    ctx |= {"path": request.url.path, **context}
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def signin_url(next_path: str) -> str:
    return "/signin?next=" + quote(next_path, safe="/")
