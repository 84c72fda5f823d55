"""The start-up short cut: a schema at head is recognised without Alembic, anything else is
migrated by Alembic itself (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command

from tripline.settings import Settings
from tripline.store import heads as h
from tripline.store.db import Database
from tripline.store.migrate import alembic_config, is_up_to_date
from tripline.store.migrate import script_heads as alembic_heads


@pytest.fixture(params=["sqlite", "postgresql"])
def blank(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Database]:
    """An empty database of each kind (not migrated)."""
    if request.param == "sqlite":
        database = Database.from_settings(settings)
    else:
        database = Database.from_url(request.getfixturevalue("postgres_url"))
    yield database
    database.dispose()


def test_heads_read_from_the_files_are_alembics(any_db: Database) -> None:
    # the independent reference: Alembic's own script directory
    assert h.script_heads() == frozenset(alembic_heads(any_db.engine))


def test_fresh_database_is_not_at_head_and_is_migrated(blank: Database) -> None:
    assert h.stored_revisions(blank.engine) is None and not h.at_head(blank.engine)
    blank.upgrade()
    assert is_up_to_date(blank.engine) and h.at_head(blank.engine)


def test_a_branch_behind_its_head_is_migrated(any_db: Database) -> None:
    any_db.upgrade()
    command.downgrade(alembic_config(any_db.engine), "audit_0001")
    assert not is_up_to_date(any_db.engine)
    assert not h.at_head(any_db.engine)
    any_db.upgrade()
    assert is_up_to_date(any_db.engine) and h.at_head(any_db.engine)


def test_an_unreadable_script_means_no_short_cut(tmp_path: Path) -> None:
    (tmp_path / "a_0001.py").write_text('revision = "a_0001"\ndown_revision = None\n')
    (tmp_path / "a_0002.py").write_text('revision = "a_0002"\ndown_revision = ("a_0001",)\n')
    assert h.script_heads(tmp_path) == frozenset({"a_0002"})
    (tmp_path / "b_0001.py").write_text("revision = make_id()\n")
    h.script_heads.cache_clear()
    assert h.script_heads(tmp_path) is None


PROBE = """
import sys
from tripline.settings import Settings
from tripline.store.db import Database
db = Database.from_settings(Settings(var_dir=sys.argv[1], database_url=None))
db.upgrade()
print("alembic" in sys.modules)
"""


def test_a_command_on_a_migrated_database_does_not_import_alembic(tmp_path: Path) -> None:
    run = [sys.executable, "-c", PROBE, str(tmp_path)]
    first = subprocess.run(run, capture_output=True, text=True, check=True).stdout.strip()
    second = subprocess.run(run, capture_output=True, text=True, check=True).stdout.strip()
    assert (first, second) == ("True", "False")
