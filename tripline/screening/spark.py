"""`screen-file` on Spark: read, validate, screen and write in the executors.

Spark reads the input (CSV, JSON lines, Parquet; a local path or any Hadoop-compatible URL),
each executor validates its rows (bad rows go to a side output with their line and reason,
as the local engine reports them), screens the good ones ``BLOCK`` at a time through
:meth:`Screener.screen_many` (the block path), and Spark's writer writes the results in
input order (one part file per partition). The index travels once per executor as its
array file and is mapped once per Python worker (``tripline/spark/shipping.py``).

The driver holds counts and the first ``KEEP_BAD`` bad rows, never the input or the results.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from tripline.errors import InputError
from tripline.screening.batch import BLOCK, FLAT_COLUMNS, BatchReport, Columns, parse_row
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD
from tripline.screening.screener import Screener
from tripline.spark.inputs import input_format, numbered_records
from tripline.spark.session import spark_session, stop_session
from tripline.spark.shipping import Shipped, Staging, open_screener

log = structlog.get_logger(__name__)

KEEP_BAD = 1000  # bad rows the report lists (all of them are in the side output)


@dataclass(frozen=True)
class _Job:
    index: Shipped
    columns: Columns
    threshold: float
    limit: int
    flat: bool


def _validate(columns: Columns, records: Iterator[tuple[int, dict[str, Any] | None, str, str]]) -> Iterator[Any]:
    for line, record, field, reason in records:
        if record is None:
            yield ("bad", line, field, reason)
            continue
        try:
            row_id, query = parse_row(line, record, columns)
        except InputError as exc:
            yield ("bad", line, exc.field or "record", exc.message)
            continue
        yield ("ok", line, row_id, query)


def _screen(job: _Job, matched: Any, rows: Iterator[Any]) -> Iterator[Any]:
    screener = open_screener(job.index)
    while chunk := list(itertools.islice(rows, BLOCK)):
        results = screener.screen_many([r[3] for r in chunk], threshold=job.threshold, limit=job.limit)
        matched.add(sum(1 for r in results if r.matches))
        for row, result in zip(chunk, results, strict=True):
            data = result.to_dict()
            if not job.flat:
                yield (json.dumps({"id": row[2], **data}, ensure_ascii=False),)
                continue
            name = data["query"]["name"]
            if not data["matches"]:
                yield (row[2], name, None, None, None, None, None, None, None, None, None)
            for rank, m in enumerate(data["matches"], start=1):
                yield (
                    row[2], name, rank, m["entity_id"], m["caption"], m["schema"], m["list"], m["list_entry_id"],
                    float(m["score"]), m["matched_name"], " | ".join(m["explanation"]),
                )  # fmt: skip


def _flat_schema() -> Any:
    from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType

    kinds = {"rank": IntegerType(), "score": DoubleType()}
    return StructType([StructField(c, kinds.get(c, StringType())) for c in FLAT_COLUMNS])


def rejected_location(out: str) -> str:
    """Where the bad rows of a job writing `out` go (JSON lines: line, field, reason)."""
    return out.rstrip("/") + ".rejected"


def screen_spark(
    screener: Screener,
    source: str,
    out: str,
    columns: Columns,
    *,
    master: str = "local[2]",
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    conf: Mapping[str, str] | None = None,
) -> BatchReport:
    """Screen every good row of `source` into the directory `out` (format by its suffix)."""
    from pyspark import StorageLevel

    fmt_in, fmt_out = input_format(source), input_format(out)
    session = spark_session(master, "tripline-screen-file", conf)
    context = session.sparkContext
    staging = Staging(context)
    try:
        job = _Job(staging.ship_screener(screener), columns, threshold, limit, fmt_out != "jsonl")
        records = numbered_records(session, source, fmt_in)
        checked = records.mapPartitions(lambda rs: _validate(columns, rs)).persist(StorageLevel.MEMORY_AND_DISK)
        bad = checked.filter(lambda r: r[0] == "bad").map(lambda r: (r[1], r[2], r[3]))
        good = checked.filter(lambda r: r[0] == "ok")
        matched = context.accumulator(0)
        results = good.mapPartitions(lambda rows: _screen(job, matched, rows))
        if fmt_out == "jsonl":
            frame = session.createDataFrame(results, "value string")
            frame.write.mode("overwrite").text(out)
        else:
            frame = session.createDataFrame(results, _flat_schema())
            writer = frame.write.mode("overwrite")
            writer.parquet(out) if fmt_out == "parquet" else writer.option("header", True).csv(out)
        session.createDataFrame(bad, "line long, field string, reason string").write.mode("overwrite").json(
            rejected_location(out)
        )
        report = BatchReport()
        counts = dict(checked.map(lambda r: (r[0], 1)).reduceByKey(lambda a, b: a + b).collect())
        report.screened = counts.get("ok", 0)
        report.rows = report.screened + counts.get("bad", 0)
        report.with_matches = int(matched.value)
        report.bad_rows = [(line, reason) for line, _field, reason in bad.takeOrdered(KEEP_BAD, key=lambda r: r[0])]
        checked.unpersist()
        log.info("spark screening done", master=master, rows=report.rows, bad=counts.get("bad", 0), out=out)
        return report
    finally:
        staging.close()
        stop_session(session)
