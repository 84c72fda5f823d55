"""Issue 18 items 5 and 6: account and admin changes land in the signed, hash-chained audit log;
an administrator cannot probe other authorities' usernames.

Probed as an attacker would on a node with an exchange identity (so its audit log has a key),
over HTTP on the ASGI app, on SQLite and (service level) on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.api.harness import PASSWORD, Node, make_node
from tests.api.harness import signed_in as signed_in_client
from tests.conftest import BUNDLED_DATA
from tripline.audit import log as audit_log
from tripline.auth.roles import Role
from tripline.auth.service import (
    change_password,
    create_user,
    deactivate_user,
    ensure_first_admin,
    issue_token,
    revoke_token,
    set_role,
)
from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.exchange.service import init_node, key_path
from tripline.settings import Settings
from tripline.signing import keys
from tripline.store.db import Database


def _identity(settings: Settings, db: Database, node_id: str = "jp-node") -> str:
    out = init_node(settings, db, node_id=node_id, name="JP", country="JP", endpoint="", groups=[])
    return str(out["public_key"])


@pytest.fixture(scope="module")
def chained(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, str]]:
    settings = Settings(var_dir=tmp_path_factory.mktemp("node") / "var", database_url=None, data_dir=BUNDLED_DATA)
    db = Database.from_settings(settings)
    db.upgrade()
    node = make_node(settings, db)
    public = _identity(settings, db)
    yield node, public
    db.dispose()


def _kinds(db: Database) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [(e["kind"], e["actor"], e["subject"], e["detail"]) for e in reversed(audit_log.entries(db, limit=1000))]


def test_admin_changes_over_http_are_chained_and_verify(chained: tuple[Node, str]) -> None:
    """Failed before: user, role, token and deactivation changes were only log lines."""
    node, public = chained
    ada = node.client("ada")
    created = ada.post("/api/users", json={"username": "kai", "role": "screening_analyst"})
    assert created.status_code == 201, created.text
    login = created.json()["user"]["username"]
    assert login == "kai@jp-customs"
    role = ada.put(f"/api/users/{login}/role", json={"role": "targeter"})
    assert role.status_code == 200 and role.json()["role"] == "targeter", role.text
    token = ada.post("/api/tokens", json={"label": "probe"})
    assert token.status_code == 201
    tid = max(t["id"] for t in ada.get("/api/tokens").json())
    assert ada.delete(f"/api/tokens/{tid}").status_code == 204
    assert ada.post(f"/api/users/{login}/deactivate").status_code == 204

    chain = _kinds(node.db)
    wanted = [
        ("user.created", "ada", login),
        ("user.role_changed", "ada", login),
        ("token.issued", "ada", "ada"),
        ("token.revoked", "ada", "ada"),
        ("user.deactivated", "ada", login),
    ]
    assert [(k, a, s) for k, a, s, _ in chain if k.startswith(("user.", "token."))] == wanted
    assert {"from": "screening_analyst", "to": "targeter"} in [d for k, _, _, d in chain if k == "user.role_changed"]
    assert all("tl_" not in str(d) or "prefix" in d for _, _, _, d in chain)  # no token secret, only its prefix
    report = audit_log.verify(node.db, public)
    assert report.ok, report.to_dict()


def test_role_changes_are_admin_only_per_authority_and_not_ones_own(chained: tuple[Node, str]) -> None:
    node, _ = chained
    before = len(_kinds(node.db))
    assert node.client("ana").put("/api/users/tom/role", json={"role": "administrator"}).status_code == 403  # not admin
    assert node.client("ada").put("/api/users/bob/role", json={"role": "administrator"}).status_code == 404  # US-CBP's
    assert node.client("ada").put("/api/users/ada/role", json={"role": "screening_analyst"}).status_code == 400  # own
    assert node.client("ada").post("/api/users/ada/deactivate").status_code == 400  # own
    assert len(_kinds(node.db)) == before  # refusals chain nothing
    # the change applies at once: the promoted user can now do what the role allows
    assert node.client("tom").get("/api/users").status_code == 403
    assert node.client("ada").put("/api/users/tom/role", json={"role": "administrator"}).status_code == 200
    assert node.client("tom").get("/api/users").status_code == 200
    assert node.client("ada").put("/api/users/tom/role", json={"role": "targeter"}).status_code == 200


def test_creating_a_user_tells_nothing_about_other_authorities_names(chained: tuple[Node, str]) -> None:
    """Failed before: US-CBP's administrator got 409 for 'ana' (a JP-CUSTOMS user), 201 for a free name."""
    node, _ = chained
    create_user(node.db, "cbp-admin", role=Role.ADMIN, authority="US-CBP", password=PASSWORD)
    node.tokens["cbp-admin"] = issue_token(node.db, "cbp-admin", "tests")
    cbp = node.client("cbp-admin")
    taken_elsewhere = cbp.post("/api/users", json={"username": "ana", "role": "screening_analyst"})
    free = cbp.post("/api/users", json={"username": "nobody-has-this", "role": "screening_analyst"})
    assert taken_elsewhere.status_code == free.status_code == 201, (taken_elsewhere.text, free.text)
    assert taken_elsewhere.json()["user"]["username"] == "ana@us-cbp"
    # within its own authority a duplicate is a 409 (its administrator lists those names anyway)
    again = cbp.post("/api/users", json={"username": "ana", "role": "screening_analyst"})
    assert again.status_code == 409
    # a name in another authority's namespace cannot be made, whatever exists there
    for name in ("ana@jp-customs", "zzz@jp-customs"):
        refused = cbp.post("/api/users", json={"username": name, "role": "screening_analyst"})
        assert refused.status_code == 422, refused.text  # the body takes the name part only
    with pytest.raises(Exception, match="another authority"):
        create_user(node.db, "xx@jp-customs", role=Role.ANALYST, authority="US-CBP")
    # the JP-CUSTOMS 'ana' is untouched and the US-CBP one signs in under its own name
    assert node.client("ana").get("/api/me").json()["authority"] == "JP-CUSTOMS"


def test_cli_role_change_is_chained(chained: tuple[Node, str]) -> None:
    node, public = chained
    obj = AppContext(settings=node.settings)
    result = CliRunner().invoke(build_app(), ["users", "role", "eve", "screening_analyst"], obj=obj)
    assert result.exit_code == 0, result.output
    change = {"from": "exchange_officer", "to": "screening_analyst"}
    assert ("user.role_changed", "cli", "eve", change) in _kinds(node.db)
    bad = CliRunner().invoke(build_app(), ["users", "role", "eve", "emperor"], obj=AppContext(settings=node.settings))
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert audit_log.verify(node.db, public).ok
    set_role(node.db, "eve", Role.EXCHANGE_OFFICER, authority=None)


def test_service_chains_account_changes_in_the_same_transaction(any_db: Database, settings: Settings) -> None:
    """SQLite and PostgreSQL: each change and its audit entry commit together; a refused change
    chains nothing; without a node key nothing is chained (and nothing fails)."""
    create_user(any_db, "plain", role=Role.ANALYST, authority="JP-CUSTOMS", password=PASSWORD)  # no key yet
    assert audit_log.entries(any_db) == []
    public = _identity(settings, any_db)
    key = keys.load("jp-node", key_path(settings))
    create_user(any_db, "lee", role=Role.ANALYST, authority="JP-CUSTOMS", password=PASSWORD, audit_key=key)
    token = issue_token(any_db, "lee", "t", audit_key=key)
    assert token.startswith("tl_")
    (tid,) = [e["detail"]["token"] for e in audit_log.entries(any_db) if e["kind"] == "token.issued"]
    revoke_token(any_db, "lee", tid, audit_key=key)
    set_role(any_db, "lee", Role.TARGETER, authority="JP-CUSTOMS", audit_key=key, actor="root")
    with pytest.raises(Exception, match="no user"):
        set_role(any_db, "lee", Role.ADMIN, authority="US-CBP", audit_key=key, actor="root")
    change_password(any_db, "lee", PASSWORD, "Quartz orbit 7 lantern", audit_key=key)
    deactivate_user(any_db, "lee", authority="JP-CUSTOMS", audit_key=key, actor="root")
    kinds = [e["kind"] for e in reversed(audit_log.entries(any_db))]
    assert kinds == [
        "node.init",
        "user.created",
        "token.issued",
        "token.revoked",
        "user.role_changed",
        "user.password_changed",
        "user.deactivated",
    ]
    assert all(token not in str(e) for e in audit_log.entries(any_db))
    assert audit_log.verify(any_db, public).ok


def test_failed_sign_ins_bad_tokens_and_csrf_failures_are_logged_at_warning(chained: tuple[Node, str]) -> None:
    """Issue 18 item 6: at the default level, each probe leaves a WARNING naming what was refused."""
    import re

    from structlog.testing import capture_logs

    node, _ = chained
    with capture_logs() as events:
        client = node.client()
        form = client.get("/signin")
        token = re.search(r'name="signin_token" value="([^"]+)"', form.text)
        assert token is not None
        client.post(
            "/signin",
            data={"username": "ana", "password": "a wrong guess!!", "signin_token": token.group(1), "next": "/"},
        )
        bad = node.client()
        bad.headers["Authorization"] = "Bearer tl_forged-token-value"
        assert bad.get("/api/me").status_code == 401
        signed_in, _csrf = signed_in_client(node, "ana")
        assert signed_in.post("/api/screen", json={"name": "LIMMT"}).status_code == 403  # no CSRF token
    text = " ".join(str(e["event"]) for e in events if e["log_level"] == "warning")
    for wanted in ("sign-in refused", "API token refused", "CSRF token missing or wrong"):
        assert wanted in text, wanted


def test_first_administrator_is_chained(any_db: Database, settings: Settings) -> None:
    """Failed before: the first administrator (made by `bootstrap`) was logged, not chained.
    SQLite and PostgreSQL."""
    public = _identity(settings, any_db)
    key = keys.load("jp-node", key_path(settings))
    assert ensure_first_admin(any_db, authority="JP-CUSTOMS", username="root", audit_key=key)
    assert ensure_first_admin(any_db, authority="JP-CUSTOMS", username="root2", audit_key=key) is None
    chain = _kinds(any_db)
    assert [(k, a, s) for k, a, s, _ in chain] == [
        ("node.init", "jp-node", "jp-node"),
        ("user.created", "bootstrap", "root"),
    ]
    assert chain[1][3] == {"role": "administrator", "authority": "JP-CUSTOMS"}
    assert audit_log.verify(any_db, public).ok


def test_bootstrap_chains_the_administrator_it_makes(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: `tripline bootstrap` made the administrator with no audit entry. The exchange
    step (which makes the node key) runs as in `make run`; the list, catalogue and demo manifest
    steps are left out (they do not touch accounts)."""
    from tripline import bootstrap

    monkeypatch.setattr(bootstrap, "STEPS", (("exchange situations", bootstrap._exchange),))
    monkeypatch.setattr(bootstrap, "_demo_manifest", lambda *args: "left out")
    report = bootstrap.run_bootstrap(settings, db, admin="admin", say=lambda _: None)
    assert report.admin_password
    created = [(a, s, d) for k, a, s, d in _kinds(db) if k == "user.created"]
    assert created == [("bootstrap", "admin", {"role": "administrator", "authority": "jp-customs"})], created
    key = keys.load("jp-customs", key_path(settings))
    assert audit_log.verify(db, key.public_b64).ok
    again = bootstrap.run_bootstrap(settings, db, admin="admin", say=lambda _: None)  # idempotent: nothing new
    assert again.admin_password is None
    assert len([k for k, *_ in _kinds(db) if k == "user.created"]) == 1
