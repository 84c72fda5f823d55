"""Manifest readers (CSV, JSON lines, Parquet, EDIFACT CUSCAR) and writers, chosen by file suffix.

Every reader returns a :class:`LoadResult`: the shipments that passed, and every bad row or
segment with its file, line and field. A file that cannot be read at all raises
:class:`~tripline.errors.FormatError`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tripline.cargo import edifact
from tripline.cargo.flat import COLUMNS, FIELD_NAMES, LIST_COLUMNS, REQUIRED, flat_to_record, shipment_to_flat
from tripline.cargo.model import Shipment
from tripline.cargo.reference import ReferenceData
from tripline.cargo.validate import LoadResult, RowError, build_shipment
from tripline.errors import FormatError, InputError
from tripline.lists.formats.reader import text_lines

SUFFIXES = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".edi": "edifact",
    ".edifact": "edifact",
    ".cuscar": "edifact",
}


def detect_format(path: Path) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"unknown manifest format {path.suffix!r} (expected one of {', '.join(sorted(SUFFIXES))})", file=path
        )
    return fmt


def read_manifest(path: Path, ref: ReferenceData) -> LoadResult:
    """Read and validate a manifest file of any supported format."""
    if not path.exists():
        raise InputError("file not found", file=path)
    fmt = detect_format(path)
    if fmt == "csv":
        return read_csv(path, ref)
    if fmt == "jsonl":
        return read_jsonl(path, ref)
    if fmt == "parquet":
        return read_parquet(path, ref)
    return edifact.read_cuscar(path, ref)


def read_csv(path: Path, ref: ReferenceData) -> LoadResult:
    result = LoadResult()
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
        except (csv.Error, UnicodeDecodeError) as exc:
            reason = f"not valid UTF-8 ({exc.reason})" if isinstance(exc, UnicodeDecodeError) else str(exc)
            raise FormatError(f"the header is not readable: {reason}", file=path, line=1, field="encoding") from None
        missing = sorted(REQUIRED - set(header))
        if missing:
            raise FormatError(f"missing column(s): {', '.join(missing)}", file=path, line=1, field=missing[0])
        unknown = [c for c in header if c not in COLUMNS]
        if unknown:
            raise FormatError(f"unknown column {unknown[0]!r}", file=path, line=1, field=unknown[0])
        try:
            for row in reader:
                line = reader.line_num
                if None in row:
                    result.errors.append(RowError(str(path), line, "record", "more values than header columns"))
                    continue
                build_shipment(
                    flat_to_record(row), file=path, line=line, ref=ref, result=result, field_names=FIELD_NAMES
                )
        except (csv.Error, UnicodeDecodeError) as exc:
            raise FormatError(f"not readable as CSV: {exc}", file=path, line=reader.line_num) from None
    return result


def read_jsonl(path: Path, ref: ReferenceData) -> LoadResult:
    result = LoadResult()
    records = 0
    for line_no, text in enumerate(text_lines(path), start=1):
        if not text.strip():
            continue
        records += 1
        try:
            record = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            result.errors.append(RowError(str(path), line_no, "record", f"invalid JSON: {reason}"))
            continue
        if not isinstance(record, dict):
            result.errors.append(RowError(str(path), line_no, "record", "each line must be a JSON object"))
            continue
        build_shipment(record, file=path, line=line_no, ref=ref, result=result)
    if records == 0:
        raise FormatError("empty file: no JSON lines", file=path, line=1)
    return result


def read_parquet(path: Path, ref: ReferenceData) -> LoadResult:
    """Parquet with the flat columns; ``line`` in errors is the 1-based row number."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FormatError(f"not a Parquet file: {exc}", file=path) from None
    missing = sorted(REQUIRED - set(table.column_names))
    if missing:
        raise FormatError(f"missing column(s): {', '.join(missing)}", file=path, field=missing[0])
    result = LoadResult()
    row_no = 0
    for batch in table.to_batches(max_chunksize=10_000):
        for row in batch.to_pylist():
            row_no += 1
            clean = {k: _parquet_value(v) for k, v in row.items() if k in COLUMNS}
            build_shipment(
                flat_to_record(clean), file=path, line=row_no, ref=ref, result=result, field_names=FIELD_NAMES
            )
    return result


def _parquet_value(value: Any) -> Any:
    if isinstance(value, list):
        return ["" if v is None else str(v) if not isinstance(v, str) else v for v in value]
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


PARQUET_SCHEMA = pa.schema([pa.field(c, pa.list_(pa.string()) if c in LIST_COLUMNS else pa.string()) for c in COLUMNS])


def write_manifest(path: Path, shipments: Iterable[Shipment]) -> int:
    """Write shipments in the format of ``path``'s suffix; returns the number written."""
    fmt = detect_format(path)
    items = list(shipments)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for s in items:
                writer.writerow(shipment_to_flat(s))
    elif fmt == "jsonl":
        with path.open("w", encoding="utf-8") as handle:
            for s in items:
                handle.write(s.model_dump_json(exclude_none=True) + "\n")
    elif fmt == "parquet":
        rows = [shipment_to_flat(s, lists=True) for s in items]
        pq.write_table(pa.Table.from_pylist(rows, schema=PARQUET_SCHEMA), path)
    else:
        path.write_text(edifact.write_cuscar(items), encoding="utf-8")
    return len(items)
