"""The shipment model: one bill of lading with its containers, parties, goods, route and vessel.

Structural checks (formats and check digits) live here; checks against reference data
(UN/LOCODE, HS 2022) are in :mod:`tripline.cargo.validate` because they need the tables.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator
from stdnum import imo as stdnum_imo
from stdnum import iso6346
from stdnum.exceptions import ValidationError as StdnumError


class Role(StrEnum):
    SHIPPER = "shipper"
    CONSIGNEE = "consignee"
    NOTIFY = "notify"
    END_USER = "end_user"


_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
_HS = re.compile(r"^\d{6}(\d{2}){0,2}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def normalise_container(value: str) -> str:
    """Compact an ISO 6346 container number and verify its check digit (python-stdnum)."""
    try:
        return str(iso6346.validate(value))
    except StdnumError as exc:
        raise ValueError(f"not a valid ISO 6346 container number ({exc})") from None


@functools.lru_cache(maxsize=4096)
def normalise_imo(value: str) -> str:
    """Return the 7-digit IMO number after verifying its check digit (python-stdnum)."""
    try:
        return str(stdnum_imo.validate(value))
    except StdnumError as exc:
        raise ValueError(f"not a valid IMO number ({exc})") from None


def check_locode(value: str) -> str:
    code = value.replace(" ", "").upper()
    if not _LOCODE.match(code):
        raise ValueError("not a UN/LOCODE (2-letter country + 3 characters)")
    return code


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Party(_Strict):
    role: Role
    name: str = Field(min_length=1, max_length=200)
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2")
    address: str | None = Field(default=None, max_length=300)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        code = value.upper()
        if not _COUNTRY.match(code):
            raise ValueError("country must be an ISO 3166-1 alpha-2 code")
        return code


class GoodsLine(_Strict):
    description: str = Field(min_length=1, max_length=500)
    hs_code: str = Field(description="HS code, 6 digits (or a national 8/10-digit extension)")
    quantity: float | None = Field(default=None, ge=0)
    weight_kg: float | None = Field(default=None, ge=0)
    value_usd: float | None = Field(default=None, ge=0)

    @field_validator("hs_code", mode="before")
    @classmethod
    def _hs(cls, value: object) -> str:
        code = str(value).replace(".", "").replace(" ", "")
        if not _HS.match(code):
            raise ValueError("HS code must have 6, 8 or 10 digits")
        return code


class Route(_Strict):
    place_of_receipt: str | None = None
    port_of_loading: str
    transshipment: tuple[str, ...] = ()
    port_of_discharge: str
    final_destination: str | None = None

    @field_validator("place_of_receipt", "final_destination", mode="before")
    @classmethod
    def _optional_locode(cls, value: object) -> str | None:
        if value in (None, ""):
            return None
        return check_locode(str(value))

    @field_validator("port_of_loading", "port_of_discharge", mode="before")
    @classmethod
    def _locode(cls, value: object) -> str:
        return check_locode(str(value))

    @field_validator("transshipment", mode="before")
    @classmethod
    def _transshipment(cls, value: object) -> tuple[str, ...]:
        if value in (None, ""):
            return ()
        items = value.split("|") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        return tuple(check_locode(str(v)) for v in items if str(v).strip())

    def ports(self) -> tuple[str, ...]:
        """Every location of the route, in order, without gaps."""
        seq = (self.place_of_receipt, self.port_of_loading, *self.transshipment)
        tail = (self.port_of_discharge, self.final_destination)
        return tuple(p for p in (*seq, *tail) if p)


class Vessel(_Strict):
    name: str = Field(min_length=1, max_length=100)
    imo: str

    @field_validator("imo", mode="before")
    @classmethod
    def _imo(cls, value: object) -> str:
        return normalise_imo(str(value))


class Shipment(_Strict):
    """One bill of lading."""

    bill_of_lading: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-/]+$")
    containers: tuple[str, ...] = Field(min_length=1)
    parties: tuple[Party, ...]
    goods: tuple[GoodsLine, ...] = Field(min_length=1)
    route: Route
    vessel: Vessel | None = None
    departure_date: dt.date | None = None
    arrival_date: dt.date | None = None

    @field_validator("containers", mode="before")
    @classmethod
    def _containers(cls, value: object) -> tuple[str, ...]:
        items = value.split("|") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        return tuple(normalise_container(str(v)) for v in items if str(v).strip())

    @field_validator("parties")
    @classmethod
    def _parties(cls, value: tuple[Party, ...]) -> tuple[Party, ...]:
        roles = [p.role for p in value]
        for required in (Role.SHIPPER, Role.CONSIGNEE):
            if required not in roles:
                raise ValueError(f"a {required.value} is required")
        return value

    def party(self, role: Role) -> Party | None:
        for p in self.parties:
            if p.role is role:
                return p
        return None
