"""Catch-all end users from the loaded watch lists: the end user named in a classification query
is screened (the screening capability's :class:`~tripline.screening.screener.Screener`), and a
strong match on an export-control or proliferation designation (``data/end_user_lists.yaml``)
triggers the catch-all, with the match explained (list, entry, score, matched name, why)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field

from tripline.controls.specfile import load_spec

if TYPE_CHECKING:
    from tripline.lists.model import ListedEntity
    from tripline.screening.screener import Screener

END_USER_LISTS_FILE = Path(__file__).with_name("data") / "end_user_lists.yaml"
MATCH_THRESHOLD = 0.9  # a screening score this strong names the same party


@dataclass(frozen=True)
class EndUserHit:
    list: str
    entry_id: str
    caption: str
    score: float
    matched_name: str
    basis: str
    proliferation: bool
    explanation: tuple[str, ...]

    def reason(self) -> str:
        why = "; ".join(self.explanation[:2])
        return (
            f"end user matches {self.caption!r} on {self.list} (entry {self.entry_id}, score {self.score:.2f},"
            f" name {self.matched_name!r}{': ' + why if why else ''}): {self.basis}"
        )


class EndUserScreen(Protocol):
    """Who the end user is on the loaded watch lists (None: no lists to screen against)."""

    def designated(self, name: str) -> list[EndUserHit] | None: ...


class DesignationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    program: str
    basis: str = Field(min_length=10)
    programme: str | None = None


class DesignationsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    designations: list[DesignationSpec] = Field(min_length=1)


def load_designations(path: Path = END_USER_LISTS_FILE) -> DesignationsSpec:
    return load_spec(path, DesignationsSpec, "designations")


def designation_of(spec: DesignationsSpec, programs: list[str]) -> DesignationSpec | None:
    """The first designation any of the entry's programmes matches."""
    for d in spec.designations:
        rx = re.compile(d.program, re.IGNORECASE)
        if any(rx.search(p) for p in programs):
            return d
    return None


class WatchListEndUsers:
    """:class:`EndUserScreen` over a screener (got lazily: only queries that name an end user pay
    for the index) and a look-up of a matched entry's programmes."""

    def __init__(
        self,
        screener: Callable[[], Screener],
        entity: Callable[[str, str], ListedEntity | None],
        spec: DesignationsSpec | None = None,
        threshold: float = MATCH_THRESHOLD,
    ) -> None:
        self._screener = screener
        self._entity = entity
        self.spec = spec or load_designations()
        self.threshold = threshold

    def designated(self, name: str) -> list[EndUserHit] | None:
        from tripline.errors import NotFoundError
        from tripline.screening.result import ScreeningQuery

        try:
            screener = self._screener()
        except NotFoundError:
            return None  # no lists loaded
        result = screener.screen(ScreeningQuery.build(name, field_prefix="end_user."), threshold=self.threshold)
        hits = []
        for m in result.matches:
            entity = self._entity(m.entity_id, m.list)
            programs = list(entity.properties.get("program", [])) if entity is not None else []
            d = designation_of(self.spec, programs)
            if d is None:
                continue
            hits.append(
                EndUserHit(
                    m.list,
                    m.list_entry_id,
                    m.caption,
                    m.score,
                    m.matched_name,
                    d.basis,
                    d.programme == "wmd",
                    tuple(m.explanation),
                )
            )
        return hits
