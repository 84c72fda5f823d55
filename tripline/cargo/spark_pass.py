"""`tripline target --engine spark`: the per-shipment work in one Arrow pass per partition.

1. Spark reads the manifest as a DataFrame (text lines as bytes for CSV and JSON lines, each
   with its monotonically increasing id; the columns and ``_metadata.row_index`` for Parquet).
   The input is read once: the pass numbers a text row by its id and ends each partition with a
   "count" row (its last id); the driver turns those few numbers into each partition's first
   file line, and the JVM puts the lines of the rejected rows right (:func:`true_line`).
2. ONE ``mapInArrow`` pass per partition does everything that costs: decode, validate (bad rows
   with line, field and reason, as the local readers report them), screen the chunk's distinct
   parties as one block (``screen_many``), classify its distinct goods lines, extract the
   indicators and score each shipment twice (as it is, and as its shipper's first shipment:
   that rule depends on rows in other partitions). The screening index, the prebuilt classifier
   and the scan table travel once per executor as files (``SparkContext.addFile``), are checked by
   SHA-256 and opened once per Python worker (``tripline/spark/shipping.py``; worker reuse on);
   the workers fork from a daemon that has already imported the pass's modules
   (``tripline/cargo/spark_daemon.py``).
3. The JVM does the rest, no Python and no pickling: the duplicate rule (the first valid row of
   a bill of lading wins) and the first-shipment rule (earliest departure, then bill of lading,
   per shipper) as window functions, which of the two scores counts, the sort by
   (-score, bill of lading) (the local engine's order), the rank (per-partition offsets over the
   sorted partitions) and Spark's writer (JSON lines or Parquet, one part file per partition, in
   queue order). The bad rows go to the side output ``OUT.rejected``. What is cached between
   the steps (the pass output, the sorted queue) is cached on disk, and the windows and the sort
   use one shuffle partition per ``SHUFFLE_ROWS`` rows: the JVM's heap does not grow with the
   input (in ``local[N]`` the driver's JVM is the executor too).

The driver holds counts, the first rejected rows and the top of the queue, never the input.
:func:`pass_batches` is the pass itself, free of Spark, so it is tested on Arrow batches alone.
"""

from __future__ import annotations

import contextlib
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import structlog

from tripline.cargo.adapters import ControlsGoods, ScreeningParties
from tripline.cargo.flat import COLUMNS, FIELD_NAMES, flat_to_record
from tripline.cargo.indicators import IndicatorExtractor, as_first_shipment, normalise_party
from tripline.cargo.model import Role, Shipment
from tripline.cargo.policy import Policy
from tripline.cargo.ports import GoodsClassifier, GoodsMatch, PartyHit, PartyScreener, RadiationResults
from tripline.cargo.scoring import Scored, Scorer
from tripline.cargo.spark import (
    KEEP_ERRORS,
    SparkTargetRun,
    _check_columns,
    _parquet_value,
    _scored,
    real_capabilities,
    rejected_location,
)
from tripline.cargo.validate import LoadResult, RowError, build_shipment
from tripline.errors import InputError
from tripline.spark.inputs import csv_header, csv_records, input_format, json_records
from tripline.spark.session import spark_session, stop_session
from tripline.spark.shipping import Shipped, Staging, open_object, open_screener, worker_cached

log = structlog.get_logger(__name__)

CHUNK = 2000  # shipments whose distinct parties are screened as one block
CACHE_LIMIT = 200_000  # look-ups a worker keeps between chunks
ID_BITS = 33  # monotonically_increasing_id(): partition index above bit 33, row within it below
ROW_MASK = (1 << ID_BITS) - 1
ARROW_BATCH = 5000  # rows per Arrow batch into and out of the Python workers
SHUFFLE_ROWS = 50_000  # rows per partition of the windows and the sort (more rows, more partitions)


@dataclass(frozen=True)
class PassJob:
    """What every task of the pass needs; small (the big objects travel as shipped files)."""

    fmt: str
    file: str
    policy: Policy
    scorer: Scorer
    known: frozenset[str] = frozenset()
    header: tuple[str, ...] = ()
    offsets: tuple[int, ...] = ()  # text input: the file line before each partition's first line
    index: Shipped | None = None
    classifier: Shipped | None = None
    radiation: Shipped | None = None
    data_dir: str = ""
    party_threshold: float = 0.0


@dataclass
class Tools:
    """What one Python worker opens once: reference data, the extractor, the block look-ups."""

    ref: Any
    extractor: IndicatorExtractor
    screen_parties: Callable[[Sequence[tuple[str, str | None]]], list[list[PartyHit]]]
    classify_goods: Callable[[str, str], list[GoodsMatch]]
    lookups: list[int] = field(default_factory=lambda: [0])


PRELOAD_ENV = "TRIPLINE_SPARK_DATA_DIR"  # the daemon's environment: the data folder to load before forking
PRELOAD_JOB_ENV = "TRIPLINE_SPARK_JOB"  # ... and the job's shipped file (files folder, name, SHA-256)


def worker_reference(data_dir: str) -> Any:
    """The reference tables of `data_dir`, loaded once per Python worker, or once per executor
    when the daemon (``tripline/cargo/spark_daemon.py``) loaded them before forking its workers."""
    from tripline.cargo.reference import load_reference

    return worker_cached("reference", Shipped("reference", data_dir), lambda: load_reference(Path(data_dir)))


def _open_tools(job: PassJob) -> Tools:
    assert job.index and job.classifier and job.radiation
    ref = worker_reference(job.data_dir)
    parties = ScreeningParties(open_screener(job.index), threshold=job.party_threshold)
    goods = ControlsGoods(open_object(job.classifier))  # built on the driver, digest-checked
    radiation: RadiationResults = open_object(job.radiation)
    extractor = IndicatorExtractor(job.policy, ref, screener=parties, classifier=goods, radiation=radiation)
    return Tools(ref, extractor, parties.screen_parties, goods.classify_goods)


def preload_tools(spec: str) -> None:
    """In an executor's Python daemon, before it forks: the tools of the job `spec` names (its
    files folder, the shipped job's name and SHA-256: a :class:`PassJob` naming the tools' files),
    each shipped file digest-checked first."""
    from pyspark.files import SparkFiles

    root, name, sha256 = spec.split("\n")
    SparkFiles._root_directory = root  # as a worker is told by its first task
    SparkFiles._is_running_on_worker = True
    worker_tools(open_object(Shipped(name, sha256)))


def _started(_rows: Iterator[Any]) -> None:
    """The warm-up task: it only makes its executor start the Python daemon (and fork one worker)."""


def _start_daemon(context: Any) -> threading.Thread:
    """A one-task job, in a thread, that starts the executors' Python daemon (its imports and the
    preload of :func:`preload_tools`) while the driver goes on (Spark SQL's first query plans for
    ~2 s). An RDD task needs no SQL session, and its worker environment is the pass's (Spark keeps
    one daemon per environment: hence ``simplifiedTraceback.enabled=false`` in the job's settings,
    which an Arrow task would otherwise add). A failure here is the pass's to report."""

    def run() -> None:
        try:
            context.parallelize([0], 1).foreachPartition(_started)
        except Exception as exc:  # the pass itself reports what is wrong
            log.debug("spark daemon warm-up failed", error=str(exc))

    thread = threading.Thread(target=run, name="tripline-spark-daemon", daemon=True)
    thread.start()
    return thread


def worker_tools(job: PassJob) -> Tools:
    """The tools of this job in this Python worker, opened on its first task (keyed by the index digest)."""
    assert job.index and job.classifier and job.radiation
    key = Shipped(f"pass/{job.index.name}/{job.classifier.name}/{job.radiation.name}", job.index.sha256)
    return worker_cached("cargo-pass", key, lambda: _open_tools(job))


# --- the pass -----------------------------------------------------------------------------------


def _reason_type() -> Any:
    import pyarrow as pa

    return pa.list_(
        pa.struct(
            [
                pa.field("indicator", pa.string()),
                pa.field("points", pa.float64()),
                pa.field("detail", pa.string()),
                pa.field("source", pa.string()),
            ]
        )
    )


def arrow_schema() -> Any:
    """The rows the pass yields: a bad row (kind "bad") or a scored shipment (kind "ok")."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("kind", pa.string()),
            pa.field("line", pa.int64()),
            pa.field("field", pa.string()),
            pa.field("reason", pa.string()),
            pa.field("bill_of_lading", pa.string()),
            pa.field("shipper", pa.string()),  # null: no shipper, or a known one (never a first shipment)
            pa.field("departure", pa.string()),
            pa.field("containers", pa.list_(pa.string())),
            pa.field("sort", pa.float64()),
            pa.field("score", pa.float64()),
            pa.field("action", pa.string()),
            pa.field("reasons", _reason_type()),
            pa.field("sort_first", pa.float64()),
            pa.field("score_first", pa.float64()),
            pa.field("action_first", pa.string()),
            pa.field("reasons_first", _reason_type()),
        ]
    )


def spark_schema() -> str:
    reason = "array<struct<indicator:string,points:double,detail:string,source:string>>"
    return (
        "kind string, line long, field string, reason string, bill_of_lading string, shipper string, "
        f"departure string, containers array<string>, sort double, score double, action string, reasons {reason}, "
        f"sort_first double, score_first double, action_first string, reasons_first {reason}"
    )


Numbered = tuple[int, dict[str, Any] | None, str, str]


def _text_rows(job: PassJob, batch: Any) -> Iterator[tuple[str, int]]:
    """(text, line - 1) of a batch of (value: bytes, id: monotonically increasing id).

    Without `job.offsets` the "line" is the id + 1, exact in the first partition (the header's
    line 1 included) and put right in the JVM afterwards (:func:`true_line`)."""
    ids = batch.column("id").to_pylist()
    values = batch.column("value").to_pylist()
    for raw, ident in zip(values, ids, strict=True):
        text = raw.decode("utf-8", errors="replace") if raw is not None else ""
        yield text, (job.offsets[ident >> ID_BITS] + (ident & ROW_MASK)) if job.offsets else ident


def line_offsets(last_lines: Iterable[int]) -> tuple[int, ...]:
    """The file lines before each partition, from the "count" rows of the pass (each partition's
    last id + 1): a few numbers per job instead of a count job over the input."""
    counts = {(n - 1) >> ID_BITS: ((n - 1) & ROW_MASK) + 1 for n in last_lines}
    offsets, total = [], 0
    for p in range(max(counts, default=-1) + 1):
        offsets.append(total)
        total += counts.get(p, 0)
    return tuple(offsets)


def true_line(line: int, offsets: Sequence[int]) -> int:
    """The file line of an id-based line of the pass (what :func:`_true_line_column` computes in the JVM)."""
    return offsets[(line - 1) >> ID_BITS] + ((line - 1) & ROW_MASK) + 1


def _records(job: PassJob, batch: Any) -> Iterator[Numbered]:
    if job.fmt == "csv":
        yield from csv_records(list(job.header), _text_rows(job, batch))
    elif job.fmt == "jsonl":
        yield from json_records(_text_rows(job, batch))
    else:
        for record in batch.to_pylist():
            line = int(record.pop("row_index")) + 1
            yield line, record, "", ""


def _validate(job: PassJob, ref: Any, line: int, record: dict[str, Any]) -> tuple[Shipment | None, list[RowError]]:
    result = LoadResult()
    if job.fmt == "csv" and None in record.values():  # fewer values than the header, as read_csv says
        missing = [k for k, v in record.items() if v is None]
        width = len(record)
        return None, [RowError(job.file, line, missing[0], f"{width - len(missing)} of {width} columns")]
    if job.fmt == "jsonl":
        shipment = build_shipment(record, file=job.file, line=line, ref=ref, result=result)
    else:
        if job.fmt == "parquet":
            record = {k: _parquet_value(v) for k, v in record.items() if k in COLUMNS}
        flat = flat_to_record(record)
        shipment = build_shipment(flat, file=job.file, line=line, ref=ref, result=result, field_names=FIELD_NAMES)
    return shipment, result.errors


class _Out:
    """Columns of the rows being gathered for one output batch."""

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {name: [] for name in arrow_schema().names}
        self.size = 0

    def bad(self, line: int, field_name: str, reason: str) -> None:
        row = dict.fromkeys(self.columns)
        row.update(kind="bad", line=line, field=field_name, reason=reason)
        self._add(row)

    def count(self, last_line: int) -> None:
        row = dict.fromkeys(self.columns)
        row.update(kind="count", line=last_line)
        self._add(row)

    def ok(self, line: int, shipment: Shipment, shipper: str | None, base: Scored, first: Scored | None) -> None:
        order = shipment.departure_date.isoformat() if shipment.departure_date else "9999"
        row: dict[str, Any] = {
            "kind": "ok",
            "line": line,
            "field": None,
            "reason": None,
            "bill_of_lading": shipment.bill_of_lading,
            "shipper": shipper,
            "departure": order,
            "containers": list(base.containers),
            **_variant(base, ""),
            **(_variant(first, "_first") if first is not None else _variant(base, "_first")),
        }
        self._add(row)

    def _add(self, row: dict[str, Any]) -> None:
        for name, values in self.columns.items():
            values.append(row[name])
        self.size += 1

    def batch(self) -> Any:
        import pyarrow as pa

        return pa.RecordBatch.from_pydict(self.columns, schema=arrow_schema())


def _variant(scored: Scored, suffix: str) -> dict[str, Any]:
    return {
        f"sort{suffix}": round(scored.score, 9),
        f"score{suffix}": float(round(scored.score, 3)),
        f"action{suffix}": scored.action.value,
        f"reasons{suffix}": [
            {"indicator": r.indicator, "points": float(round(r.points, 3)), "detail": r.detail, "source": r.source}
            for r in scored.reasons
        ],
    }


def _score_chunk(job: PassJob, tools: Tools, chunk: list[tuple[int, Shipment]], out: _Out) -> None:
    extractor = tools.extractor
    parties, goods = extractor.cache_keys(s for _, s in chunk)
    extractor.fill(
        dict(zip(parties, tools.screen_parties(parties), strict=True)) if parties else {},
        {(d, h): tools.classify_goods(d, h) for d, h in goods},
    )
    for line, shipment in chunk:
        features = extractor.extract(shipment)
        base = job.scorer.score(features)
        holder = shipment.party(Role.SHIPPER)
        key = normalise_party(holder.name) if holder else None
        if key is not None and key in job.known:
            key = None
        first = job.scorer.score(as_first_shipment(features, shipment)) if key is not None else None
        out.ok(line, shipment, key, base, first)
    if extractor.cached() > CACHE_LIMIT:
        extractor.forget()


def pass_batches(job: PassJob, tools: Tools, batches: Iterable[Any], chunk: int = CHUNK) -> Iterator[Any]:
    """The pass over one partition's Arrow batches: bad rows and scored shipments, as Arrow batches.

    Validated shipments are gathered across input batches into chunks of `chunk`, whose distinct
    look-ups go to the block path at once; what a row yields does not depend on the batching."""
    pending: list[tuple[int, Shipment]] = []
    out = _Out()
    last_id = -1  # text input without offsets: the partition's last id, for the "count" row
    counting = job.fmt != "parquet" and not job.offsets
    for batch in batches:
        if counting and batch.num_rows:
            last_id = max(last_id, batch.column("id")[-1].as_py())
        for line, record, field_name, reason in _records(job, batch):
            if record is None:
                out.bad(line, field_name, reason)
                continue
            shipment, errors = _validate(job, tools.ref, line, record)
            for err in errors:
                out.bad(err.line if err.line is not None else line, err.field or "record", err.reason)
            if shipment is not None:
                pending.append((line, shipment))
            if len(pending) >= chunk:
                _score_chunk(job, tools, pending, out)
                pending = []
            if out.size >= ARROW_BATCH:
                yield out.batch()
                out = _Out()
    if pending:
        _score_chunk(job, tools, pending, out)
    if counting and last_id >= 0:
        out.count(last_id + 1)
    if out.size:
        yield out.batch()


def _run_pass(job: PassJob) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        return pass_batches(job, worker_tools(job), batches)

    return run


# --- the job ------------------------------------------------------------------------------------


def shuffle_partitions(rows: int) -> int:
    """Partitions of the windows and the sort after the pass: one per ``SHUFFLE_ROWS`` rows (at least one)."""
    return max(1, -(-rows // SHUFFLE_ROWS))


def _read(session: Any, source: str, fmt: str) -> Any:
    from pyspark.sql import functions as F

    if fmt == "parquet":
        frame = session.read.parquet(source)
        return frame.select(*frame.columns, "_metadata.row_index")
    lines = session.read.text(source)
    return lines.select(F.col("value").cast("binary").alias("value"), F.monotonically_increasing_id().alias("id"))


def _offsets(frame: Any) -> tuple[tuple[int, ...], int]:
    """The rows before each partition of `frame` (by its column ``id``, a monotonically increasing
    id) and the total: a JVM-only count per partition, a few numbers to the driver."""
    from pyspark.sql import functions as F

    counts = dict(frame.groupBy(F.shiftright("id", ID_BITS).alias("p")).count().collect())
    offsets, total = [], 0
    for p in range(max(counts, default=-1) + 1):
        offsets.append(total)
        total += counts.get(p, 0)
    return tuple(offsets), total


def _true_line_column(offsets: Sequence[int]) -> Callable[[Any], Any]:
    """The JVM's :func:`true_line`: a column of id-based lines to file lines."""
    from pyspark.sql import functions as F

    table = F.array(*[F.lit(o) for o in offsets] or [F.lit(0)])

    def line_of(column: Any) -> Any:
        index = column - 1
        start = F.element_at(table, (F.shiftright(index, ID_BITS) + 1).cast("int"))
        return (start + index.bitwiseAND(ROW_MASK) + 1).cast("long")

    return line_of


class _Laps:
    """Seconds of each step of a job, to the debug log."""

    def __init__(self, started: float) -> None:
        self.last = started

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        log.debug("spark step", step=step, seconds=round(now - self.last, 2))
        self.last = now


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
    from pyspark import SparkFiles, StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    started = time.perf_counter()
    fmt = input_format(source)
    if out is not None and input_format(out) == "csv":
        raise InputError("the Spark engine writes the queue as .jsonl or .parquet", file=out, field="out")
    screener, classifier, threshold = real_capabilities(parties, goods)
    settings = {
        # input splits of equal size (the 4 MB default "open cost" left a 20k-row file as 92 % + 8 %)
        "spark.sql.files.openCostInBytes": str(1 << 16),
        # the Python workers fork from a daemon that has imported the pass's modules (once per executor)
        "spark.python.daemon.module": "tripline.cargo.spark_daemon",
        f"spark.executorEnv.{PRELOAD_ENV}": str(data_dir),  # ... and loaded the reference tables
        # a few small shuffles: adaptive execution only adds a job per stage
        "spark.sql.adaptive.enabled": "false",
        # the rules' flags meet the scored rows by a shuffle join, never by a broadcast (which would
        # gather a table of one row per shipment in the driver)
        "spark.sql.autoBroadcastJoinThreshold": "-1",
        "spark.sql.execution.arrow.maxRecordsPerBatch": str(ARROW_BATCH),
        "spark.sql.execution.arrow.useLargeVarTypes": "false",
        # the pass's Python workers in the environment of an RDD task's, so that the daemon the
        # warm-up task starts early (:func:`_start_daemon`) is the one the pass uses; what it
        # changes: a Python error in the pass is reported with PySpark's frames too
        "spark.sql.execution.pyspark.udf.simplifiedTraceback.enabled": "false",
        **(conf or {}),
    }
    staging = Staging()

    def prepare() -> tuple[PassJob, Shipped]:
        tools = PassJob(
            fmt=fmt,
            file=source,
            policy=policy,
            scorer=scorer,
            index=staging.ship_screener(screener),
            classifier=staging.ship_object("classifier", classifier),
            radiation=staging.ship_object("radiation", radiation),
            data_dir=str(data_dir),
            party_threshold=threshold,
        )
        # what opens the tools (index, classifier, scan table, reference) as a shipped file too: each
        # executor's daemon opens them once before it forks its Python workers (they find them open;
        # each still checks its own key)
        return tools, staging.ship_object("tools", tools)

    # the files are written (and their digests taken) in a thread while the session starts: the
    # driver's JVM takes seconds to start, the index file ~0.3 s to write; they join the job after
    with ThreadPoolExecutor(1, thread_name_prefix="tripline-spark-files") as pool:
        prepared = pool.submit(prepare)
        try:
            session = spark_session(master, "tripline-target", settings)
        except BaseException:
            with contextlib.suppress(Exception):
                prepared.result()
            staging.close()
            raise
    lap = _Laps(started)
    context = session.sparkContext
    cached: list[Any] = []
    daemon: threading.Thread | None = None
    try:
        slices = partitions or max(2, context.defaultParallelism)
        session.conf.set("spark.sql.shuffle.partitions", str(slices))
        tools, shipped_tools = prepared.result()
        staging.attach(context)
        # the daemon starts now, on one core, while the driver checks the header and plans the pass:
        # its imports and preload (2-3 s) are off the pass's path
        root = SparkFiles.getRootDirectory() if master.startswith("local") else "."
        context.environment[PRELOAD_JOB_ENV] = "\n".join([root, shipped_tools.name, shipped_tools.sha256])
        daemon = _start_daemon(context)
        lap("session and files shipped")
        header: tuple[str, ...] = ()
        if fmt == "csv":
            header = tuple(csv_header(session, source))
            _check_columns(source, list(header), line=1)
        elif fmt == "parquet":
            _check_columns(source, session.read.parquet(source).columns, line=None)
        lap("header")
        frame = _read(session, source, fmt)
        job = replace(tools, known=frozenset(normalise_party(n) for n in known_shippers), header=header)
        with warnings.catch_warnings():
            # mapInArrow checks the pandas version though it uses none: pandas 3 (pinned) is not yet "supported"
            warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
            # on disk only: the cached pass output is the size of the input, the JVM heap must not be
            passed = frame.mapInArrow(_run_pass(job), spark_schema()).persist(StorageLevel.DISK_ONLY)
        cached.append(passed)
        lap("pass planned")
        # the pass runs (its output cached) in a thread while this one plans the rules and the sort
        # (each DataFrame step is analysed by the JVM as it is built: ~0.5-1 s that would otherwise
        # follow the pass); a few numbers come back: each partition's last line
        with ThreadPoolExecutor(1, thread_name_prefix="tripline-spark-pass") as pool:
            counted = pool.submit(
                lambda: [r[0] for r in passed.filter(F.col("kind") == "count").select("line").collect()]
            )
            # the two rules run on narrow rows (line, bill of lading, shipper, departure): only the
            # shuffles of their windows move them; the scored rows (both variants' reasons) move once,
            # to meet their flags by line, then once more for the sort
            # the duplicate rule: the first valid row of a bill of lading wins (read_manifest's rule)
            by_bl = Window.partitionBy("bill_of_lading").orderBy("line")
            rows = (
                passed.filter(F.col("kind") == "ok")
                .select("line", "bill_of_lading", "shipper", "departure")
                .withColumn("nth", F.row_number().over(by_bl))
                .withColumn("first_line", F.first("line").over(by_bl))
            )
            # the first-shipment rule: a shipper's earliest (departure, bill of lading) among the kept rows
            by_shipper = Window.partitionBy("shipper").orderBy("departure", "bill_of_lading")
            flags = (
                rows.filter(F.col("nth") == 1)
                .withColumn("is_first", F.col("shipper").isNotNull() & (F.row_number().over(by_shipper) == 1))
                .select("line", "is_first")
            )
            kept = passed.filter(F.col("kind") == "ok").join(flags, "line")  # the kept rows, flagged
            pick = {c: F.when(F.col("is_first"), F.col(f"{c}_first")).otherwise(F.col(c)) for c in ("sort", "score")}
            pick |= {
                c: F.when(F.col("is_first"), F.col(f"{c}_first")).otherwise(F.col(c)) for c in ("action", "reasons")
            }
            queue = kept.select(
                pick["sort"].alias("sort"),
                "bill_of_lading",
                "containers",
                pick["score"].alias("score"),
                pick["action"].alias("action"),
                pick["reasons"].alias("reasons"),
            )
            ordered = queue.orderBy(F.desc("sort"), F.asc("bill_of_lading")).withColumn(
                "id", F.monotonically_increasing_id()
            )
            lap("rules planned")
            last = counted.result()
        line_of = _true_line_column(line_offsets(last)) if fmt != "parquet" else (lambda c: c)
        lines = sum(((n - 1) & ROW_MASK) + 1 for n in last)
        lap("pass")
        # sort and window partitions of a bounded size: the JVM's memory does not grow with the input;
        # and no more than that: one partition up to SHUFFLE_ROWS rows (its sort then needs no job
        # that samples the sort keys first, and each small stage one task, not one per core). Set
        # before anything after the pass is persisted: persist() plans the physical query.
        session.conf.set("spark.sql.shuffle.partitions", str(shuffle_partitions(lines)))
        first_at = line_of(F.col("first_line")).cast("string")
        duplicates = rows.filter(F.col("nth") > 1).select(
            line_of(F.col("line")).alias("line"),
            F.lit("bill_of_lading").alias("field"),
            F.concat(F.lit("duplicate bill of lading (first at line "), first_at, F.lit(")")).alias("reason"),
        )
        bad = (
            passed.filter(F.col("kind") == "bad")
            .select(line_of(F.col("line")).alias("line"), "field", "reason")
            .unionByName(duplicates)
            .persist(StorageLevel.DISK_ONLY)  # written, counted and its first rows listed: one window
        )
        cached.append(bad)
        ordered = ordered.persist(StorageLevel.DISK_ONLY)
        cached.append(ordered)
        offsets, shipments = _offsets(ordered)
        lap("rules and sort")
        rank = F.element_at(
            F.array(*[F.lit(o) for o in offsets] or [F.lit(0)]), (F.shiftright("id", ID_BITS) + 1).cast("int")
        )
        ranked = ordered.select(
            (rank + F.col("id").bitwiseAND(ROW_MASK) + 1).cast("long").alias("rank"),
            "bill_of_lading",
            "containers",
            "score",
            "action",
            "reasons",
        )
        if out is not None:
            writer = ranked.write.mode("overwrite")
            writer.parquet(out) if input_format(out) == "parquet" else writer.json(out)
            bad.write.mode("overwrite").json(rejected_location(out))
        lap("written")
        # the head of the queue: `top` rows at most, put in order here (an orderBy would add a sampling job)
        head = sorted((_scored(tuple(r)) for r in ranked.filter(F.col("rank") <= top).collect()), key=lambda s: s.rank)
        errors = [
            RowError(source, row["line"], row["field"], row["reason"])
            for row in bad.orderBy("line", "field").limit(KEEP_ERRORS).collect()
        ]
        rejected = len(errors) if len(errors) < KEEP_ERRORS else bad.count()  # a count job only past the list
        lap("top and rejected rows")
        seconds = time.perf_counter() - started
        log.info("spark targeted", master=master, shipments=shipments, rejected=rejected, seconds=round(seconds, 2))
        return SparkTargetRun(head, errors, shipments, rejected, seconds, out)
    finally:
        if daemon is not None:
            daemon.join()
        for frame_ in cached:
            frame_.unpersist()
        staging.close()
        stop_session(session)
