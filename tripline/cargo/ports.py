"""What targeting needs from the other capabilities, as narrow Protocols.

The real implementations are adapters over [screening], [controls] and [radiation]
(:mod:`tripline.cargo.adapters`); unit tests of the ranking use stand-ins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tripline.settings import Settings


@dataclass(frozen=True, slots=True)
class PartyHit:
    """A watch-list entry a party name matched."""

    list_name: str  # the name on the list
    source: str  # the list, e.g. "us_ofac_sdn"
    score: float  # 0..1
    entity_id: str = ""
    programs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GoodsMatch:
    """A control-list entry a goods line matched."""

    entry: str  # e.g. "2B009"
    title: str
    regimes: tuple[str, ...]  # e.g. ("MTCR", "WA")
    score: float  # 0..1
    source: str = ""


class RadiationVerdict(StrEnum):
    CLEAR = "clear"  # no alarm, or alarm explained as background
    NORM_EXPECTED = "norm_expected"  # naturally occurring radioactive material, consistent with the cargo
    UNRESOLVED = "unresolved"  # alarm that could not be explained
    THREAT = "threat"  # man-made source or special nuclear material


@dataclass(frozen=True, slots=True)
class RadiationFinding:
    container: str
    verdict: RadiationVerdict
    nuclides: tuple[str, ...] = ()
    explanation: str = ""
    location: str = ""
    # the alarm's excess over background, in sigma (None: not measured); weighs an unresolved alarm
    sigma: float | None = None


class PartyScreener(Protocol):
    def screen_party(self, name: str, country: str | None) -> list[PartyHit]: ...


class GoodsClassifier(Protocol):
    def classify_goods(self, description: str, hs_code: str) -> list[GoodsMatch]: ...


class RadiationResults(Protocol):
    def finding(self, container: str) -> RadiationFinding | None: ...


Progress = Callable[[int, int], None]  # (done, total)


class MatcherFactory(Protocol):
    """Gives the party screener and goods classifier (``Runtime.matchers``); called once per run, in the
    driver process (the Spark engine ships the look-ups' answers to its workers, not the matchers)."""

    def __call__(self, settings: Settings) -> tuple[PartyScreener, GoodsClassifier]: ...
