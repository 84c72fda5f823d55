"""Who am I, users of my authority, API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from tripline.api.deps import any_user, client_address, cookie_scheme, get_db, get_runtime, pending_user, require
from tripline.auth.roles import Permission, Role
from tripline.auth.service import (
    Principal,
    change_password,
    create_user,
    deactivate_user,
    issue_token,
    list_tokens,
    list_users,
    qualified,
    revoke_token,
    set_role,
)
from tripline.jsonbody import ParsedJsonRoute
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database


class Me(BaseModel):
    username: str
    display_name: str
    role: Role
    authority: str
    authority_name: str
    permissions: list[Permission]


class UserOut(BaseModel):
    username: str
    display_name: str
    role: Role
    authority: str
    active: bool
    created_at: datetime


class UserIn(BaseModel):
    username: str = Field(
        min_length=2,
        max_length=64,
        pattern=r"^[a-z0-9][a-z0-9._-]+$",
        description="The name part: the login name is `name@authority` (each authority's names are its own).",
    )
    role: Role
    display_name: str | None = Field(default=None, max_length=256)


class UserCreated(BaseModel):
    user: UserOut
    one_time_password: str = Field(description="Shown once; the user must change it at first sign-in.")


class TokenIn(BaseModel):
    label: str = Field(default="api", min_length=1, max_length=128)
    expires_days: int = Field(default=90, ge=1, le=365, description="Days until the token expires.")


class TokenInfoOut(BaseModel):
    id: int
    prefix: str
    label: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked: bool


class PasswordIn(BaseModel):
    old_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class RoleIn(BaseModel):
    role: Role


class TokenOut(BaseModel):
    token: str = Field(description="Shown once; only its SHA-256 is stored.")


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["users"], route_class=ParsedJsonRoute)

    @router.get("/me", response_model=Me, summary="The signed-in user, role, authority and permissions")
    def me(principal: Principal = Depends(any_user)) -> Me:
        return Me(
            username=principal.username,
            display_name=principal.display_name,
            role=principal.role,
            authority=principal.authority_code,
            authority_name=principal.authority_name,
            permissions=sorted(principal.permissions),
        )

    @router.get("/users", response_model=list[UserOut], summary="Users of my authority (administrators)")
    def users(
        principal: Principal = Depends(require(Permission.ADMIN)), db: Database = Depends(get_db)
    ) -> list[UserOut]:
        return [
            UserOut(
                username=u.username,
                display_name=u.display_name,
                role=u.role,
                authority=u.authority_code,
                active=u.active,
                created_at=u.created_at,
            )
            for u in list_users(db, principal.authority_code)
        ]

    @router.post("/users", response_model=UserCreated, status_code=201, summary="Create a user in my authority")
    def new_user(
        body: UserIn, principal: Principal = Depends(require(Permission.ADMIN)), rt: Runtime = Depends(get_runtime)
    ) -> UserCreated:
        info, password = create_user(
            rt.db,
            qualified(body.username, principal.authority_code),
            role=body.role,
            authority=principal.authority_code,
            display_name=body.display_name,
            audit_key=rt.audit_key(),
            actor=principal.username,
        )
        assert password is not None
        out = UserOut(
            username=info.username,
            display_name=info.display_name,
            role=info.role,
            authority=info.authority_code,
            active=info.active,
            created_at=info.created_at,
        )
        return UserCreated(user=out, one_time_password=password)

    @router.post("/tokens", response_model=TokenOut, status_code=201, summary="Issue an API token for myself")
    def new_token(
        body: TokenIn, principal: Principal = Depends(any_user), rt: Runtime = Depends(get_runtime)
    ) -> TokenOut:
        ttl = timedelta(days=body.expires_days)
        token = issue_token(
            rt.db, principal.username, body.label, ttl, audit_key=rt.audit_key(), actor=principal.username
        )
        return TokenOut(token=token)

    @router.get("/tokens", response_model=list[TokenInfoOut], summary="My API tokens (never the secrets)")
    def tokens(principal: Principal = Depends(any_user), db: Database = Depends(get_db)) -> list[TokenInfoOut]:
        return [TokenInfoOut(**vars(t)) for t in list_tokens(db, principal.username)]

    @router.delete("/tokens/{token_id}", status_code=204, summary="Revoke one of my API tokens")
    def revoke(
        token_id: int = Path(ge=1, le=2**31 - 1),
        principal: Principal = Depends(any_user),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        revoke_token(rt.db, principal.username, token_id, audit_key=rt.audit_key(), actor=principal.username)
        return Response(status_code=204)

    @router.post(
        "/users/{username}/deactivate", status_code=204, summary="Deactivate a user of my authority (administrators)"
    )
    def deactivate(
        username: str = Path(min_length=2, max_length=128),
        principal: Principal = Depends(require(Permission.ADMIN)),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        deactivate_user(
            rt.db, username, authority=principal.authority_code, audit_key=rt.audit_key(), actor=principal.username
        )
        return Response(status_code=204)

    @router.put(
        "/users/{username}/role",
        response_model=UserOut,
        summary="Change the role of a user of my authority (administrators)",
    )
    def change_role(
        body: RoleIn,
        username: str = Path(min_length=2, max_length=128),
        principal: Principal = Depends(require(Permission.ADMIN)),
        rt: Runtime = Depends(get_runtime),
    ) -> UserOut:
        u = set_role(
            rt.db,
            username,
            body.role,
            authority=principal.authority_code,
            audit_key=rt.audit_key(),
            actor=principal.username,
        )
        return UserOut(
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            authority=u.authority_code,
            active=u.active,
            created_at=u.created_at,
        )

    @router.post(
        "/me/password",
        status_code=204,
        summary="Change my password (also with a one-time password); my tokens and other sessions end",
    )
    def password(
        body: PasswordIn,
        request: Request,
        principal: Principal = Depends(pending_user),
        rt: Runtime = Depends(get_runtime),
        session_cookie: str | None = Depends(cookie_scheme),
    ) -> Response:
        change_password(
            rt.db,
            principal.username,
            body.old_password,
            body.new_password,
            keep_session=session_cookie,
            address=client_address(request),
            audit_key=rt.audit_key(),
        )
        return Response(status_code=204)

    return router
