"""`tripline target --engine spark`: read, validate, screen, classify, score and rank in the executors.

1. Spark reads the manifest (CSV, JSON lines, Parquet; a local path or any Hadoop-compatible
   URL); each executor validates its rows as the local readers do (bad rows, with line,
   field and reason, go to the side output ``OUT.rejected``).
2. The duplicate rule runs on (bill of lading, line, shipper, order) tuples alone (a light
   shuffle; a refused duplicate names the first line). Then the one shuffle of shipments:
   by shipper, each partition sorted by (shipper, departure, bill of lading), so a shipper's
   first shipment is the first row of its run, the local engine's rule, without the driver.
3. Each partition screens its distinct parties as one block (``screen_many``), classifies its
   distinct goods lines, extracts the indicators and scores them. The screening index travels
   as its array file, the classifier (built once, on the driver) and the portal scans as
   pickled files, all checked by SHA-256 before use and opened once per Python worker
   (``tripline/spark/shipping.py``).
4. Spark sorts by (-score, bill of lading), the local engine's order, numbers the queue and
   writes it with its writer (JSON lines or Parquet, one part file per partition, in order).

The driver holds counts, the first rejected rows and the top of the queue, never the input.
"""

from __future__ import annotations

import copy
import itertools
import pickle
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
    classifier: Shipped
    radiation: Shipped
    data_dir: str
    policy: Policy
    scorer: Scorer
    party_threshold: float
    file: str
    fmt: str


class _Worker:
    """What one Python worker opens once per job: reference data, screener, classifier, extractor."""

    def __init__(self, job: _Job) -> None:
        self.ref = _reference(job)
        self.parties = ScreeningParties(open_screener(job.index), threshold=job.party_threshold)
        self.goods = ControlsGoods(open_object(job.classifier))  # built on the driver, digest-checked
        radiation: RadiationResults = open_object(job.radiation)
        self.extractor = IndicatorExtractor(
            job.policy, self.ref, screener=self.parties, classifier=self.goods, radiation=radiation
        )


def _reference(job: _Job) -> Any:
    from tripline.cargo.reference import load_reference

    return worker_cached("reference", Shipped("reference", job.data_dir), lambda: load_reference(Path(job.data_dir)))


def _worker(job: _Job) -> _Worker:
    key = Shipped(f"{job.index.name}/{job.classifier.name}/{job.radiation.name}", job.index.sha256)
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
        if job.fmt == "csv" and None in record.values():  # fewer values than the header, as read_csv says
            missing = [k for k, v in record.items() if v is None]
            width = len(record)
            yield ("bad", line, missing[0], f"{width - len(missing)} of {width} columns")
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
            # the shipment travels pickled: the filters, counts and the duplicate rule never unpickle it
            yield ("ok", shipment.bill_of_lading, line, pickle.dumps(shipment, pickle.HIGHEST_PROTOCOL), key, order)


def _duplicates(item: tuple[str, Any]) -> Iterator[Any]:
    """One bill of lading's (line, shipper key, order) rows: a flag for every row after the first.

    The flag carries the row's place in the shipper-sorted stream (kind 0 sorts it just before
    the row itself) and the first row's line."""
    _, rows = item
    ordered = sorted(rows)
    first = ordered[0][0]
    for line, key, order in ordered[1:]:
        yield (key, order[0], order[1], 0, line), first


def _sequenced(known: frozenset[str], rows: Iterator[tuple[Any, Any]]) -> Iterator[tuple[Shipment, bool]]:
    """(shipment, first shipment?) from a partition sorted by (shipper, departure, B/L, kind, line).

    A shipper's rows arrive together in the local engine's order, so its first shipment is the
    first row not flagged as a duplicate (unless the shipper is in the history)."""
    current: str | None = None
    dropped: set[int] = set()
    seen_first = False
    for (key, _date, _bl, kind, line), value in rows:
        if key != current:
            current, dropped, seen_first = key, set(), key in known
        if kind == 0:
            dropped.add(line)
        elif line not in dropped:
            yield pickle.loads(value), not seen_first
            seen_first = True


def _duplicate_row(flag: tuple[Any, int]) -> tuple[str, int, str, str]:
    return ("bad", flag[0][4], "bill_of_lading", f"duplicate bill of lading (first at line {flag[1]})")


def _score(job: _Job, items: Iterator[tuple[Shipment, bool]]) -> Iterator[Any]:
    worker = _worker(job)
    extractor = worker.extractor
    while chunk := list(itertools.islice(items, CHUNK)):
        parties, goods = extractor.cache_keys(s for s, _ in chunk)
        extractor.fill(
            dict(zip(parties, worker.parties.screen_parties(parties), strict=True)),
            {(d, h): worker.goods.classify_goods(d, h) for d, h in goods},
        )
        for shipment, first in chunk:
            scored = job.scorer.score(extractor.extract(shipment, first_shipment=first))
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
    """The screener and classifier behind the runtime's matchers, as the executors receive them.

    The classifier travels built (its catalogue indexed, its ranker prepared): an executor
    unpickles it after the digest check instead of rebuilding it. Its catch-all end-user screen
    stays behind (it reads the database; cargo's goods queries name no end user)."""
    if not isinstance(parties, ScreeningParties) or not isinstance(goods, ControlsGoods):
        raise InputError("the Spark engine runs on the real screener and classifier only", field="engine")
    shipped = copy.copy(goods.classifier)
    shipped.end_users = None
    return parties.screener, shipped, parties.threshold


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
    from pyspark.rdd import portable_hash

    started = time.perf_counter()
    fmt = input_format(source)
    if out is not None and input_format(out) == "csv":
        raise InputError("the Spark engine writes the queue as .jsonl or .parquet", file=out, field="out")
    screener, classifier, threshold = real_capabilities(parties, goods)
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
            classifier=staging.ship_object("classifier", classifier),
            radiation=staging.ship_object("radiation", radiation),
            data_dir=str(data_dir),
            policy=policy,
            scorer=scorer,
            party_threshold=threshold,
            file=source,
            fmt=fmt,
        )
        slices = partitions or max(2, context.defaultParallelism)
        known = frozenset(normalise_party(n) for n in known_shippers)
        checked = numbered_records(session, source, fmt, header).mapPartitions(lambda rs: _validate(job, rs))
        checked = checked.persist(StorageLevel.MEMORY_AND_DISK)
        good = checked.filter(lambda r: r[0] == "ok")
        # the duplicate rule on (B/L, line, shipper, order) alone: a light shuffle, no shipments
        duplicates = (
            good.map(lambda r: (r[1], (r[2], r[4], r[5])))
            .groupByKey(slices)
            .flatMap(_duplicates)
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        bad = checked.filter(lambda r: r[0] == "bad").union(duplicates.map(_duplicate_row))
        # the one shuffle of shipments: by shipper, each shipper's rows in the local engine's order
        scored = (
            good.map(lambda r: ((r[4], r[5][0], r[5][1], 1, r[2]), r[3]))
            .union(duplicates)
            .repartitionAndSortWithinPartitions(slices, partitionFunc=lambda k: portable_hash(k[0]))
            .mapPartitions(lambda rows: _score(job, _sequenced(known, rows)))
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        ordered = scored.sortByKey(numPartitions=slices).values().persist(StorageLevel.MEMORY_AND_DISK)
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
        for rdd in (ordered, scored, duplicates, checked):
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
