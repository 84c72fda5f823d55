"""Tables of the watch-list store.

Storage layout (see ``docs/adr/0002-lists-snapshot-storage.md``):

- ``lists_source``: one row per list (id from ``sources.yaml`` or ``--source``).
- ``lists_snapshot``: one row per load that changed something: version number per source,
  publication date, load time, file names with the sha256 of each file's (decompressed)
  content, counts by schema and the parser's report.
- ``lists_entity``: one row per distinct *(source, entity id, content hash)*: an entity
  version. Reloading a list where 10 of 15,000 entries changed adds 10 rows here.
- ``lists_member``: which entity versions a snapshot holds (two integers per row), so every
  snapshot can be read back in full and any two can be diffed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tripline.store.base import Base

ID_LEN = 255


class ListSource(Base):
    __tablename__ = "lists_source"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(64))
    licence: Mapped[str] = mapped_column(Text, default="")
    attribution: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListSnapshot(Base):
    __tablename__ = "lists_snapshot"
    __table_args__ = (
        UniqueConstraint("source_id", "version", name="uq_lists_snapshot_source_version"),
        Index("ix_lists_snapshot_source_content", "source_id", "content_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(String(64), ForeignKey("lists_source.id"))
    version: Mapped[int] = mapped_column(Integer)
    published: Mapped[date | None] = mapped_column(Date, nullable=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    format: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{name, sha256, bytes}]
    content_sha256: Mapped[str] = mapped_column(String(64))  # over the files' sha256, in order
    entity_count: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)  # by schema
    declared_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)  # warnings, unjoined, duplicates


class ListEntityVersion(Base):
    __tablename__ = "lists_entity"
    __table_args__ = (
        UniqueConstraint("source_id", "entity_id", "content_sha256", name="uq_lists_entity_version"),
        Index("ix_lists_entity_entity_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(String(64), ForeignKey("lists_source.id"))
    entity_id: Mapped[str] = mapped_column(String(ID_LEN))
    content_sha256: Mapped[str] = mapped_column(String(64))
    schema: Mapped[str] = mapped_column(String(64))
    caption: Mapped[str] = mapped_column(Text)
    properties: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    entry_id: Mapped[str] = mapped_column(String(ID_LEN))
    programs: Mapped[list[str]] = mapped_column(JSON)
    section: Mapped[str | None] = mapped_column(String(128), nullable=True)  # CSL sub-list, EU act, ...
    first_snapshot_id: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListMember(Base):
    __tablename__ = "lists_member"
    __table_args__ = (Index("ix_lists_member_entity", "entity_row_id"),)

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("lists_snapshot.id", ondelete="CASCADE"), primary_key=True)
    entity_row_id: Mapped[int] = mapped_column(ForeignKey("lists_entity.id"), primary_key=True)
