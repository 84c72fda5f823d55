"""The same screener on PySpark: the index is pickled once, broadcast, and unpickled per partition.

The driver reads and validates the input (bad rows are reported as in the local engine),
Spark screens partitions in parallel, and results stream back in input order
(``toLocalIterator``) to the same writers the local engine uses.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

import structlog

from tripline.screening.batch import ResultRow
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD, ScreeningQuery
from tripline.screening.screener import Screener

log = structlog.get_logger(__name__)


def _screen_partition(
    payload: Any, threshold: float, limit: int
) -> Any:  # returns a function Spark ships to the workers
    def run(rows: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[str]:
        screener: Screener = pickle.loads(payload.value)
        for row_id, raw in rows:
            raw["identifiers"] = tuple(raw.get("identifiers") or ())
            result = screener.screen(ScreeningQuery(**raw), threshold=threshold, limit=limit)
            yield json.dumps([row_id, result.to_dict()], ensure_ascii=False)

    return run


def screen_spark(
    screener: Screener,
    items: Iterable[tuple[str, ScreeningQuery]],
    *,
    master: str = "local[2]",
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    partitions: int | None = None,
) -> Iterator[ResultRow]:
    """Screen `items` on Spark at `master`; yields (id, result dict) in input order."""
    from tripline.spark import spark_session

    spark = spark_session("tripline-screen-file", master)
    try:
        context = spark.sparkContext
        context.setLogLevel("ERROR")
        payload = context.broadcast(pickle.dumps(screener, protocol=pickle.HIGHEST_PROTOCOL))
        rows = [(row_id, asdict(query)) for row_id, query in items]
        slices = partitions or max(1, context.defaultParallelism)
        log.info("spark screening", master=master, rows=len(rows), partitions=slices)
        rdd = context.parallelize(rows, numSlices=slices).mapPartitions(_screen_partition(payload, threshold, limit))
        for line in rdd.toLocalIterator():
            row_id, result = json.loads(line)
            yield str(row_id), result
    finally:
        spark.stop()
