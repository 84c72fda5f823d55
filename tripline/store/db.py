"""Engine and transactional sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tripline.errors import StorageError, TriplineError
from tripline.settings import Settings

log = structlog.get_logger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL mode, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """One database: its engine and a factory for transactional sessions.

    >>> db = Database.from_settings(settings)  # doctest: +SKIP
    >>> with db.transaction() as session:      # doctest: +SKIP
    ...     session.add(obj)
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        url = settings.effective_database_url
        if url.startswith("sqlite:///"):
            settings.ensure_dirs()
        return cls(make_engine(url))

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A plain session (caller manages the transaction); prefer :meth:`transaction`."""
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except TriplineError:
            session.rollback()
            raise
        except SQLAlchemyError as exc:
            session.rollback()
            # The statement and its parameters stay in the server's log, never in the error a client sees.
            log.warning("database error, transaction rolled back", error=type(exc).__name__, detail=str(exc)[:500])
            raise StorageError(f"database error, transaction rolled back ({type(exc).__name__})") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def upgrade(self) -> None:
        """Bring the schema to the newest revision of every capability (Alembic ``heads``).

        When the stored revisions are already the heads of the migration scripts (read from the
        files, see :func:`tripline.store.heads.script_heads`), nothing else is done: Alembic and
        the migration modules are not even imported, which is most of a warm command's start.
        """
        from tripline.store.heads import at_head

        if at_head(self.engine):
            return
        from tripline.store.migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
