"""Small curated lists published by OpenSanctions as CSV (special legislation, DoD 1260H, China...).

Their headers differ; each column is mapped by name (case, spaces, ``-`` and ``_`` ignored)
through ``COLUMNS`` to a role. A file must have a name column and at least one other known
column, or it is refused. Rows have no id of their own: the entry id is the schema and the
name, and rows naming the same party twice are merged (``report.merged``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from tripline.errors import FormatError
from tripline.lists.formats import entities as fe
from tripline.lists.formats.csvtools import header_of, split
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits, csv_rows, decode_head
from tripline.lists.model import ListEntry, LoadReport, SourceSpec

# normalised column name -> role (an FtM property, or one of: schema, name, cleanname, program, note:<label>)
COLUMNS: dict[str, str] = {
    "schema": "schema",
    "type": "schema",
    "name": "name",
    "cleanname": "cleanname",
    "alias": "alias",
    "aliases": "alias",
    "chinesename": "alias",
    "previousname": "previousName",
    "parentname": "note:Parent",
    "topics": "topics",
    "program": "program",
    "list": "program",
    "authority": "note:Authority",
    "body": "note:Authority",
    "reason": "notes",
    "summary": "notes",
    "chinesesummary": "notes",
    "note": "notes",
    "notes": "notes",
    "country": "country",
    "sourceurl": "sourceUrl",
    "address": "address",
    "qid": "wikidataId",
    "date": "note:Listed",
    "startdate": "note:Listed",
    "reportdate": "note:Reported",
    "enddate": "note:Ends",
}
MULTI = frozenset({"alias", "previousName", "topics", "program"})
_NORM = re.compile(r"[\s_\-]+")


def _norm(column: str) -> str:
    return _NORM.sub("", column.strip().lstrip("\ufeff").lower())


def _plausible(header: Sequence[str]) -> bool:
    """A name column, at least three known columns, and at least half the columns known."""
    roles = [COLUMNS.get(_norm(c)) for c in header]
    known = [r for r in roles if r is not None]
    return ("name" in known or "cleanname" in known) and len(known) >= 3 and 2 * len(known) >= len(roles)


class OpenSanctionsCsvFormat:
    name = "os_csv"
    title = "OpenSanctions curated list CSV (header mapped by column name)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return _plausible(header_of(decode_head(head)))

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]:
        for path in paths:
            entries: dict[str, ListEntry] = {}
            header: list[str] | None = None
            columns: list[str] = []
            for line, row in csv_rows(path, limits=limits):
                if header is None:
                    columns = [c.strip().lstrip("\ufeff") for c in row]
                    header = [COLUMNS.get(_norm(c), "") for c in row]
                    if not _plausible(row):
                        raise FormatError(
                            "not an OpenSanctions list CSV: the header needs a name column and mostly known "
                            f"columns ({', '.join(sorted(COLUMNS))}); found {', '.join(columns[:8])}"
                            f"{'...' if len(columns) > 8 else ''}",
                            file=path,
                            line=line,
                            field="name" if "name" not in header and "cleanname" not in header else columns[0],
                        )
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) < len(header):
                    raise FormatError(
                        f"row has {len(row)} of {len(header)} columns", file=path, line=line, field=columns[len(row)]
                    )
                report.rows += 1
                item = _entry(spec, header, row)
                if item is None:
                    report.skipped += 1
                    report.warnings.append(f"{path.name} line {line}: row without a name; skipped")
                    continue
                if item.entry_id in entries:
                    report.merged += 1
                    first = entries[item.entry_id]
                    first.entity = first.entity.merge(item.entity)
                    continue
                entries[item.entry_id] = item
            if header is None:
                raise FormatError("empty file: no header", file=path, line=1)
            yield from entries.values()


def _entry(spec: SourceSpec, header: list[str], row: list[str]) -> ListEntry | None:
    values: dict[str, list[str]] = {}
    for role, cell in zip(header, row, strict=False):
        if role and cell.strip():
            values.setdefault(role, []).extend(split(cell) if role in MULTI else [cell.strip()])
    raw_names = values.get("name", [])
    clean_names = values.get("cleanname", [])
    names = clean_names or raw_names
    if not names:
        return None
    schema = fe.schema_for((values.get("schema") or [""])[0], default="LegalEntity")
    key = f"{schema}/{names[0]}"
    entity = fe.make(schema, spec, key)
    fe.add(entity, "name", names)
    fe.add(entity, "alias", [n for n in raw_names if n not in clean_names] if clean_names else [])
    for role, items in values.items():
        if role in {"schema", "name", "cleanname", "program", "topics"}:
            continue
        if role.startswith("note:"):
            fe.add(entity, "notes", [f"{role[5:]}: {item}" for item in items])
        else:
            fe.add(entity, role, items)
    return fe.entry(entity, spec, key, programs=values.get("program", []), topics=values.get("topics", []))


FORMAT = OpenSanctionsCsvFormat()
