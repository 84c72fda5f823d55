"""`tripline target --engine spark`: read, validate, screen, classify, score and rank in the executors.

1. Spark reads the manifest (CSV, JSON lines, Parquet; a local path or any Hadoop-compatible
   URL); each executor validates its rows as the local readers do (bad rows, with line,
   field and reason, go to the side output ``OUT.rejected``).
2. Shipments are grouped by bill of lading (a duplicate is refused naming the first line),
   and each shipper's first shipment is found by a reduce over shippers: the same rules as
   the local engine's, without the driver.
3. Each partition screens its distinct parties as one block (``screen_many``), classifies its
   distinct goods lines, extracts the indicators and scores them. The screening index travels
   as its array file, the catalogue and the portal scans as files, all checked by SHA-256 and
   opened once per Python worker (``tripline/spark/shipping.py``).
4. Spark sorts by (-score, bill of lading), the local engine's order, numbers the queue and
   writes it with its writer (JSON lines or Parquet, one part file per partition, in order).

The driver holds counts, the first rejected rows and the top of the queue, never the input.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from tripline.cargo.adapters import ControlsGoods, ScreeningParties
from tripline.cargo.flat import COLUMNS, FIELD_NAMES, REQUIRED, flat_to_record
from tripline.cargo.indicators import IndicatorExtractor, normalise_party
from tripline.cargo.model import Role, Shipment
from tripline.cargo.policy import Policy
from tripline.cargo.ports import GoodsClassifier, PartyScreener, RadiationResults
from tripline.cargo.scoring import Action, Reason, Scored, Scorer
from tripline.cargo.validate import LoadResult, RowError, build_shipment
from tripline.errors import FormatError, InputError
from tripline.spark.inputs import csv_header, input_format, numbered_records
from tripline.spark.session import spark_session
from tripline.spark.shipping import Shipped, Staging, open_object, open_screener, worker_cached

log = structlog.get_logger(__name__)

CHUNK = 2000  # shipments whose distinct parties are screened as one block
KEEP_ERRORS = 1000  # rejected rows the run lists (all are in the side output)
CACHE_LIMIT = 200_000  # look-ups a worker keeps between chunks


@dataclass(frozen=True)
class _Job:
    index: Shipped
    catalogue: Shipped
    radiation: Shipped
    data_dir: str
    policy: Policy
    scorer: Scorer
    party_threshold: float
    file: str
    fmt: str


class _Worker:
    """What one Python worker builds once per job: reference data, screener, classifier, extractor."""

    def __init__(self, job: _Job) -> None:
        from tripline.controls.classify import Classifier

        self.ref = _reference(job)
        self.parties = ScreeningParties(open_screener(job.index), threshold=job.party_threshold)
        self.goods = ControlsGoods(Classifier(open_object(job.catalogue), data_dir=Path(job.data_dir)))
        radiation: RadiationResults = open_object(job.radiation)
        self.extractor = IndicatorExtractor(
            job.policy, self.ref, screener=self.parties, classifier=self.goods, radiation=radiation
        )


def _reference(job: _Job) -> Any:
    from tripline.cargo.reference import load_reference

    return worker_cached("reference", Shipped("reference", job.data_dir), lambda: load_reference(Path(job.data_dir)))


def _worker(job: _Job) -> _Worker:
    key = Shipped(f"{job.index.name}/{job.catalogue.name}/{job.radiation.name}", job.index.sha256)
    return worker_cached("cargo", key, lambda: _Worker(job))


def _parquet_value(value: Any) -> Any:
    if isinstance(value, list):
        return ["" if v is None else v if isinstance(v, str) else str(v) for v in value]
    return value if value is None or isinstance(value, str) else str(value)


def _validate(job: _Job, records: Iterator[tuple[int, dict[str, Any] | None, str, str]]) -> Iterator[Any]:
    ref = _reference(job)
    for line, record, field, reason in records:
        if record is None:
            yield ("bad", line, field, reason)
            continue
        result = LoadResult()
        if job.fmt == "jsonl":
            shipment = build_shipment(record, file=job.file, line=line, ref=ref, result=result)
        else:
            if job.fmt == "parquet":
                record = {k: _parquet_value(v) for k, v in record.items() if k in COLUMNS}
            flat = flat_to_record(record)
            shipment = build_shipment(flat, file=job.file, line=line, ref=ref, result=result, field_names=FIELD_NAMES)
        for err in result.errors:
            yield ("bad", err.line, err.field, err.reason)
        if shipment is not None:
            shipper = shipment.party(Role.SHIPPER)
            key = normalise_party(shipper.name) if shipper else ""
            order = (
                shipment.departure_date.isoformat() if shipment.departure_date else "9999",
                shipment.bill_of_lading,
            )
            yield ("ok", shipment.bill_of_lading, line, shipment, key, order)


def _first_of_each(item: tuple[str, Any]) -> Iterator[Any]:
    """One bill of lading's rows: the first line is kept, the others are refused as duplicates."""
    _, rows = item
    ordered = sorted(rows, key=lambda r: r[2])
    first = ordered[0]
    yield first
    for row in ordered[1:]:
        yield ("bad", row[2], "bill_of_lading", f"duplicate bill of lading (first at line {first[2]})")


def _score(job: _Job, items: Iterator[tuple[str, tuple[Shipment, Any]]]) -> Iterator[Any]:
    worker = _worker(job)
    extractor = worker.extractor
    while chunk := list(itertools.islice(items, CHUNK)):
        shipments = [s for _, (s, _) in chunk]
        parties, goods = extractor.cache_keys(shipments)
        extractor.fill(
            dict(zip(parties, worker.parties.screen_parties(parties), strict=True)),
            {(d, h): worker.goods.classify_goods(d, h) for d, h in goods},
        )
        for _, (shipment, first) in chunk:
            scored = job.scorer.score(extractor.extract(shipment, first_shipment=bool(first)))
            reasons = [(r.indicator, float(round(r.points, 3)), r.detail, r.source) for r in scored.reasons]
            yield (
                (-round(scored.score, 9), scored.bill_of_lading),
                (
                    scored.bill_of_lading,
                    list(scored.containers),
                    float(round(scored.score, 3)),
                    scored.action.value,
                    reasons,
                ),
            )
        if extractor.cached() > CACHE_LIMIT:
            extractor.forget()


def _queue_schema() -> Any:
    from pyspark.sql.types import (
        ArrayType,
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    reason = StructType(
        [
            StructField("indicator", StringType()),
            StructField("points", DoubleType()),
            StructField("detail", StringType()),
            StructField("source", StringType()),
        ]
    )
    return StructType(
        [
            StructField("rank", LongType()),
            StructField("bill_of_lading", StringType()),
            StructField("containers", ArrayType(StringType())),
            StructField("score", DoubleType()),
            StructField("action", StringType()),
            StructField("reasons", ArrayType(reason)),
        ]
    )


def _scored(row: Any) -> Scored:
    rank, bl, containers, score, action, reasons = row
    return Scored(
        bl,
        tuple(containers),
        score,
        Action(action),
        tuple(Reason(i, p, d, s or "") for i, p, d, s in reasons),
        rank=rank,
    )


@dataclass
class SparkTargetRun:
    """What the driver keeps of a Spark run: counts, the first rejected rows, the top of the queue."""

    top: list[Scored]
    errors: list[RowError]
    shipments: int
    rejected: int
    seconds: float
    out: str | None


def real_capabilities(parties: PartyScreener, goods: GoodsClassifier) -> tuple[Any, Any, float]:
    """The screener and catalogue behind the runtime's matchers (what the executors rebuild)."""
    if not isinstance(parties, ScreeningParties) or not isinstance(goods, ControlsGoods):
        raise InputError("the Spark engine runs on the real screener and classifier only", field="engine")
    return parties.screener, goods.classifier.catalogue, parties.threshold


def rejected_location(out: str) -> str:
    return out.rstrip("/") + ".rejected"


def target_spark(
    source: str,
    *,
    out: str | None,
    data_dir: Path,
    policy: Policy,
    parties: PartyScreener,
    goods: GoodsClassifier,
    radiation: RadiationResults,
    scorer: Scorer,
    known_shippers: frozenset[str] = frozenset(),
    master: str = "local[2]",
    top: int = 50,
    partitions: int | None = None,
    conf: Mapping[str, str] | None = None,
) -> SparkTargetRun:
    """Target the manifest at `source` on Spark; the ranked queue is written to `out` (a directory)."""
    from pyspark import StorageLevel

    started = time.perf_counter()
    fmt = input_format(source)
    if out is not None and input_format(out) == "csv":
        raise InputError("the Spark engine writes the queue as .jsonl or .parquet", file=out, field="out")
    screener, catalogue, threshold = real_capabilities(parties, goods)
    session = spark_session(master, "tripline-target", conf)
    context = session.sparkContext
    staging = Staging(context)
    try:
        header = None
        if fmt == "csv":
            header = csv_header(context, source)
            _check_columns(source, header, line=1)
        elif fmt == "parquet":
            _check_columns(source, session.read.parquet(source).columns, line=None)
        job = _Job(
            index=staging.ship_screener(screener),
            catalogue=staging.ship_object("catalogue", catalogue),
            radiation=staging.ship_object("radiation", radiation),
            data_dir=str(data_dir),
            policy=policy,
            scorer=scorer,
            party_threshold=threshold,
            file=source,
            fmt=fmt,
        )
        slices = partitions or max(2, context.defaultParallelism)
        known = {normalise_party(n) for n in known_shippers}
        checked = numbered_records(session, source, fmt, header).mapPartitions(lambda rs: _validate(job, rs))
        checked = checked.persist(StorageLevel.MEMORY_AND_DISK)
        kept = (
            checked.filter(lambda r: r[0] == "ok")
            .keyBy(lambda r: r[1])
            .groupByKey(slices)
            .flatMap(_first_of_each)
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        bad = checked.filter(lambda r: r[0] == "bad").union(kept.filter(lambda r: r[0] == "bad"))
        good = kept.filter(lambda r: r[0] == "ok")
        firsts = (
            good.filter(lambda r: r[4] not in known)
            .map(lambda r: (r[4], r[5]))
            .reduceByKey(min, slices)
            .map(lambda kv: (kv[1][1], True))
        )
        scored = (
            good.map(lambda r: (r[1], r[3]))
            .leftOuterJoin(firsts, slices)
            .mapPartitions(lambda items: _score(job, items))
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        ordered = scored.sortByKey(numPartitions=slices).values()
        ranked = ordered.zipWithIndex().map(lambda pair: (pair[1] + 1, *pair[0]))
        frame = session.createDataFrame(ranked, _queue_schema())
        if out is not None:
            writer = frame.write.mode("overwrite")
            writer.parquet(out) if input_format(out) == "parquet" else writer.json(out)
            rejects = bad.map(lambda r: (r[1], r[2], r[3]))
            session.createDataFrame(rejects, "line long, field string, reason string").write.mode("overwrite").json(
                rejected_location(out)
            )
        head = [_scored(row) for row in ranked.take(top)] if top else []
        shipments = scored.count()
        rejected = bad.count()
        errors = [
            RowError(source, line, field, reason)
            for _, line, field, reason in bad.takeOrdered(KEEP_ERRORS, key=lambda r: (r[1], r[2]))
        ]
        for rdd in (scored, kept, checked):
            rdd.unpersist()
        seconds = time.perf_counter() - started
        log.info("spark targeted", master=master, shipments=shipments, rejected=rejected, seconds=round(seconds, 2))
        return SparkTargetRun(head, errors, shipments, rejected, seconds, out)
    finally:
        staging.close()
        session.stop()


def _check_columns(source: str, columns: list[str], line: int | None) -> None:
    missing = sorted(REQUIRED - set(columns))
    if missing:
        raise FormatError(f"missing column(s): {', '.join(missing)}", file=source, line=line, field=missing[0])
    if line is not None:
        unknown = [c for c in columns if c not in COLUMNS]
        if unknown:
            raise FormatError(f"unknown column {unknown[0]!r}", file=source, line=line, field=unknown[0])
