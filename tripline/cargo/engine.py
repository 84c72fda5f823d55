"""Targeting a manifest file: read, extract indicators, score, rank (local engine).

The Spark engine (:mod:`tripline.cargo.spark_pass`) shares every step but the loop.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import structlog

from tripline.cargo.indicators import IndicatorExtractor, first_shipments
from tripline.cargo.lookups import warm_caches
from tripline.cargo.model import Shipment
from tripline.cargo.policy import Policy
from tripline.cargo.ports import MatcherFactory, Progress, RadiationResults
from tripline.cargo.readers import iter_manifest
from tripline.cargo.reference import ReferenceData, load_reference
from tripline.cargo.scoring import RuleScorer, Scored, Scorer, rank
from tripline.cargo.stream import QueueBuilder, chunked, estimate_rows
from tripline.cargo.validate import LoadResult, RowError
from tripline.errors import InputError
from tripline.settings import Settings

log = structlog.get_logger(__name__)

CHUNK = 20_000  # shipments read, looked up and scored at a time by the local engine
CACHE_LIMIT = 400_000  # look-ups kept between chunks (past it the caches start again empty)


class Engine(StrEnum):
    LOCAL = "local"
    SPARK = "spark"


@dataclass
class TargetRun:
    ranked: list[Scored]
    errors: list[RowError] = field(default_factory=list)
    shipments: int = 0
    seconds: float = 0.0
    engine: str = Engine.LOCAL.value
    scorer: str = "rules"
    rejected: int | None = None  # Spark: all rejected rows (``errors`` lists the first ones)
    out: str | None = None  # Spark: where the whole queue was written

    @property
    def per_second(self) -> float:
        return self.shipments / self.seconds if self.seconds > 0 else 0.0


def score_local(
    shipments: Sequence[Shipment],
    extractor: IndicatorExtractor,
    scorer: Scorer,
    first: set[str],
    progress: Progress | None = None,
) -> list[Scored]:
    out: list[Scored] = []
    total = len(shipments)
    step = max(1, total // 200)
    for i, s in enumerate(shipments, start=1):
        out.append(scorer.score(extractor.extract(s, first_shipment=s.bill_of_lading in first)))
        if progress is not None and (i % step == 0 or i == total):
            progress(i, total)
    return out


def score_parallel(
    shipments: Sequence[Shipment],
    extractor: IndicatorExtractor,
    scorer: Scorer,
    first: set[str],
    workers: int,
    progress: Progress | None = None,
) -> list[Scored]:
    """Warm the caches in ``workers`` processes, then score (cheap once the look-ups are cached)."""
    looked_up = warm_caches(extractor, shipments, workers)
    if looked_up:
        log.info("look-ups done in parallel", lookups=looked_up, workers=workers)
    return score_local(shipments, extractor, scorer, first, progress)


def target_shipments(
    shipments: Sequence[Shipment],
    *,
    settings: Settings,
    policy: Policy,
    matchers: MatcherFactory,
    radiation: RadiationResults,
    ref: ReferenceData | None = None,
    scorer: Scorer | None = None,
    engine: Engine = Engine.LOCAL,
    known_shippers: Iterable[str] = (),
    progress: Progress | None = None,
    workers: int = 1,
) -> list[Scored]:
    """Score and rank shipments that are already loaded (``workers`` > 1: forked processes)."""
    ref = ref or load_reference(settings.data_dir)
    scorer = scorer or RuleScorer(policy)
    first = first_shipments(shipments, known_shippers)
    if engine is Engine.SPARK:
        raise InputError("the Spark engine reads its manifest itself: target a file", field="engine")
    screener, classifier = matchers(settings)
    extractor = IndicatorExtractor(policy, ref, screener=screener, classifier=classifier, radiation=radiation)
    scored = score_parallel(shipments, extractor, scorer, first, workers, progress)
    return rank(scored)


def target_file(
    path: Path | str,
    *,
    settings: Settings,
    policy: Policy,
    matchers: MatcherFactory,
    radiation: RadiationResults,
    scorer: Scorer | None = None,
    engine: Engine = Engine.LOCAL,
    known_shippers: Iterable[str] = (),
    progress: Progress | None = None,
    workers: int = 1,
    master: str = "local[2]",
    out: str | None = None,
    top: int = 50,
    conf: Mapping[str, str] | None = None,
    keep: int | None = None,
    chunk: int = CHUNK,
) -> TargetRun:
    """Read a manifest and return its ranked queue (bad rows are reported, good rows scored).

    The local engine streams the file: ``chunk`` shipments at a time are read, validated, looked up
    (in ``workers`` forked processes) and scored, then dropped; only the queue is kept, and with
    ``keep`` only its best ``keep`` (bounded memory, the same order as the whole queue's head; see
    :mod:`tripline.cargo.stream`).

    The Spark engine (:func:`tripline.cargo.spark_pass.target_spark`) reads `path` (a local path or a
    Hadoop-compatible URL) at `master`, writes the whole queue to `out` and returns its ``top``."""
    started = time.perf_counter()
    if engine is Engine.SPARK:
        from tripline.cargo.spark_pass import target_spark

        parties, goods = matchers(settings)
        done = target_spark(
            str(path),
            out=out,
            data_dir=settings.data_dir,
            policy=policy,
            parties=parties,
            goods=goods,
            radiation=radiation,
            scorer=scorer or RuleScorer(policy),
            known_shippers=frozenset(known_shippers),
            master=master,
            top=top,
            conf=conf,
        )
        if progress is not None:
            progress(done.shipments, done.shipments)
        return TargetRun(
            done.top,
            done.errors,
            done.shipments,
            done.seconds,
            engine.value,
            (scorer or RuleScorer(policy)).name,
            rejected=done.rejected,
            out=done.out,
        )
    path = Path(path)
    ref = load_reference(settings.data_dir)
    scorer = scorer or RuleScorer(policy)
    screener, classifier = matchers(settings)
    extractor = IndicatorExtractor(policy, ref, screener=screener, classifier=classifier, radiation=radiation)
    builder = QueueBuilder(scorer, known_shippers, keep)
    loaded = LoadResult(keep=False)
    expected = estimate_rows(path) if progress is not None else 0
    step = max(1, expected // 200)  # about 200 progress reports over the file
    for batch in chunked(iter_manifest(path, ref, loaded), chunk):
        warm_caches(extractor, batch, workers)
        for s in batch:
            builder.add(s, extractor.extract(s))
            if progress is not None and builder.added % step == 0:
                progress(builder.added, max(expected, builder.added))
        if extractor.cached() > CACHE_LIMIT:
            extractor.forget()
    if progress is not None:
        progress(builder.added, builder.added)
    ranked = builder.ranked()
    seconds = time.perf_counter() - started
    run = TargetRun(ranked, loaded.errors, builder.added, seconds, engine.value, scorer.name)
    log.info(
        "manifest targeted",
        file=str(path),
        shipments=run.shipments,
        rejected=len(run.errors),
        seconds=round(seconds, 2),
    )
    return run
