"""Issue 18 items 5 and 6: accounts have a lifecycle, sign-ins are throttled, security events logged.

Service-level tests run on a fresh SQLite database; the API tests on the shared console node.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.harness import PASSWORD, Node
from tripline.auth import policy
from tripline.auth.roles import Role
from tripline.auth.service import (
    authenticate_token,
    change_password,
    create_user,
    deactivate_user,
    issue_token,
    list_tokens,
    revoke_token,
    session_principal,
    start_session,
    verify_login,
)
from tripline.errors import AuthError, InputError, ThrottledError
from tripline.store.db import Database

STRONG = "Tripline lifecycle test 2026!"


def _sign_in(node: Node, username: str, password: str) -> tuple[TestClient, Any]:
    client = node.client()
    form = client.get("/signin")
    token = re.search(r'name="signin_token" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/signin",
        data={"username": username, "password": password, "signin_token": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    return client, answer


def _csrf(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, page.text[:300]
    return found.group(1)


def test_one_time_password_blocks_the_api_but_the_change_itself(node: Node) -> None:
    """Failed before: a user on a one-time password used the REST API by cookie and minted a token."""
    _, one_time = create_user(node.db, "otp-user", role=Role.ANALYST, authority="JP-CUSTOMS")
    assert one_time is not None
    client, answer = _sign_in(node, "otp-user", one_time)
    assert answer.status_code == 303 and answer.headers["location"] == "/account/password"
    csrf = _csrf(client, "/account/password")
    for method, path, body in [
        ("GET", "/api/me", None),
        ("POST", "/api/tokens", {"label": "permanent"}),
        ("POST", "/api/screen", {"name": "LIMMT"}),
        ("GET", "/api/cases", None),
    ]:
        got = client.request(method, path, json=body, headers={"X-CSRF-Token": csrf})
        assert got.status_code == 403, (path, got.status_code, got.text[:200])
        assert got.json()["field"] == "password"
    changed = client.post(
        "/api/me/password",
        json={"old_password": one_time, "new_password": STRONG},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 204, changed.text
    assert client.get("/api/me").status_code == 200  # the same session goes on


def test_password_policy_refuses_common_and_username_passwords(db: Database) -> None:
    """Failed before: only a 12-character minimum."""
    common = sorted(p for p in policy.common_passwords() if len(p) >= 12)[:3]
    assert common, "the shipped list has long entries"
    for password in common:
        with pytest.raises(InputError, match="common"):
            create_user(db, "pol-user", role=Role.ANALYST, authority="JP-CUSTOMS", password=password.upper())
    with pytest.raises(InputError, match="username"):
        create_user(db, "pol-user", role=Role.ANALYST, authority="JP-CUSTOMS", password="my pol-user password")
    create_user(db, "pol-user", role=Role.ANALYST, authority="JP-CUSTOMS", password=STRONG)


def test_tokens_expire_and_can_be_listed_and_revoked(db: Database) -> None:
    """Failed before: tokens never expired and none could be revoked or listed."""
    create_user(db, "tok-user", role=Role.ANALYST, authority="JP-CUSTOMS", password=STRONG)
    live = issue_token(db, "tok-user", "live")
    dead = issue_token(db, "tok-user", "short", ttl=timedelta(seconds=-1))
    assert authenticate_token(db, live).username == "tok-user"
    with pytest.raises(AuthError, match="expired"):
        authenticate_token(db, dead)
    listed = list_tokens(db, "tok-user")
    assert [t.label for t in listed] == ["live", "short"] and all(t.expires_at for t in listed)
    assert not any(live in str(vars(t)) for t in listed)  # never the secret
    revoke_token(db, "tok-user", listed[0].id)
    with pytest.raises(AuthError):
        authenticate_token(db, live)


def test_password_change_ends_tokens_and_other_sessions(db: Database) -> None:
    """Failed before: other sessions and tokens kept working after a password change."""
    create_user(db, "chg-user", role=Role.ANALYST, authority="JP-CUSTOMS", password=STRONG)
    principal = verify_login(db, "chg-user", STRONG)
    token = issue_token(db, "chg-user")
    mine, _ = start_session(db, principal, timedelta(hours=1))
    other, _ = start_session(db, principal, timedelta(hours=1))
    change_password(db, "chg-user", STRONG, STRONG + " changed", keep_session=mine)
    assert session_principal(db, mine)[0].username == "chg-user"
    with pytest.raises(AuthError):
        session_principal(db, other)
    with pytest.raises(AuthError):
        authenticate_token(db, token)


def test_deactivated_user_loses_sign_in_sessions_and_tokens(db: Database) -> None:
    """Failed before: no user could be deactivated."""
    create_user(db, "off-user", role=Role.ANALYST, authority="JP-CUSTOMS", password=STRONG)
    principal = verify_login(db, "off-user", STRONG)
    token = issue_token(db, "off-user")
    cookie, _ = start_session(db, principal, timedelta(hours=1))
    with pytest.raises(Exception, match="no user"):  # another authority's admin cannot reach the user
        deactivate_user(db, "off-user", authority="US-CBP")
    deactivate_user(db, "off-user", authority="JP-CUSTOMS")
    for attempt in (
        lambda: verify_login(db, "off-user", STRONG),
        lambda: authenticate_token(db, token),
        lambda: session_principal(db, cookie),
    ):
        with pytest.raises(AuthError):
            attempt()


def test_sign_in_is_throttled_per_user_and_per_address(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    """Failed before: 50 wrong passwords, then the right one, signed in; nothing was logged."""
    create_user(db, "thr-user", role=Role.ANALYST, authority="JP-CUSTOMS", password=STRONG)
    for _ in range(policy.MAX_FAILURES_PER_USER):
        with pytest.raises(AuthError) as err:
            verify_login(db, "thr-user", "wrong password!!", address="192.0.2.1")
        assert not isinstance(err.value, ThrottledError)
    with pytest.raises(ThrottledError):  # the right password, too late
        verify_login(db, "thr-user", STRONG, address="192.0.2.9")
    create_user(db, "thr-other", role=Role.ANALYST, authority="JP-CUSTOMS", password=STRONG)
    for i in range(policy.MAX_FAILURES_PER_ADDRESS - policy.MAX_FAILURES_PER_USER):
        with pytest.raises(AuthError):
            verify_login(db, f"nobody-{i}", "wrong password!!", address="192.0.2.1")
    with pytest.raises(ThrottledError):  # the address is spent, whichever user it tries
        verify_login(db, "thr-other", STRONG, address="192.0.2.1")
    assert verify_login(db, "thr-other", STRONG, address="198.51.100.7").username == "thr-other"


def test_api_token_revocation_listing_and_deactivation_over_http(node: Node) -> None:
    create_user(node.db, "api-life", role=Role.ANALYST, authority="JP-CUSTOMS", password=PASSWORD + " x")
    node.tokens["api-life"] = issue_token(node.db, "api-life")
    me = node.client("api-life")
    made = me.post("/api/tokens", json={"label": "ci", "expires_days": 7})
    assert made.status_code == 201
    listed = me.get("/api/tokens").json()
    assert [t["label"] for t in listed] == ["api", "ci"] and made.json()["token"] not in str(listed)
    assert me.delete(f"/api/tokens/{listed[1]['id']}").status_code == 204
    assert node.client().get("/api/me", headers={"Authorization": f"Bearer {made.json()['token']}"}).status_code == 401
    assert node.client("bob").post("/api/users/api-life/deactivate").status_code == 403  # not an admin
    assert node.client("ada").post("/api/users/api-life/deactivate").status_code == 204
    assert me.get("/api/me").status_code == 401
