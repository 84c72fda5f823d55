"""Catch-all controls (EU Reg. 2021/821 Art. 4; 15 CFR 744.2/744.3/744.4/744.21; embargoes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field

from tripline.controls.end_users import EndUserScreen
from tripline.controls.specfile import load_spec
from tripline.errors import InputError

CATCH_ALL_FILE = Path(__file__).with_name("data") / "catch_all.yaml"


class EndUseRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    keywords: list[str] = Field(min_length=1)
    rules: list[str] = Field(min_length=1)
    needs_embargo: bool = False
    us_countries: list[str] = []
    us_rule: str | None = None


class DestinationRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    countries: list[str] = Field(min_length=1)
    rules: list[str] = Field(min_length=1)


class EndUserRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    names: list[str] = Field(min_length=1)
    programme: Literal["missile", "nuclear", "chemical_biological"] | None = None
    why: str


class CatchAllSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    end_use: list[EndUseRule]
    destinations: list[DestinationRule]
    arms_embargoes: list[str]
    arms_embargoes_source: str
    end_users: list[EndUserRow]


@dataclass(frozen=True)
class CatchAllResult:
    applies: bool
    rules: tuple[str, ...]
    reasons: tuple[str, ...]
    programmes: tuple[str, ...] = ()  # "missile", "nuclear", "chemical_biological" when stated or known

    def regimes(self) -> tuple[str, ...]:
        """The regimes whose entries matter most for these programmes (missile -> MTCR)."""
        table = {"missile": ("MTCR",), "nuclear": ("NSG",), "chemical_biological": ("AG", "CWC")}
        return tuple(r for p in self.programmes for r in table.get(p, ()))


def country_code(value: str) -> str:
    """ISO 3166 alpha-2 code of a code or name ("SY", "SYR", "Syria"); InputError if unknown."""
    text = value.strip()
    try:
        if len(text) == 2:
            found = pycountry.countries.get(alpha_2=text.upper())
        elif len(text) == 3:
            found = pycountry.countries.get(alpha_3=text.upper())
        else:
            found = pycountry.countries.lookup(text)
    except LookupError:
        found = None
    if found is None:
        raise InputError(f"unknown destination country {value!r} (use ISO 3166 alpha-2)", field="destination")
    return str(found.alpha_2)


class CatchAll:
    """Decides whether a catch-all applies to a query's end use, end user and destination."""

    def __init__(self, spec: CatchAllSpec) -> None:
        self.spec = spec
        self._end_use = [
            (rule, re.compile(r"\b(?:" + "|".join(re.escape(k) for k in rule.keywords) + r")\b", re.IGNORECASE))
            for rule in spec.end_use
        ]

    @classmethod
    def load(cls, path: Path = CATCH_ALL_FILE) -> CatchAll:
        return cls(load_spec(path, CatchAllSpec, "catch-all rules"))

    def listed_end_user(self, name: str) -> str | None:
        row = self._end_user_row(name)
        return row.why if row is not None else None

    def _end_user_row(self, name: str) -> EndUserRow | None:
        norm = " ".join(re.findall(r"[a-z0-9]+", name.lower()))
        for row in self.spec.end_users:
            for alias in row.names:
                if re.search(rf"\b{re.escape(alias)}\b", norm):
                    return row
        return None

    def check(
        self,
        end_use: str | None,
        end_user: str | None,
        destination: str | None,
        screen: EndUserScreen | None = None,
    ) -> CatchAllResult:
        """``screen``: the loaded watch lists; without it (or with no lists loaded) the end user is
        looked up in the hand-written rows of ``catch_all.yaml``."""
        rules: list[str] = []
        reasons: list[str] = []
        programmes: list[str] = []
        country = country_code(destination) if destination else None
        embargoed = country in self.spec.arms_embargoes if country else False
        for rule, pattern in self._end_use:
            m = pattern.search(end_use or "")
            if not m:
                continue
            if rule.needs_embargo:
                if embargoed:
                    rules.extend(rule.rules)
                    reasons.append(f"military end use {m.group(0)!r} and {country} is under an arms embargo")
                if rule.us_rule and country in rule.us_countries:
                    rules.append(rule.us_rule)
                    reasons.append(f"military end use {m.group(0)!r} in {country}")
                continue
            rules.extend(rule.rules)
            programmes.append(rule.id)
            reasons.append(f"end use {m.group(0)!r} is a {rule.id.replace('_', '/')} end use")
        hits = screen.designated(end_user) if end_user and screen is not None else None
        if hits:
            for hit in hits:
                rules.append(hit.basis)
                reasons.append(hit.reason())
        elif end_user and hits is None:
            row = self._end_user_row(end_user)
            if row is not None and screen is not None:
                reasons.append("watch lists not loaded: end user checked against the hand-written catch_all.yaml rows")
            if row is not None:
                rules.append("EU Reg. 2021/821 Art. 4(1)(a) and US 15 CFR 744 (listed end user)")
                reasons.append(f"end user {end_user!r} is a designated proliferation end user: {row.why}")
                if row.programme:
                    programmes.append(row.programme)
        if country:
            for dest in self.spec.destinations:
                if country in dest.countries:
                    rules.extend(dest.rules)
                    reasons.append(f"destination {country} is subject to embargo or sanctions rules")
        return CatchAllResult(
            bool(rules), tuple(dict.fromkeys(rules)), tuple(reasons), tuple(dict.fromkeys(programmes))
        )
