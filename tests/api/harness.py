"""A console node for tests: app, database, two authorities and their users and tokens."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.conftest import BUNDLED_DATA, fresh_postgres_database
from tripline.api.app import create_app
from tripline.auth.roles import Role
from tripline.auth.service import create_user, issue_token
from tripline.lists.model import SourceSpec
from tripline.lists.service import load_files
from tripline.settings import Settings
from tripline.store.db import Database

with warnings.catch_warnings():
    # starlette announces a future move of its test client to httpx2; nothing to do yet
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
BASE_URL = "https://testserver"  # the session cookie is Secure


@dataclass
class Node:
    app: FastAPI
    db: Database
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, username: str | None = None) -> TestClient:
        client = TestClient(self.app, base_url=BASE_URL, raise_server_exceptions=False)
        if username is not None:
            client.headers["Authorization"] = f"Bearer {self.tokens[username]}"
        return client


USERS = (
    ("ana", Role.ANALYST, "JP-CUSTOMS"),
    ("tom", Role.TARGETER, "JP-CUSTOMS"),
    ("eve", Role.EXCHANGE_OFFICER, "JP-CUSTOMS"),
    ("ada", Role.ADMIN, "JP-CUSTOMS"),
    ("bob", Role.ANALYST, "US-CBP"),
)


SDN_SLICE = Path(__file__).resolve().parent / "data" / "sdn_slice"  # made by data/build_sdn_slice.py


def load_sdn_slice(db: Database) -> None:
    """A real slice of the OFAC SDN list (non-proliferation entries, LIMMT, SBIG)."""
    spec = SourceSpec(
        id="us_ofac_sdn",
        title="OFAC SDN (test slice)",
        publisher="US Department of the Treasury, OFAC",
        format="ofac_csv",
        files=(),
        licence="Public domain (17 U.S.C. 105)",
        topics=("sanction",),
    )
    paths = [SDN_SLICE / "sdn.csv", SDN_SLICE / "alt.csv", SDN_SLICE / "add.csv"]
    load_files(db, spec, paths, format_name="ofac_csv")


def make_node(settings: Settings, db: Database) -> Node:
    load_sdn_slice(db)
    node = Node(create_app(settings, db), db, settings)
    for username, role, authority in USERS:
        create_user(db, username, role=role, authority=authority, password=PASSWORD)
        node.tokens[username] = issue_token(db, username, "tests")
    return node


@contextmanager
def open_node(tmp_path_factory: pytest.TempPathFactory, kind: str = "sqlite") -> Iterator[Node]:
    """A node over a fresh migrated database of ``kind`` (``sqlite`` or ``postgresql``)."""
    var_dir = tmp_path_factory.mktemp("node") / "var"
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_postgres_database()) if kind == "postgresql" else None
        settings = Settings(var_dir=var_dir, database_url=url, data_dir=BUNDLED_DATA)
        db = Database.from_settings(settings)
        stack.callback(db.dispose)
        db.upgrade()
        yield make_node(settings, db)


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", marks=pytest.mark.xdist_group("api-sqlite")),
        pytest.param("postgresql", marks=pytest.mark.xdist_group("api-postgresql")),
    ],
)
def node(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """One node per test module and database kind (users cost an argon2 hash each): the API and
    console tests run on SQLite and on PostgreSQL. Tests must not assume it is empty. Each kind's
    tests are one xdist group (``--dist loadgroup``), so a module's node is built by one worker,
    not once by each worker that draws one of its tests."""
    with open_node(tmp_path_factory, request.param) as made:
        yield made


@pytest.fixture(scope="module")
def sqlite_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A node on SQLite only, for modules whose subject is not the database (OpenAPI, fuzzing)."""
    with open_node(tmp_path_factory) as made:
        yield made


def signed_in(node: Node, username: str) -> tuple[TestClient, str]:
    """A browser-like client after signing in through the form; returns it and its CSRF token."""
    import re

    client = node.client()
    form = client.get("/signin")
    token = re.search(r'name="signin_token" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/signin",
        data={"username": username, "password": PASSWORD, "signin_token": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    home = client.get("/")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert csrf is not None
    return client, csrf.group(1)
