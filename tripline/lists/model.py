"""Shared shapes of the watch-list capability.

``formats/`` turns files into :class:`ListEntry` objects; ``store`` keeps them as versioned
snapshots; screening reads them back as :class:`ListedEntity`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy


@dataclass(frozen=True)
class SourceSpec:
    """One watch list as configured in ``sources.yaml``."""

    id: str  # e.g. "us_ofac_sdn"
    title: str
    publisher: str
    format: str  # a key of tripline.lists.formats.FORMATS
    files: tuple[str, ...]  # paths relative to Settings.data_dir
    licence: str
    urls: tuple[str, ...] = ()  # official download addresses (for `lists update`)
    description: str = ""
    licence_id: str = ""  # key of the licence in sources.yaml (``licence`` holds its text)
    attribution: str = ""  # the line to show wherever this list's data is shown or passed on
    topics: tuple[str, ...] = ()  # FollowTheMoney topics every entity of the list gets
    program: str = ""  # programme of entries whose rows name none


@dataclass
class ListEntry:
    """One entry of a list as parsed from its file, as a FollowTheMoney entity."""

    entity: EntityProxy  # id already set, stable across reloads of the same list
    entry_id: str  # the list's own id for the entry (OFAC ent_num, UN DATAID, ...)
    programs: tuple[str, ...] = ()
    section: str | None = None  # sub-list inside the source (CSL source code, EU CELEX act, ...)


@dataclass
class LoadReport:
    """What a parser learned besides the entities: date, declared count, problems."""

    published: date | None = None
    declared_count: int | None = None  # what the file itself says it holds, if it says
    warnings: list[str] = field(default_factory=list)
    unjoined: int = 0  # rows of secondary files (aliases, addresses) with no primary entry
    skipped: int = 0  # entries the file holds but that were not emitted (reasons in ``warnings``)
    merged: int = 0  # rows folded into an entry emitted earlier (same list id given twice)
    rows: int = 0  # primary records read (rows, elements, numbered items)


@dataclass(frozen=True)
class ListedEntity:
    """An entity as stored in the current snapshot of its list (what screening indexes)."""

    entity_id: str
    source_id: str
    entry_id: str
    schema: str
    caption: str
    properties: dict[str, list[str]]
    snapshot_id: int
    changed_at: datetime | None = None

    def to_proxy(self) -> EntityProxy:
        from followthemoney import model

        data: dict[str, Any] = {"id": self.entity_id, "schema": self.schema, "properties": self.properties}
        return model.get_proxy(data)
