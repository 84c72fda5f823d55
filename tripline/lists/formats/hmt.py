"""UK HM Treasury (OFSI) legacy consolidated list CSV.

A title row (``Last Updated,13/04/2018``) then a header; one row per name, alias or address
variant, grouped by ``Group ID`` into one entity. The file is sorted by name, not by group,
so groups are collected in memory (the list holds a few thousand groups). The bundled copy
is Windows-1252, as OFSI wrote it; a UTF-8 BOM, if present, wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from tripline.errors import FormatError
from tripline.lists.formats import entities as fe
from tripline.lists.formats.csvtools import dict_rows
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits, csv_rows, decode_head
from tripline.lists.formats.values import dates_in, document_number
from tripline.lists.model import ListEntry, LoadReport, SourceSpec

ENCODING = "cp1252"
REQUIRED = ("Name 6", "Name 1", "Group Type", "Alias Type", "Regime", "Group ID")
NAME_PARTS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
ADDRESS_PARTS = (
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
)
_NUMBERED = re.compile(r"(?:^|(?<=\s))\(?\d{1,2}\)\s*")


class HmtCsvFormat:
    name = "hmt_csv"
    title = "UK HM Treasury (OFSI) consolidated list, legacy CSV"

    def sniff(self, path: Path, head: bytes) -> bool:
        text = decode_head(head, ENCODING)
        lines = text.split("\n", 2)
        return len(lines) > 1 and lines[0].startswith("Last Updated,") and lines[1].startswith("Name 6,")

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]:
        for path in paths:
            report.published = _title_date(path, limits) or report.published
            groups: dict[str, list[dict[str, str]]] = {}
            for line, row in dict_rows(path, REQUIRED, "HM Treasury consolidated list CSV", ENCODING, limits,
                                       skip_lines=1):  # fmt: skip
                group = row["Group ID"].strip()
                if not group:
                    raise FormatError("empty Group ID", file=path, line=line, field="Group ID")
                report.rows += 1
                if group in groups:
                    report.merged += 1
                groups.setdefault(group, []).append(row)
            for group, rows in groups.items():
                yield _entry(spec, group, rows)


def _title_date(path: Path, limits: ReadLimits) -> date | None:
    for _, row in csv_rows(path, ENCODING, limits):
        if len(row) < 2 or row[0].strip() != "Last Updated":
            raise FormatError("not an HM Treasury list: no 'Last Updated' title row", file=path, line=1)
        try:
            return datetime.strptime(row[1].strip(), "%d/%m/%Y").date()
        except ValueError:
            return None
    raise FormatError("empty file", file=path, line=1)


def _name(row: dict[str, str]) -> str:
    return " ".join(p for p in (fe.clean(row.get(col)) for col in NAME_PARTS) if p)


def _numbered(value: str | None) -> list[str]:
    """``1) Saudi Arabia 2) Qatar`` -> ``["Saudi Arabia", "Qatar"]``."""
    if not value:
        return []
    return [part.strip(" ,.") for part in _NUMBERED.split(value) if part.strip(" ,.")]


def _entry(spec: SourceSpec, group: str, rows: list[dict[str, str]]) -> ListEntry:
    kind = rows[0]["Group Type"].strip().lower()
    schema = {"individual": "Person", "ship": "Vessel"}.get(kind, "LegalEntity")
    entity = fe.make(schema, spec, group)
    primaries = [r for r in rows if r["Alias Type"].strip().lower() in {"prime alias", "primary name"}] or rows[:1]
    names = {_name(r) for r in primaries}
    for name in sorted(names):
        fe.add(entity, "name", name)
    for row in rows:
        alias_type = row["Alias Type"].strip().lower()
        name = _name(row)
        if name not in names:
            fe.add(entity, "previousName" if alias_type == "fka" else "alias", name)
        parts = (fe.clean(row.get(col)) for col in ADDRESS_PARTS)
        fe.add(entity, "address", ", ".join(p for p in parts if p))
        fe.add(entity, "country", row.get("Country"))
        fe.add(entity, "notes", row.get("Other Information"))
        if schema == "Person":
            fe.add(entity, "title", row.get("Title"))
            fe.add(entity, "birthDate", dates_in(row.get("DOB")))
            fe.add(entity, "birthPlace", _numbered(row.get("Town of Birth")))
            fe.add(entity, "birthCountry", _numbered(row.get("Country of Birth")))
            fe.add(entity, "nationality", _numbered(row.get("Nationality")))
            fe.add(entity, "position", _numbered(row.get("Position")))
            fe.add(entity, "passportNumber", [document_number(x) for x in _numbered(row.get("Passport Details"))])
            fe.add(entity, "idNumber", [document_number(x) for x in _numbered(row.get("NI Number"))])
            fe.add(entity, "notes", [f"Passport: {x}" for x in _numbered(row.get("Passport Details"))])
    regime = fe.clean(rows[0].get("Regime"))
    return fe.entry(entity, spec, group, programs=[regime] if regime else [], section=regime)


FORMAT = HmtCsvFormat()
