"""The Spark engine: the same indicators and scorer, run in PySpark (``local[2]`` by default).

Shipments are pickled to the Python workers; each worker builds its screener and classifier
once (cached per worker process) and scores its partitions; Spark sorts by (-score, bill of
lading), so the ranking equals the local engine's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import structlog

from tripline.cargo.indicators import IndicatorExtractor
from tripline.cargo.lookups import warm_caches
from tripline.cargo.model import Shipment
from tripline.cargo.policy import Policy
from tripline.cargo.ports import MatcherFactory, Progress, RadiationResults
from tripline.cargo.reference import load_reference
from tripline.cargo.scoring import Scored, Scorer
from tripline.settings import Settings
from tripline.spark.session import spark_session

log = structlog.get_logger(__name__)


def _score_partition(job: tuple[Any, ...], rows: Iterator[Shipment]) -> Iterator[Scored]:
    built, scorer, first = job
    extractor: IndicatorExtractor = built.value  # loaded once per worker process
    for s in rows:
        yield scorer.score(extractor.extract(s, first_shipment=s.bill_of_lading in first))


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
    session = spark_session(master, "tripline-target")
    sc = session.sparkContext
    sc.setLogLevel("ERROR")
    total = len(shipments)
    slices = partitions or max(2, min(64, total // 2000 + 2))
    # every distinct party and goods line is looked up once, on the driver (forked workers),
    # then only the answers travel to the Spark workers, not the screener and classifier
    screener, classifier = matchers(settings)
    extractor = IndicatorExtractor(
        policy, load_reference(settings.data_dir), screener=screener, classifier=classifier, radiation=radiation
    )
    warm_caches(extractor, shipments, workers=2)
    parties, goods = extractor.cache_keys(shipments)  # anything left (no fork here): look it up now
    extractor.fill(
        {(n, c): screener.screen_party(n, c) for n, c in parties},
        {(d, h): classifier.classify_goods(d, h) for d, h in goods},
    )
    built = sc.broadcast(extractor.detached())
    group = f"tripline-{time.monotonic_ns()}"
    job = (built, scorer, first)
    sc.setJobGroup(group, "tripline target")
    scored = sc.parallelize(list(shipments), slices).mapPartitions(lambda rows: _score_partition(job, rows)).cache()
    try:
        _run_with_progress(sc, group, lambda: scored.count(), total, progress)
        ordered = scored.sortBy(lambda s: (-round(s.score, 9), s.bill_of_lading), numPartitions=slices)
        result: list[Scored] = ordered.collect()
    finally:
        scored.unpersist()
        built.unpersist()
    log.info("spark scored", shipments=total, partitions=slices)
    return result


def _run_with_progress(sc: Any, group: str, action: Callable[[], Any], total: int, progress: Progress | None) -> None:
    """Run a Spark action in a thread; report finished tasks of the group as progress."""
    error: list[BaseException] = []

    def run() -> None:
        try:
            sc.setJobGroup(group, "tripline target")  # job groups are per thread
            action()
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
