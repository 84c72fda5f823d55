from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from tripline.auth.models import ApiToken, BrowserSession, User
from tripline.auth.roles import Permission, Role, load_roles, permissions_of
from tripline.auth.service import (
    authenticate_token,
    change_password,
    create_user,
    ensure_first_admin,
    issue_token,
    session_principal,
    start_session,
    verify_login,
)
from tripline.errors import AuthError, ConfigError, ConflictError, ForbiddenError, InputError
from tripline.store.db import Database

PW = "a long enough password"


def test_token_is_hashed_at_rest_and_authenticates(any_db: Database) -> None:
    create_user(any_db, "ana", role=Role.ANALYST, authority="JP-CUSTOMS", password=PW)
    token = issue_token(any_db, "ana", "ci")
    principal = authenticate_token(any_db, token)
    assert (principal.username, principal.authority_code, principal.role) == ("ana", "JP-CUSTOMS", Role.ANALYST)
    with any_db.transaction() as s:
        row = s.scalars(select(ApiToken)).one()
        assert token not in row.token_hash and row.token_hash != token
        dump = " ".join(str(v) for v in s.execute(text("SELECT * FROM auth_token")).one())
        assert token not in dump
        row.revoked = True
    with pytest.raises(AuthError):
        authenticate_token(any_db, token)


def test_password_is_argon2_and_checked(any_db: Database) -> None:
    create_user(any_db, "ana", role=Role.ANALYST, authority="JP-CUSTOMS", password=PW)
    with any_db.transaction() as s:
        assert s.scalars(select(User.password_hash)).one().startswith("$argon2id$")
    assert verify_login(any_db, "ana", PW).username == "ana"
    with pytest.raises(AuthError) as wrong:
        verify_login(any_db, "ana", PW + "x")
    with pytest.raises(AuthError) as nobody:
        verify_login(any_db, "nobody", PW)
    assert wrong.value.reason == nobody.value.reason  # no hint which part was wrong


def test_duplicate_user_and_bad_names(db: Database) -> None:
    create_user(db, "ana", role=Role.ANALYST, authority="JP-CUSTOMS", password=PW)
    with pytest.raises(ConflictError):
        create_user(db, "ana", role=Role.ADMIN, authority="JP-CUSTOMS", password=PW)
    with pytest.raises(InputError) as bad:
        create_user(db, "Bad Name", role=Role.ADMIN, authority="JP-CUSTOMS", password=PW)
    assert bad.value.field == "username"
    with pytest.raises(InputError) as short:
        create_user(db, "short", role=Role.ADMIN, authority="JP-CUSTOMS", password="x")
    assert short.value.field == "password"


def test_first_admin_once_with_one_time_password(db: Database) -> None:
    password = ensure_first_admin(db, authority="local")
    assert password is not None and len(password) >= 12
    assert ensure_first_admin(db, authority="local") is None
    principal = verify_login(db, "admin", password)
    assert principal.role is Role.ADMIN and principal.must_change_password
    change_password(db, "admin", password, "my own new password")
    assert not verify_login(db, "admin", "my own new password").must_change_password
    with pytest.raises(AuthError):
        verify_login(db, "admin", password)


def test_sessions_expire(db: Database) -> None:
    create_user(db, "ana", role=Role.ANALYST, authority="JP-CUSTOMS", password=PW)
    principal = verify_login(db, "ana", PW)
    secret, csrf = start_session(db, principal, timedelta(hours=1))
    assert session_principal(db, secret) == (principal, csrf)
    with db.transaction() as s:
        assert s.scalars(select(BrowserSession.session_hash)).one() != secret
    expired, _ = start_session(db, principal, timedelta(seconds=-1))
    with pytest.raises(AuthError):
        session_principal(db, expired)


def test_roles() -> None:
    assert Permission.ADMIN in permissions_of(Role.ADMIN)
    assert Permission.ADMIN not in permissions_of(Role.ANALYST)
    assert Permission.EXCHANGE not in permissions_of(Role.ANALYST)
    assert Permission.SCREEN not in permissions_of(Role.EXCHANGE_OFFICER)
    for role in Role:
        assert Permission.CASES in permissions_of(role)


def test_principal_require(db: Database) -> None:
    create_user(db, "eve", role=Role.EXCHANGE_OFFICER, authority="JP-CUSTOMS", password=PW)
    eve = verify_login(db, "eve", PW)
    eve.require(Permission.EXCHANGE)
    with pytest.raises(ForbiddenError):
        eve.require(Permission.SCREEN)


def test_role_table_errors_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "roles.yaml"
    bad.write_text("roles:\n  targeter:\n    title: T\n    permissions: [fly]\n")
    with pytest.raises(ConfigError) as exc:
        load_roles(bad)
    assert exc.value.field is not None and "permissions" in exc.value.field
    missing = tmp_path / "few.yaml"
    missing.write_text("roles:\n  targeter:\n    title: T\n    permissions: [target]\n")
    with pytest.raises(ConfigError, match="administrator"):
        load_roles(missing)


@settings(max_examples=50, deadline=None)
@given(st.one_of(st.text(min_size=0, max_size=80), st.from_regex(r"[a-z0-9][a-z0-9._-]{1,70}\n?", fullmatch=True)))
def test_username_rule(name: str) -> None:
    from tripline.auth.service import USERNAME_RE

    ok = USERNAME_RE.fullmatch(name) is not None
    expected = (
        2 <= len(name) <= 64
        and name[0] in "abcdefghijklmnopqrstuvwxyz0123456789"
        and all(c in "abcdefghijklmnopqrstuvwxyz0123456789._-" for c in name)
    )
    assert ok == expected
