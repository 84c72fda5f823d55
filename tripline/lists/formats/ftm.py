"""FollowTheMoney entities as JSON lines (OpenSanctions' entity format), one entity per line.

Each line is ``{"id": ..., "schema": ..., "properties": {prop: [values]}}`` (OpenSanctions
adds ``caption``, ``datasets``, ``first_seen``... which are ignored). Only the list schemata
and their descendants become entries (Person, Organization, Company, LegalEntity, Vessel,
Airplane...); other entities of an export (Sanction, Address, Ownership) are counted in
``report.skipped``. Nested entities (``targets.nested.json``) are read for their programme.
The entity id is the source id followed by the original id, which is kept as ``entry_id``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from followthemoney import model

from tripline.errors import FormatError
from tripline.lists.formats import entities as fe
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits, decode_head, text_lines
from tripline.lists.model import ListEntry, LoadReport, SourceSpec

_FIRST = re.compile(r'^\s*\{.*"(schema|properties)"\s*:', re.DOTALL)
_LISTABLE = tuple(model.get(name) for name in ("LegalEntity", "Vessel", "Airplane"))


class FtmJsonFormat:
    name = "ftm_json"
    title = "FollowTheMoney entities, JSON lines (OpenSanctions format)"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = decode_head(head).lstrip("\ufeff").lstrip().split("\n", 1)[0]
        return bool(_FIRST.match(first))

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]:
        seen: set[str] = set()
        for path in paths:
            empty = True
            for number, line in enumerate(text_lines(path, limits=limits), start=1):
                if not line.strip():
                    continue
                empty = False
                data = _load(line, path, number)
                report.rows += 1
                item = _entry(spec, data, path, number, report)
                if item is None:
                    continue
                if item.entry_id in seen:
                    report.merged += 1
                    continue
                seen.add(item.entry_id)
                yield item
            if empty:
                raise FormatError("empty file: no entities", file=path, line=1)


def _load(line: str, path: Path, number: int) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not a JSON line: {exc.msg} at column {exc.colno}", file=path, line=number) from exc
    if not isinstance(data, dict):
        raise FormatError("a line must hold one JSON object (an entity)", file=path, line=number)
    return data


def _entry(spec: SourceSpec, data: dict[str, Any], path: Path, number: int, report: LoadReport) -> ListEntry | None:
    schema_name = data.get("schema")
    schema = model.get(schema_name) if isinstance(schema_name, str) else None
    if schema is None:
        raise FormatError(f"unknown FollowTheMoney schema {schema_name!r}", file=path, line=number, field="schema")
    original = data.get("id")
    if not isinstance(original, str) or not original.strip():
        raise FormatError("entity without an id", file=path, line=number, field="id")
    props = data.get("properties", {})
    if not isinstance(props, dict):
        raise FormatError("properties must be an object", file=path, line=number, field="properties")
    if not any(schema.is_a(parent) for parent in _LISTABLE):
        report.skipped += 1
        return None
    entity = fe.make(schema.name, spec, original)
    programs: list[str] = []
    for prop, values in props.items():
        if not isinstance(prop, str) or not isinstance(values, list):
            raise FormatError("property values must be a list", file=path, line=number, field=str(prop))
        for value in values:
            if isinstance(value, dict):  # a nested entity (sanctions, addresses...)
                nested = value.get("properties", {})
                if isinstance(nested, dict):
                    programs.extend(str(v) for v in nested.get("program", []) if isinstance(v, str))
                    if value.get("schema") == "Address":
                        fe.add(entity, "address", [str(v) for v in nested.get("full", []) if isinstance(v, str)])
                continue
            if not isinstance(value, (str, int, float)):
                raise FormatError("a property value must be a string", file=path, line=number, field=prop)
            if prop == "program":
                programs.append(str(value))
            else:
                fe.add(entity, prop, str(value))
    return fe.entry(entity, spec, original.strip(), programs=programs)


FORMAT = FtmJsonFormat()
