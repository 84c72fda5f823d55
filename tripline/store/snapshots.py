"""Versioned snapshots, one helper for every capability that keeps them (watch lists, control
lists): a table with an ``id``, a key column (the list) and a ``version`` 1, 2, ... per key,
unique together. A new version is ``latest + 1``; "current" is the newest version of each key.

Every function runs in the caller's session (its transaction is the caller's).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

Row = TypeVar("Row")


def latest(session: Session, model: type[Row], key: InstrumentedAttribute[Any], value: object) -> Row | None:
    """The newest snapshot of ``model`` whose ``key`` is ``value``, or None."""
    version: InstrumentedAttribute[int] = getattr(model, "version")  # noqa: B009
    return session.scalars(select(model).where(key == value).order_by(version.desc()).limit(1)).first()


def next_version(previous: Any | None) -> int:
    """The version a new snapshot after ``previous`` (None: the first) gets."""
    return int(previous.version) + 1 if previous is not None else 1


def _latest_ids_statement(model: type[Any], key: InstrumentedAttribute[Any]) -> Select[Any]:
    newest = select(key.label("key"), func.max(model.version).label("version")).group_by(key).subquery()
    return select(key, model.id).join(newest, and_(key == newest.c.key, model.version == newest.c.version))


# built once per (table, key): constructing the subquery cost more than running it, and every
# screening request asks for the current lists. Statements are immutable, so sharing is safe.
_LATEST_IDS: dict[tuple[type[Any], str], Select[Any]] = {}


def latest_ids(session: Session, model: type[Any], key: InstrumentedAttribute[Any]) -> dict[Any, int]:
    """The id of the newest snapshot of each key: {key value: snapshot id}."""
    cache_key = (model, key.key)
    statement = _LATEST_IDS.get(cache_key)
    if statement is None:
        statement = _LATEST_IDS[cache_key] = _latest_ids_statement(model, key)
    return {value: snapshot_id for value, snapshot_id in session.execute(statement)}
