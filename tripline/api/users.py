"""Who am I, users of my authority, API tokens."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from tripline.api.deps import any_user, get_db, require
from tripline.auth.roles import Permission, Role
from tripline.auth.service import Principal, create_user, issue_token, list_users
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
    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]+$")
    role: Role
    display_name: str | None = Field(default=None, max_length=256)


class UserCreated(BaseModel):
    user: UserOut
    one_time_password: str = Field(description="Shown once; the user must change it at first sign-in.")


class TokenIn(BaseModel):
    label: str = Field(default="api", min_length=1, max_length=128)


class TokenOut(BaseModel):
    token: str = Field(description="Shown once; only its SHA-256 is stored.")


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["users"])

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
        body: UserIn, principal: Principal = Depends(require(Permission.ADMIN)), db: Database = Depends(get_db)
    ) -> UserCreated:
        info, password = create_user(
            db, body.username, role=body.role, authority=principal.authority_code, display_name=body.display_name
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
    def new_token(body: TokenIn, principal: Principal = Depends(any_user), db: Database = Depends(get_db)) -> TokenOut:
        return TokenOut(token=issue_token(db, principal.username, body.label))

    return router
