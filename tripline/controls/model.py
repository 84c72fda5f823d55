"""The catalogue's shapes: entries, sub-items, parameters and regimes (frozen, hot-path types)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any


class Source(StrEnum):
    CCL = "us_ccl"  # US Commerce Control List, 15 CFR 774 Supp. 1
    EU = "eu_annex1"  # EU Regulation 2021/821 Annex I


class Regime(StrEnum):
    WA = "WA"  # Wassenaar Arrangement
    MTCR = "MTCR"  # Missile Technology Control Regime
    NSG = "NSG"  # Nuclear Suppliers Group
    AG = "AG"  # Australia Group
    CWC = "CWC"  # Chemical Weapons Convention
    US = "US"  # US unilateral (AT, RS, 600/500 series, x9xx)


class Comparison(StrEnum):
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


class ItemKind(StrEnum):
    ITEM = "item"
    NOTE = "note"
    TECHNICAL_NOTE = "technical_note"
    NB = "nb"


@dataclass(frozen=True)
class Parameter:
    """One technical threshold read from an item's text.

    ``value`` is the threshold in ``unit``; a threshold that depends on a length ``L`` (e.g.
    ``(1.7 + L/1000) µm``) keeps ``value`` = the constant term and ``per_length`` = the slope
    (``1/1000``), so that ``threshold(L) = value + per_length * L``.
    """

    key: str  # canonical name, e.g. "mpe", "angular_accuracy", "rollers"
    name: str  # the phrase of the list, e.g. 'angular position "accuracy"'
    comparison: Comparison
    value: float
    unit: str  # canonical unit symbol, e.g. "µm", "arcsec", "kN", "count"
    dimension: str  # "length", "angle", "force", "count", ...
    text: str  # the matched words of the source
    per_length: float | None = None  # slope of a (a + L/b) formula, L in mm
    noun: str | None = None  # for counts: "rollers", "axes"

    @property
    def formula(self) -> str | None:
        if self.per_length is None:
            return None
        return f"({_fmt(self.value)} + L/{_fmt(1 / self.per_length)}) {self.unit}"

    def describe(self) -> str:
        if self.formula:
            target = self.formula
        elif self.unit == "µm" and self.value >= 1000:
            target = f"{_fmt(self.value / 1000)} mm"
        else:
            target = f"{_fmt(self.value)} {self.unit}"
        if self.dimension == "count" and self.noun:
            target = f"{_fmt(self.value)} {self.noun}"
        return f"{self.name} {self.comparison.value} {target}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "comparison": self.comparison.value,
            "value": self.value,
            "unit": self.unit,
            "dimension": self.dimension,
            "formula": self.formula,
            "per_length": self.per_length,
            "noun": self.noun,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Parameter:
        return cls(
            key=data["key"],
            name=data["name"],
            comparison=Comparison(data["comparison"]),
            value=float(data["value"]),
            unit=data["unit"],
            dimension=data["dimension"],
            text=data["text"],
            per_length=data.get("per_length"),
            noun=data.get("noun"),
        )


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"


@dataclass(frozen=True)
class Item:
    """A sub-item (``2B006.b.1``) or a note of an entry, in document order."""

    code: str  # full code, e.g. "2B006.b.1"; notes carry the code of the item they belong to
    kind: ItemKind
    text: str
    depth: int  # 1 = directly under the entry
    parameters: tuple[Parameter, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind.value,
            "text": self.text,
            "depth": self.depth,
            "parameters": [p.to_dict() for p in self.parameters],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        return cls(
            code=data["code"],
            kind=ItemKind(data["kind"]),
            text=data["text"],
            depth=int(data["depth"]),
            parameters=tuple(Parameter.from_dict(p) for p in data.get("parameters", [])),
        )


@dataclass(frozen=True)
class RegimeRef:
    regime: Regime
    ref: str  # the regime's own item number, e.g. "3.B.3"
    source: str  # where the correspondence is stated

    def label(self) -> str:
        return f"{self.regime.value} {self.ref}"


@dataclass(frozen=True)
class Applies:
    """A CCL "MT applies to ..." row: which part of the entry a reason for control covers."""

    reason: str  # "MT", "NP", "NS", ...
    text: str


@dataclass(frozen=True)
class ControlEntry:
    """One entry of one control list (an ECCN, or an EU Annex I code)."""

    source: Source
    code: str  # "2B006"
    title: str
    text: str  # full text as in the source (cleaned of layout whitespace)
    reasons: tuple[str, ...] = ()  # CCL reasons for control (NS, MT, NP, CB, CW, AT, ...)
    regimes: tuple[Regime, ...] = ()
    regime_refs: tuple[RegimeRef, ...] = ()
    applies: tuple[Applies, ...] = ()
    items: tuple[Item, ...] = ()
    is_catchall: bool = False  # CCL x99x "anti-terrorism" residual entries
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def category(self) -> str:
        return self.code[0]

    @property
    def group(self) -> str:
        return self.code[1]

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for item in self.items for p in item.parameters)

    def item(self, code: str) -> Item | None:
        return self._items_by_code.get(code)

    def children(self, code: str) -> list[Item]:
        """The sub-items directly under ``code`` (the entry code or an item code)."""
        return self._children.get(code, [])

    @cached_property
    def _items_by_code(self) -> dict[str, Item]:
        out: dict[str, Item] = {}
        for item in self.items:
            if item.kind is ItemKind.ITEM:
                out.setdefault(item.code, item)
        return out

    @cached_property
    def _children(self) -> dict[str, list[Item]]:
        out: dict[str, list[Item]] = {}
        for code, item in self._items_by_code.items():
            out.setdefault(code.rsplit(".", 1)[0], []).append(item)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.value,
            "code": self.code,
            "title": self.title,
            "text": self.text,
            "reasons": list(self.reasons),
            "regimes": [r.value for r in self.regimes],
            "regime_refs": [{"regime": r.regime.value, "ref": r.ref, "source": r.source} for r in self.regime_refs],
            "applies": [{"reason": a.reason, "text": a.text} for a in self.applies],
            "items": [i.to_dict() for i in self.items],
            "is_catchall": self.is_catchall,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ControlEntry:
        return cls(
            source=Source(data["source"]),
            code=data["code"],
            title=data["title"],
            text=data["text"],
            reasons=tuple(data.get("reasons", [])),
            regimes=tuple(Regime(r) for r in data.get("regimes", [])),
            regime_refs=tuple(
                RegimeRef(Regime(r["regime"]), r["ref"], r["source"]) for r in data.get("regime_refs", [])
            ),
            applies=tuple(Applies(a["reason"], a["text"]) for a in data.get("applies", [])),
            items=tuple(Item.from_dict(i) for i in data.get("items", [])),
            is_catchall=bool(data.get("is_catchall", False)),
        )
