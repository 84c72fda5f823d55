"""Screen a file of parties: CSV, JSON lines or Parquet in and out (by extension).

Bad rows (no name, a bad country or date, a line that is not JSON) are reported with their
line and skipped; good rows are screened. JSON-lines output has one object per input row
(``{"id", "query", "matches"}``); CSV and Parquet have one row per match, and one row with
empty match columns for an input row that matched nothing.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import structlog

from tripline.errors import FormatError, InputError
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD, ScreeningQuery
from tripline.screening.screener import Screener

log = structlog.get_logger(__name__)

BLOCK = 5000  # rows screened per screen_many call
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet"}
FLAT_COLUMNS = (
    "id", "query_name", "rank", "entity_id", "caption", "schema", "list", "list_entry_id", "score", "matched_name",
    "explanation",
)  # fmt: skip


@dataclass(frozen=True)
class Columns:
    """Which input columns hold what."""

    name: str
    country: str | None = None
    schema: str | None = None
    birth_date: str | None = None
    id: str | None = None
    default_schema: str | None = None


@dataclass
class BatchReport:
    rows: int = 0
    screened: int = 0
    with_matches: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "screened": self.screened,
            "with_matches": self.with_matches,
            "bad_rows": [{"line": line, "error": msg} for line, msg in self.bad_rows],
        }


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unknown file type {path.suffix!r} (use .csv, .jsonl or .parquet)", file=path)
    return fmt


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line, row, error) for each record: CSV line numbers, JSON-lines lines, Parquet rows + 1."""
    fmt = file_format(path)
    if not path.is_file():
        raise InputError("no such file", file=path)
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            for row in reader:
                yield reader.line_num, dict(row), None
    elif fmt == "jsonl":
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield n, None, f"invalid JSON: {exc.msg}"
                    continue
                if not isinstance(obj, dict):
                    yield n, None, "each line must be a JSON object"
                    continue
                yield n, obj, None
    else:
        try:
            parquet = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise FormatError(f"not a Parquet file: {exc}", file=path) from exc
        n = 0
        for batch in parquet.iter_batches(batch_size=10_000):
            for row in batch.to_pylist():
                n += 1
                yield n, row, None


def _text(row: dict[str, Any], column: str | None) -> str | None:
    if column is None:
        return None
    value = row.get(column)
    if value is None:
        return None
    return str(value).strip() or None


def parse_row(line: int, row: dict[str, Any], columns: Columns) -> tuple[str, ScreeningQuery]:
    """The id and query of one input row; :class:`InputError` names the line and column."""
    if columns.name not in row:
        raise InputError(f"no column {columns.name!r}", line=line, field=columns.name)
    name = _text(row, columns.name)
    if not name:
        raise InputError("name is empty", line=line, field=columns.name)
    row_id = _text(row, columns.id) or str(line)
    try:
        query = ScreeningQuery.build(
            name,
            country=_text(row, columns.country),
            schema=_text(row, columns.schema) or columns.default_schema,
            birth_date=_text(row, columns.birth_date),
        )
    except InputError as exc:
        column = {"country": columns.country, "schema": columns.schema, "birth_date": columns.birth_date}.get(
            exc.field or "", exc.field
        )
        raise InputError(exc.reason, line=line, field=column) from exc
    return row_id, query


def queries(path: Path, columns: Columns, report: BatchReport) -> Iterator[tuple[str, ScreeningQuery]]:
    """Good rows as (id, query); bad rows go to `report` with their line."""
    for line, row, error in read_rows(path):
        report.rows += 1
        if error is not None or row is None:
            report.bad_rows.append((line, error or "unreadable"))
            continue
        try:
            yield parse_row(line, row, columns)
        except InputError as exc:
            report.bad_rows.append((line, exc.message))
            log.warning("bad row skipped", file=str(path), line=line, error=exc.message)


ResultRow = tuple[str, dict[str, Any]]  # (id, ScreeningResult.to_dict())


def screen_local(
    screener: Screener,
    items: Iterable[tuple[str, ScreeningQuery]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    workers: int = 1,
    block: int = BLOCK,
) -> Iterator[ResultRow]:
    """Results in input order, screened `block` rows at a time through :meth:`Screener.screen_many`
    (identical queries once; `workers` forked processes when a block is large enough)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, block)):
        results = screener.screen_many([q for _, q in chunk], threshold=threshold, limit=limit, workers=workers)
        for (row_id, _), result in zip(chunk, results, strict=True):
            yield row_id, result.to_dict()


def write_results(
    path: Path, results: Iterable[ResultRow], report: BatchReport, progress: Callable[[int], None]
) -> None:
    """Write results in the format of `path`'s extension; counts go to `report`."""
    fmt = file_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def counted() -> Iterator[ResultRow]:
        for item in results:
            report.screened += 1
            if item[1]["matches"]:
                report.with_matches += 1
            progress(1)
            yield item

    if fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as fh:
            for row_id, result in counted():
                fh.write(json.dumps({"id": row_id, **result}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(FLAT_COLUMNS)
            for flat in _flat(counted()):
                writer.writerow(["" if v is None else v for v in flat])
    else:
        schema = pa.schema(
            [(c, pa.int32() if c == "rank" else pa.float64() if c == "score" else pa.string()) for c in FLAT_COLUMNS]
        )
        with pq.ParquetWriter(path, schema) as writer:
            chunk: list[tuple[Any, ...]] = []
            for flat in _flat(counted()):
                chunk.append(flat)
                if len(chunk) >= 5000:
                    writer.write_table(_table(chunk, schema))
                    chunk = []
            writer.write_table(_table(chunk, schema))


def _table(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    data: dict[str, list[Any]] = {name: [] for name in FLAT_COLUMNS}
    for row in rows:
        for name, value in zip(FLAT_COLUMNS, row, strict=True):
            data[name].append(value)
    return pa.table(data, schema=schema)


def _flat(results: Iterable[ResultRow]) -> Iterator[tuple[Any, ...]]:
    for row_id, result in results:
        name = result["query"]["name"]
        if not result["matches"]:
            yield (row_id, name, None, None, None, None, None, None, None, None, None)
        for rank, m in enumerate(result["matches"], start=1):
            yield (
                row_id, name, rank, m["entity_id"], m["caption"], m["schema"], m["list"], m["list_entry_id"],
                m["score"], m["matched_name"], " | ".join(m["explanation"]),
            )  # fmt: skip
