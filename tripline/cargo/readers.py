"""Manifest readers (CSV, JSON lines, Parquet, EDIFACT CUSCAR) and writers, chosen by file suffix.

Every reader returns a :class:`LoadResult`: the shipments that passed, and every bad row or
segment with its file, line and field. A file that cannot be read at all raises
:class:`~tripline.errors.FormatError`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
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
from tripline.lists.formats.reader import CsvRows, text_lines

PARQUET_BATCH = 10_000  # rows decoded at a time

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
    result = LoadResult()
    for _ in iter_manifest(path, ref, result):
        pass
    return result


def iter_manifest(path: Path, ref: ReferenceData, result: LoadResult) -> Iterator[Shipment]:
    """Read and validate a manifest, yielding each good shipment as it is read; bad rows go to
    ``result.errors`` (and good ones to ``result.shipments`` only if ``result.keep``).

    CSV, JSON lines and Parquet are read a line or a batch at a time; an EDIFACT interchange is
    checked whole (its UNT/UNZ counts) before its first consignment is yielded. A file refused
    whole raises :class:`~tripline.errors.FormatError`, possibly after some shipments were yielded
    (the CSV and JSON-lines truncation checks are on the last line): a caller that stores must not
    store before the iterator ends."""
    if not path.exists():
        raise InputError("file not found", file=path)
    fmt = detect_format(path)
    if fmt == "csv":
        return _csv_shipments(path, ref, result)
    if fmt == "jsonl":
        return _jsonl_shipments(path, ref, result)
    if fmt == "parquet":
        return _parquet_shipments(path, ref, result)
    return _edifact_shipments(path, ref, result)


def _edifact_shipments(path: Path, ref: ReferenceData, result: LoadResult) -> Iterator[Shipment]:
    loaded = edifact.read_cuscar(path, ref)  # duplicates within the file already refused there
    result.errors.extend(loaded.errors)
    result.lines.update(loaded.lines)
    if result.keep:
        result.shipments.extend(loaded.shipments)
    yield from loaded.shipments


def read_csv(path: Path, ref: ReferenceData) -> LoadResult:
    result = LoadResult()
    for _ in _csv_shipments(path, ref, result):
        pass
    return result


def _csv_shipments(path: Path, ref: ReferenceData, result: LoadResult) -> Iterator[Shipment]:
    """CSV with the flat columns, read line by line through the lists' bounded reader.

    A row with fewer values than the header is a bad row; the last row must end with a line
    break, or the file is refused as truncated (a cut file cannot be told from a complete one
    by its values: the last field may be cut short and still be valid).
    """
    source = CsvRows(path)
    header: list[str] | None = None
    for line, values in source:
        if header is None:
            if not any(v.strip() for v in values):
                continue
            header = [v.strip() for v in values]
            _check_header(path, header)
            continue
        if not any(v.strip() for v in values):
            continue
        if not source.terminated:  # only the file's last line can lack its line break
            raise FormatError(
                "the last row does not end with a line break: the file is truncated (refused whole)",
                file=path,
                line=line,
                field=header[min(len(values), len(header)) - 1],
            )
        if len(values) > len(header):
            result.errors.append(RowError(str(path), line, "record", "more values than header columns"))
            continue
        if len(values) < len(header):
            result.errors.append(
                RowError(str(path), line, header[len(values)], f"{len(values)} of {len(header)} columns")
            )
            continue
        shipment = build_shipment(
            flat_to_record(dict(zip(header, values, strict=True))),
            file=path,
            line=line,
            ref=ref,
            result=result,
            field_names=FIELD_NAMES,
        )
        if shipment is not None:
            yield shipment
    if header is None:
        raise FormatError("empty file: no header line", file=path, line=1)


def _check_header(path: Path, header: list[str]) -> None:
    missing = sorted(REQUIRED - set(header))
    if missing:
        raise FormatError(f"missing column(s): {', '.join(missing)}", file=path, line=1, field=missing[0])
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise FormatError(f"unknown column {unknown[0]!r}", file=path, line=1, field=unknown[0])


def read_jsonl(path: Path, ref: ReferenceData) -> LoadResult:
    result = LoadResult()
    for _ in _jsonl_shipments(path, ref, result):
        pass
    return result


def _jsonl_shipments(path: Path, ref: ReferenceData, result: LoadResult) -> Iterator[Shipment]:
    records = 0
    for line_no, text in enumerate(text_lines(path), start=1):
        if not text.strip():
            continue
        records += 1
        try:
            record = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            if not text.endswith("\n"):  # the last line, cut short
                raise FormatError(
                    f"the last line is not complete JSON ({reason}) and has no line break: the file is truncated"
                    " (refused whole)",
                    file=path,
                    line=line_no,
                    field="record",
                ) from None
            result.errors.append(RowError(str(path), line_no, "record", f"invalid JSON: {reason}"))
            continue
        if not isinstance(record, dict):
            result.errors.append(RowError(str(path), line_no, "record", "each line must be a JSON object"))
            continue
        shipment = build_shipment(record, file=path, line=line_no, ref=ref, result=result)
        if shipment is not None:
            yield shipment
    if records == 0:
        raise FormatError("empty file: no JSON lines", file=path, line=1)


def read_parquet(path: Path, ref: ReferenceData) -> LoadResult:
    """Parquet with the flat columns; ``line`` in errors is the 1-based row number."""
    result = LoadResult()
    for _ in _parquet_shipments(path, ref, result):
        pass
    return result


def _parquet_shipments(path: Path, ref: ReferenceData, result: LoadResult) -> Iterator[Shipment]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise FormatError(f"not a Parquet file: {exc}", file=path) from None
    names = parquet.schema_arrow.names
    missing = sorted(REQUIRED - set(names))
    if missing:
        raise FormatError(f"missing column(s): {', '.join(missing)}", file=path, field=missing[0])
    row_no = 0
    batches = parquet.iter_batches(batch_size=PARQUET_BATCH, columns=[c for c in names if c in COLUMNS])
    while True:  # one row group's batch in memory at a time, never the whole table
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as exc:
            raise FormatError(f"unreadable after row {row_no}: {exc}", file=path, line=row_no + 1) from None
        if batch is None:
            break
        for row in batch.to_pylist():
            row_no += 1
            clean = {k: _parquet_value(v) for k, v in row.items()}
            shipment = build_shipment(
                flat_to_record(clean), file=path, line=row_no, ref=ref, result=result, field_names=FIELD_NAMES
            )
            if shipment is not None:
                yield shipment


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
