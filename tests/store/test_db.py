from __future__ import annotations

import pytest
from sqlalchemy import text

from tripline.errors import StorageError
from tripline.store.db import Database
from tripline.store.migrate import applied_revisions, script_heads


def test_upgrade_reaches_every_head(any_db: Database) -> None:
    heads = script_heads(any_db.engine)
    assert heads, "no migrations found"
    assert heads <= applied_revisions(any_db.engine)


def test_sqlite_runs_in_wal_mode(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_transaction_rolls_back_on_error(any_db: Database) -> None:
    with any_db.transaction() as s:
        s.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
    with pytest.raises(StorageError), any_db.transaction() as s:
        s.execute(text("INSERT INTO probe (id) VALUES (1)"))
        s.execute(text("INSERT INTO probe (id) VALUES (1)"))  # duplicate key
    with any_db.transaction() as s:
        assert s.execute(text("SELECT count(*) FROM probe")).scalar() == 0
