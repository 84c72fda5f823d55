"""Shared fixtures: settings in a temporary folder, and databases (SQLite and PostgreSQL).

PostgreSQL tests use ``TRIPLINE_TEST_POSTGRES_URL`` (set by ``scripts/with-postgres.sh``,
which ``make test`` uses); each test gets a fresh database. Without it they skip, except
under ``CI=true``, where a missing PostgreSQL is a failure.

Hypothesis runs under one of two profiles: ``dev`` (a generous 2 s deadline per example: the
machine may be busy) and ``ci`` (no deadline, no too-slow health check, failing examples
printed for reproduction), chosen by ``HYPOTHESIS_PROFILE`` or else by ``CI=true``. Speed is
measured in ``bench/``, never by a test's deadline.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tripline.settings import REPO_DIR, Settings
from tripline.store.db import Database

hypothesis_settings.register_profile("dev", deadline=2000)
hypothesis_settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True, derandomize=False
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI", "").lower() in ("1", "true") else "dev")
)

SHARED_DATA = REPO_DIR.parent / "shared" / "data"
BUNDLED_DATA = REPO_DIR / "data"
SCREENSHOTS = REPO_DIR / "test-artifacts"


def pytest_configure(config: pytest.Config) -> None:
    """Empty the screenshot folder once per run, in the controlling process only: each xdist
    worker's console fixture used to empty it, deleting the other worker's screenshots."""
    if not hasattr(config, "workerinput") and SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (for servers the tests start)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", database_url=None, data_dir=BUNDLED_DATA)


@pytest.fixture(autouse=True)
def _logging_config_restored() -> Iterator[None]:
    """Each test starts from the logging configuration the session had: a test that runs a command
    calls ``configure_logging`` (a WARNING filter on every structlog logger and on the root logger),
    which otherwise hid later tests' info events from ``structlog.testing.capture_logs``."""
    import logging

    import structlog

    saved = structlog.get_config()
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    structlog.configure(**saved)
    root.setLevel(level)
    root.handlers[:] = handlers


def _postgres_admin_url() -> str | None:
    url = os.environ.get("TRIPLINE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but TRIPLINE_TEST_POSTGRES_URL is not set: PostgreSQL must be tested")
        pytest.skip("PostgreSQL not available (run through scripts/with-postgres.sh)")
    return url


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped on exit (skips, or fails under CI,
    without PostgreSQL)."""
    admin = _postgres_admin_url()
    assert admin is not None
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped after the test."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    """A migrated SQLite database in a temporary folder."""
    database = Database.from_settings(settings)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Database]:
    """A migrated database of each kind: the test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        database = Database.from_settings(settings)
    else:
        database = Database.from_url(request.getfixturevalue("postgres_url"))
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The master URL of a Spark standalone cluster on 127.0.0.1 (one per test session; the
    driver binds to 127.0.0.1 too while it runs)."""
    from tests.spark_cluster import standalone_cluster

    previous = os.environ.get("SPARK_LOCAL_IP")
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    try:
        yield from standalone_cluster(tmp_path_factory.mktemp("spark-cluster"), [free_port() for _ in range(4)])
    finally:
        if previous is None:
            os.environ.pop("SPARK_LOCAL_IP", None)
        else:
            os.environ["SPARK_LOCAL_IP"] = previous
