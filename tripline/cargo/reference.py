"""Reference data the manifest checks need: UN/LOCODE, HS 2022, ISO 3166, ISO 6346 owner codes.

Read from ``Settings.data_dir / "reference"`` (files over 40 KB are stored gzipped as
``name.gz``; :func:`open_text` opens either transparently). Load once with
:func:`load_reference` and pass the object down; the loader is memoised per folder.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import structlog

from tripline.errors import ConfigError

log = structlog.get_logger(__name__)


def open_text(path: Path) -> TextIO:
    """Open ``path`` as UTF-8 text, or ``path.gz`` if only the gzipped copy exists."""
    if path.exists():
        if path.suffix == ".gz":
            return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
        return path.open("r", encoding="utf-8-sig", newline="")
    gz = path.with_name(path.name + ".gz")
    if gz.exists():
        return io.TextIOWrapper(gzip.open(gz, "rb"), encoding="utf-8-sig", newline="")
    raise ConfigError(f"reference file missing (looked for {path.name} and {gz.name})", file=path)


@dataclass(frozen=True)
class Location:
    """One UN/LOCODE entry."""

    code: str
    name: str
    country: str
    functions: str

    @property
    def is_seaport(self) -> bool:
        return self.functions[:1] == "1"


@dataclass(frozen=True)
class HsEntry:
    code: str
    description: str
    level: int


@dataclass(frozen=True)
class OwnerCode:
    prefix: str
    company: str
    city: str
    country: str


@dataclass(frozen=True)
class ReferenceData:
    """All lookups used to validate a manifest."""

    locations: dict[str, Location]
    hs: dict[str, HsEntry]
    countries: dict[str, str]
    owners: dict[str, OwnerCode]

    def location(self, code: str) -> Location | None:
        return self.locations.get(code)

    def hs_entry(self, code: str) -> HsEntry | None:
        """The most specific HS entry for a 6- to 10-digit code (national extensions map to 6 digits)."""
        for n in (6, 4, 2):
            entry = self.hs.get(code[:n])
            if entry is not None and (n == 6 or len(code) <= n):
                return entry
        return None

    def country_name(self, alpha2: str) -> str:
        return self.countries.get(alpha2, alpha2)


def _rows(path: Path, **kwargs: str) -> Iterator[list[str]]:
    with open_text(path) as handle:
        yield from csv.reader(handle, **kwargs)  # type: ignore[arg-type]


def _load_locations(folder: Path) -> dict[str, Location]:
    out: dict[str, Location] = {}
    for row in _rows(folder / "unlocode" / "unlocode-code-list-2018-1.csv"):
        if len(row) < 8 or not row[2]:
            continue  # country header rows have no location code
        if row[0] == "X":
            continue  # marked for deletion in this edition
        code = row[1] + row[2]
        out[code] = Location(code=code, name=row[3], country=row[1], functions=row[6])
    return out


def _load_hs(folder: Path) -> dict[str, HsEntry]:
    out: dict[str, HsEntry] = {}
    rows = _rows(folder / "harmonized_system" / "harmonized-system.csv")
    header = next(rows)
    if header[:5] != ["section", "hscode", "description", "parent", "level"]:
        raise ConfigError(f"unexpected HS header {header}", file=folder / "harmonized_system")
    for row in rows:
        if row[0] == "TOTAL":
            continue  # Comtrade's "99 commodities not specified": not part of the HS nomenclature
        out[row[1]] = HsEntry(code=row[1], description=row[2], level=int(row[4]))
    return out


def _load_countries(folder: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    with open_text(folder / "iso3166" / "country-codes.csv") as handle:
        for row in csv.DictReader(handle):
            code = row.get("ISO3166-1-Alpha-2") or ""
            if len(code) == 2:
                out[code] = row.get("CLDR display name") or row.get("official_name_en") or code
    return out


def _load_owners(folder: Path) -> dict[str, OwnerCode]:
    out: dict[str, OwnerCode] = {}
    for row in _rows(folder / "iso6346" / "bic_owner_codes.csv", delimiter=";"):
        if len(row) >= 4 and len(row[0]) == 3:
            out[row[0]] = OwnerCode(prefix=row[0], company=row[1], city=row[2], country=row[3])
    return out


@functools.lru_cache(maxsize=4)
def load_reference(data_dir: Path) -> ReferenceData:
    """Load (once per folder) the reference tables under ``data_dir / "reference"``."""
    folder = data_dir / "reference"
    ref = ReferenceData(
        locations=_load_locations(folder),
        hs=_load_hs(folder),
        countries=_load_countries(folder),
        owners=_load_owners(folder),
    )
    log.debug("reference loaded", locations=len(ref.locations), hs=len(ref.hs), owners=len(ref.owners))
    return ref
