"""OFAC legacy CSV files: SDN (``sdn``/``alt``/``add``/``sdn_comments``) and Consolidated (``cons_*``).

No header, cp1252, nulls written ``-0- ``, optional trailing 0x1A. The role of each file is
recognised from its column count (12 primary, 5 aliases, 6 addresses, 2 remarks overflow,
as in OFAC's ``dat_spec.txt``), so the files may be given in any order and under any name.

Alias and address rows are joined to their primary row by ``ent_num``. Rows whose
``ent_num`` has no primary row (the bundled alias file is 17 months newer than ``sdn.csv``)
cannot have a primary name: they are not turned into entities, but counted in
``report.unjoined`` and in one warning.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from tripline.errors import FormatError
from tripline.lists.formats import entities as fe
from tripline.lists.formats.ofac_remarks import remark_facts
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits, csv_rows, decode_head
from tripline.lists.model import ListEntry, LoadReport, SourceSpec

ENCODING = "cp1252"
PRIMARY = ("ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage", "GRT",
           "Vess_flag", "Vess_owner", "Remarks")  # fmt: skip
ALT = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD = ("ent_num", "add_num", "address", "city_state_zip", "country", "add_remarks")
COMMENTS = ("ent_num", "remarks_extended")
ROLES: dict[int, tuple[str, ...]] = {len(PRIMARY): PRIMARY, len(ALT): ALT, len(ADD): ADD, len(COMMENTS): COMMENTS}
_FIRST = re.compile(r'^(\d+),("|-0-|\d+,)')
_PROGRAM_SPLIT = re.compile(r"\]\s*\[")


class OfacCsvFormat:
    name = "ofac_csv"
    title = "OFAC legacy CSV (sdn/alt/add/comments, cons_*)"

    def sniff(self, path: Path, head: bytes) -> bool:
        text = decode_head(head, ENCODING)
        first = text.split("\n", 1)[0].rstrip("\r")
        if not _FIRST.match(first):
            return False
        try:
            row = next(csv.reader([first]), [])
        except csv.Error:  # a carriage return inside the first line: not an OFAC file
            return False
        if len(row) == len(COMMENTS):
            return first.endswith('"') or len(text) >= len(head) - 4  # the overflow line may be cut by the head
        return len(row) in ROLES and ("-0-" in text or '","' in first)

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]:
        by_role = _assign_roles(paths, limits)
        if PRIMARY not in by_role:
            raise FormatError("no primary file (12 columns: ent_num, SDN_Name, ...) among the OFAC files",
                              file=paths[0])  # fmt: skip
        aliases: dict[str, list[list[str]]] = defaultdict(list)
        addresses: dict[str, list[list[str]]] = defaultdict(list)
        comments: dict[str, list[str]] = defaultdict(list)
        for path in by_role.get(ALT, []):
            for _, row in _rows(path, ALT, limits):
                aliases[row[0]].append(row)
        for path in by_role.get(ADD, []):
            for _, row in _rows(path, ADD, limits):
                addresses[row[0]].append(row)
        for path in by_role.get(COMMENTS, []):
            for _, row in _rows(path, COMMENTS, limits):
                comments[row[0]].append(row[1])
        seen: set[str] = set()
        for path in by_role[PRIMARY]:
            for _, row in _rows(path, PRIMARY, limits):
                report.rows += 1
                ent_num = row[0]
                if ent_num in seen:
                    report.merged += 1
                    continue
                seen.add(ent_num)
                yield _entry(spec, row, aliases.get(ent_num, ()), addresses.get(ent_num, ()), comments.get(ent_num, ()))
        _report_unjoined(report, seen, aliases, addresses, comments)


def _assign_roles(paths: Sequence[Path], limits: ReadLimits) -> dict[tuple[str, ...], list[Path]]:
    by_role: dict[tuple[str, ...], list[Path]] = defaultdict(list)
    for path in paths:
        first = next(csv_rows(path, ENCODING, limits), None)
        if first is None:
            raise FormatError("empty file: no OFAC rows", file=path, line=1)
        line, row = first
        if len(row) not in ROLES or not row[0].strip().isdigit():
            raise FormatError(
                f"not an OFAC legacy CSV: first row has {len(row)} columns "
                f"(expected 12, 5, 6 or 2) and starts {(row[0] if row else '')[:20]!r}",
                file=path,
                line=line,
                field="ent_num",
            )
        by_role[ROLES[len(row)]].append(path)
    return by_role


def _rows(path: Path, columns: tuple[str, ...], limits: ReadLimits) -> Iterator[tuple[int, list[str]]]:
    for line, row in csv_rows(path, ENCODING, limits):
        if not row or row == [""]:
            continue
        if len(row) != len(columns):
            field = columns[len(row)] if len(row) < len(columns) else f"column {len(row)}"
            what = "missing" if len(row) < len(columns) else "unexpected"
            raise FormatError(
                f"{what} columns: {len(row)} of {len(columns)} ({', '.join(columns)})",
                file=path,
                line=line,
                field=field,
            )
        if not row[0].strip().isdigit():
            raise FormatError(f"ent_num {row[0][:20]!r} is not a number", file=path, line=line, field="ent_num")
        yield line, [value.strip() for value in row]


def _entry(
    spec: SourceSpec,
    row: list[str],
    aliases: Sequence[list[str]],
    addresses: Sequence[list[str]],
    comments: Sequence[str],
) -> ListEntry:
    ent_num, name, kind, program, title, call_sign, vess_type, tonnage, grt, flag, owner, remarks = row
    schema = fe.schema_for(fe.clean(kind), default="LegalEntity")
    entity = fe.make(schema, spec, ent_num)
    fe.add(entity, "name", name)
    if schema == "Person" and name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        fe.add(entity, "lastName", last)
        fe.add(entity, "firstName", first)
    fe.add(entity, "position", title)
    if schema == "Vessel":
        fe.add(entity, "callSign", call_sign)
        fe.add(entity, "type", vess_type)
        fe.add(entity, "tonnage", tonnage)
        fe.add(entity, "grossRegisteredTonnage", grt)
        fe.add(entity, "flag", flag)
        if fe.clean(owner):
            fe.add(entity, "notes", f"Vessel owner: {owner}")
    for alias in aliases:
        prop = {"fka": "previousName", "nka": "alias"}.get((fe.clean(alias[2]) or "").lower(), "alias")
        fe.add(entity, prop, alias[3])
    for address in addresses:
        parts = [fe.clean(address[2]), fe.clean(address[3]), fe.clean(address[4])]
        fe.add(entity, "address", ", ".join(p for p in parts if p))
        fe.add(entity, "country", address[4])
    for text in (remarks, *comments):
        if fe.clean(text) is None:
            continue
        fe.add(entity, "notes", text)
        for prop, value in remark_facts(text):
            fe.add(entity, prop, value)
    programs = [p.strip(" []") for p in _PROGRAM_SPLIT.split(program)] if fe.clean(program) else []
    return fe.entry(entity, spec, ent_num, programs=programs, section=programs[0] if len(programs) == 1 else None)


def _report_unjoined(
    report: LoadReport,
    seen: set[str],
    aliases: dict[str, list[list[str]]],
    addresses: dict[str, list[list[str]]],
    comments: dict[str, list[str]],
) -> None:
    counts = {
        "alias": (sum(len(v) for k, v in aliases.items() if k not in seen), sum(1 for k in aliases if k not in seen)),
        "address": (
            sum(len(v) for k, v in addresses.items() if k not in seen),
            sum(1 for k in addresses if k not in seen),
        ),
        "comment": (
            sum(len(v) for k, v in comments.items() if k not in seen),
            sum(1 for k in comments if k not in seen),
        ),
    }
    rows = sum(c[0] for c in counts.values())
    if not rows:
        return
    orphans = {k for k in (*aliases, *addresses, *comments) if k not in seen}
    report.unjoined += rows
    report.skipped += len(aliases.keys() - seen)
    report.warnings.append(
        f"{rows} secondary rows join no primary row (files of different dates?): "
        + ", ".join(f"{n[0]} {kind} rows of {n[1]} ent_nums" for kind, n in counts.items() if n[0])
        + f"; {len(orphans)} ent_nums in all. Alias-only entries have no primary name and were not loaded."
    )


FORMAT = OfacCsvFormat()
