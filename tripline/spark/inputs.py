"""Input read by Spark, each record with its line (CSV, JSON lines) or row number (Parquet).

Text is read with ``SparkContext.textFile`` (local paths and any Hadoop-compatible URL; ``.gz``
is decompressed) and numbered with ``zipWithIndex``, which keeps the file's order: record
``i`` is line ``i + 1``, as the local readers count. A CSV record must be one line (Spark's
CSV reader makes the same assumption unless ``multiLine`` is set). Hadoop decodes text as
UTF-8 and puts U+FFFD where bytes are not UTF-8: such a line is a bad row of field
``encoding``. Parquet rows are numbered by Spark's ``_metadata.row_index`` (1-based here).

Nothing here brings records to the driver but the CSV header line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from itertools import zip_longest
from typing import Any

from tripline.errors import FormatError

NOT_UTF8 = "\ufffd"
TEXT_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet"}

# (line, record or None, error field, error reason)
Numbered = tuple[int, dict[str, Any] | None, str, str]


def input_format(location: str) -> str:
    name = location.rstrip("/").rsplit("/", 1)[-1].lower()
    name = name.removesuffix(".gz")
    for suffix, fmt in TEXT_SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    raise FormatError(f"unknown input format (use {', '.join(sorted(TEXT_SUFFIXES))})", file=location)


def csv_records(header: list[str], rows: Iterator[tuple[str, int]]) -> Iterator[Numbered]:
    """The records of CSV `rows` (text, line - 1) under `header`; line 1 (the header) is skipped."""
    width = len(header)
    for text, index in rows:
        line = index + 1
        if line == 1:
            continue
        if not text.strip():
            continue
        if NOT_UTF8 in text:
            yield line, None, "encoding", "not valid utf-8"
            continue
        try:
            values = next(csv.reader([text]))
        except (csv.Error, StopIteration) as exc:
            yield line, None, "record", f"not readable as CSV: {exc}"
            continue
        if len(values) > width:
            yield line, None, "record", "more values than header columns"
            continue
        yield line, dict(zip_longest(header, values)), "", ""


def json_records(rows: Iterator[tuple[str, int]]) -> Iterator[Numbered]:
    """The records of JSON-lines `rows` (text, line - 1); each line must be one JSON object."""
    for text, index in rows:
        line = index + 1
        if line == 1:
            text = text.lstrip("\ufeff")
        if not text.strip():
            continue
        if NOT_UTF8 in text:
            yield line, None, "encoding", "not valid utf-8"
            continue
        try:
            record = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            yield line, None, "record", f"invalid JSON: {reason}"
            continue
        if not isinstance(record, dict):
            yield line, None, "record", "each line must be a JSON object"
            continue
        yield line, record, "", ""


def csv_header(session: Any, location: str) -> list[str]:
    """The header of a CSV input (the one line the driver reads, in the JVM: no Python worker
    starts for it); FormatError if there is none."""
    first = session.read.text(location).head()
    if first is None:
        raise FormatError("empty file: no header line", file=location, line=1)
    return next(csv.reader([first["value"].lstrip("\ufeff")]))


def numbered_records(session: Any, location: str, fmt: str, header: list[str] | None = None) -> Any:
    """An RDD of :data:`Numbered` records of the input at `location`."""
    context = session.sparkContext
    if fmt == "parquet":
        frame = session.read.parquet(location)
        columns = [c for c in frame.columns]
        frame = frame.select(*columns, "_metadata.row_index")

        def rows(items: Iterator[Any]) -> Iterator[Numbered]:
            for row in items:
                record = row.asDict(recursive=True)
                line = int(record.pop("row_index")) + 1
                yield line, record, "", ""

        return frame.rdd.mapPartitions(rows)
    numbered = context.textFile(location).zipWithIndex()
    if fmt == "csv":
        names = header if header is not None else csv_header(session, location)
        return numbered.mapPartitions(lambda rows: csv_records(names, rows))
    return numbered.mapPartitions(json_records)
