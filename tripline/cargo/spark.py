"""The Spark engine: the same indicators and scorer, run in PySpark (``local[2]`` by default).

Shipments are pickled to the Python workers; each worker builds its screener and classifier
once (cached per worker process) and scores its partitions; Spark sorts by (-score, bill of
lading), so the ranking equals the local engine's.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import structlog

from tripline.cargo.engine import MatcherFactory, Progress
from tripline.cargo.indicators import IndicatorExtractor
from tripline.cargo.model import Shipment
from tripline.cargo.policy import Policy
from tripline.cargo.ports import RadiationResults
from tripline.cargo.reference import load_reference
from tripline.cargo.scoring import Scored, Scorer
from tripline.settings import Settings

log = structlog.get_logger(__name__)

_WORKER_CACHE: dict[tuple[str, str, str], IndicatorExtractor] = {}


def _extractor(
    settings: Settings, policy: Policy, matchers: MatcherFactory, radiation: RadiationResults
) -> IndicatorExtractor:
    key = (repr(matchers), str(settings.data_dir), settings.effective_database_url)
    cached = _WORKER_CACHE.get(key)
    if cached is None or cached.policy != policy:
        screener, classifier = matchers(settings)
        cached = IndicatorExtractor(
            policy, load_reference(settings.data_dir), screener=screener, classifier=classifier, radiation=radiation
        )
        _WORKER_CACHE[key] = cached
    cached.radiation = radiation
    return cached


def _score_partition(job: tuple[Any, ...], rows: Iterator[Shipment]) -> Iterator[Scored]:
    settings, policy, matchers, radiation, scorer, first = job
    extractor = _extractor(settings, policy, matchers, radiation)
    for s in rows:
        yield scorer.score(extractor.extract(s, first_shipment=s.bill_of_lading in first))


def spark_session(master: str = "local[2]") -> Any:
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("tripline-target")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .config("spark.python.worker.reuse", "true")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def score_spark(
    shipments: Sequence[Shipment],
    *,
    settings: Settings,
    policy: Policy,
    matchers: MatcherFactory,
    radiation: RadiationResults,
    scorer: Scorer,
    first: set[str],
    progress: Progress | None = None,
    master: str = "local[2]",
    partitions: int | None = None,
) -> list[Scored]:
    """Score in Spark and return the shipments sorted by (-score, bill of lading)."""
    session = spark_session(master)
    sc = session.sparkContext
    sc.setLogLevel("ERROR")
    total = len(shipments)
    slices = partitions or max(2, min(64, total // 2000 + 2))
    job = (settings, policy, matchers, radiation, scorer, first)
    group = f"tripline-{time.monotonic_ns()}"
    sc.setJobGroup(group, "tripline target")
    rdd = sc.parallelize(list(shipments), slices).mapPartitions(lambda rows: _score_partition(job, rows))
    ordered = rdd.sortBy(lambda s: (-round(s.score, 9), s.bill_of_lading), numPartitions=slices)
    result: list[Scored] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.extend(ordered.collect())
        except BaseException as exc:  # surfaced in the caller's thread
            error.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    tracker = sc.statusTracker()
    while worker.is_alive():
        worker.join(0.25)
        if progress is None:
            continue
        done = tasks = 0
        for job_id in tracker.getJobIdsForGroup(group):
            info = tracker.getJobInfo(job_id)
            for stage_id in info.stageIds if info else ():
                stage = tracker.getStageInfo(stage_id)
                if stage:
                    done += stage.numCompletedTasks
                    tasks += stage.numTasks
        if tasks:
            progress(min(total, total * done // tasks), total)
    if error:
        raise error[0]
    if progress is not None:
        progress(total, total)
    log.info("spark scored", shipments=total, partitions=slices)
    return result
