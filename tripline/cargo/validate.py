"""Turn raw records into :class:`Shipment` objects, collecting errors with file, line and field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tripline.cargo.model import Shipment
from tripline.cargo.reference import ReferenceData
from tripline.errors import FormatError


@dataclass(frozen=True)
class RowError:
    """One rejected row or segment."""

    file: str
    line: int
    field: str
    reason: str

    def as_error(self) -> FormatError:
        return FormatError(self.reason, file=self.file, line=self.line, field=self.field)

    def __str__(self) -> str:
        return self.as_error().message


@dataclass
class LoadResult:
    """The shipments that passed every check, and the rows that did not."""

    shipments: list[Shipment] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # bill of lading -> line
    keep: bool = True  # False: a streaming reader yields the shipments, ``shipments`` stays empty


def _loc_to_field(loc: tuple[int | str, ...], field_names: Mapping[tuple[str, ...], str] | None) -> str:
    names = tuple(str(p) for p in loc if not isinstance(p, int))
    if field_names is not None:
        for size in range(len(names), 0, -1):
            hit = field_names.get(names[:size])
            if hit:
                return hit
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "record"


def reference_problems(shipment: Shipment, ref: ReferenceData) -> list[tuple[tuple[str, ...], str]]:
    """Checks against UN/LOCODE, HS 2022 and ISO 3166 (location path, reason)."""
    problems: list[tuple[tuple[str, ...], str]] = []
    route = shipment.route
    for name in ("place_of_receipt", "port_of_loading", "port_of_discharge", "final_destination"):
        code = getattr(route, name)
        if code and code not in ref.locations:
            problems.append((("route", name), f"{code} is not in UN/LOCODE"))
    for code in route.transshipment:
        if code not in ref.locations:
            problems.append((("route", "transshipment"), f"{code} is not in UN/LOCODE"))
    for line in shipment.goods:
        if line.hs_code[:6] not in ref.hs:
            problems.append((("goods", "hs_code"), f"{line.hs_code[:6]} is not an HS 2022 subheading"))
    for party in shipment.parties:
        if party.country and party.country not in ref.countries:
            problems.append((("parties", party.role.value, "country"), f"{party.country} is not an ISO 3166 code"))
    return problems


def build_shipment(
    record: Mapping[str, Any],
    *,
    file: Path | str,
    line: int,
    ref: ReferenceData,
    result: LoadResult,
    field_names: Mapping[tuple[str, ...], str] | None = None,
    line_of: Mapping[tuple[str, ...], int] | None = None,
) -> Shipment | None:
    """Validate one record; on failure append its errors to ``result`` and return None.

    ``line_of`` maps error locations to finer line numbers (EDIFACT: the segment's line).
    """

    def where(loc: tuple[int | str, ...]) -> int:
        if line_of:
            names = tuple(str(p) for p in loc if not isinstance(p, int))
            for size in range(len(names), 0, -1):
                if names[:size] in line_of:
                    return line_of[names[:size]]
        return line

    try:
        shipment = Shipment.model_validate(record)
    except ValidationError as exc:
        for err in exc.errors():
            result.errors.append(
                RowError(
                    str(file),
                    where(err["loc"]),
                    _loc_to_field(err["loc"], field_names),
                    err["msg"].removeprefix("Value error, "),
                )
            )
        return None
    problems = reference_problems(shipment, ref)
    if problems:
        for loc, reason in problems:
            result.errors.append(RowError(str(file), where(loc), _loc_to_field(loc, field_names), reason))
        return None
    if shipment.bill_of_lading in result.lines:
        first = result.lines[shipment.bill_of_lading]
        result.errors.append(
            RowError(str(file), line, "bill_of_lading", f"duplicate bill of lading (first at line {first})")
        )
        return None
    result.lines[shipment.bill_of_lading] = line
    if result.keep:
        result.shipments.append(shipment)
    return shipment
