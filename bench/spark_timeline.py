"""Where a small Spark run's time goes: a timeline from the job's start to its output written.

One process: the lists and the runtime built (not timed), the demo manifest written, the local engine
end to end (the baseline), then the Spark engine end to end `--runs` times at `--master`: the first run
starts the JVM (as ``tripline target --engine spark`` does), the later ones find it running (as the
bench's end-to-end rows do, after their warm-up session). Each Spark run is shown as

- the driver's steps (``spark_pass._Laps``: session and files shipped, header, pass planned, pass,
  rules and sort, written, top and rejected rows), the session's start and each shipped file;
- every Spark job and stage from the job's event log (``spark.eventLog.enabled``): submitted and
  completed, its tasks' run and deserialisation time, the SQL query or the call site it came from.

Times are seconds since the call to ``target_file``.

    .venv/bin/python bench/spark_timeline.py --shipments 20000 --runs 2
    .venv/bin/python bench/spark_timeline.py --shipments 5000 --master spark://127.0.0.1:7077
    .venv/bin/python bench/spark_timeline.py --shipments 20000 --cluster
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tripline.cargo import spark_pass
from tripline.cargo.demo import generate
from tripline.cargo.engine import Engine, target_file
from tripline.cargo.policy import load_policy
from tripline.cargo.readers import write_manifest
from tripline.cargo.reference import load_reference
from tripline.cargo.services import FindingsByContainer
from tripline.lists.service import load_bundled
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.spark import shipping

EVENTS: list[tuple[float, str]] = []  # (perf_counter, what) of the driver's side


def _mark(what: str) -> None:
    EVENTS.append((time.perf_counter(), what))


def _wrap(owner: Any, name: str, label: Callable[..., str]) -> None:
    inner = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        _mark(f"{label(*args, **kwargs)} begins")
        try:
            return inner(*args, **kwargs)
        finally:
            _mark(f"{label(*args, **kwargs)} ends")

    setattr(owner, name, timed)


def instrument() -> None:
    _wrap(spark_pass, "spark_session", lambda *a, **k: "session")
    _wrap(shipping.Staging, "ship_screener", lambda *a, **k: "ship index")
    _wrap(shipping.Staging, "ship_object", lambda _s, label, *a, **k: f"ship {label}")
    from pyspark.sql import SparkSession

    stop = SparkSession.stop

    def timed_stop(self: Any) -> None:
        _mark("session stop begins")
        stop(self)
        _mark("session stop ends")

    SparkSession.stop = timed_stop  # type: ignore[method-assign]
    laps_call = spark_pass._Laps.__call__

    def lap(self: Any, step: str) -> None:
        _mark(f"step done: {step}")
        laps_call(self, step)

    spark_pass._Laps.__call__ = lap  # type: ignore[method-assign]


def spark_events(directory: Path) -> list[tuple[float, str]]:
    """(epoch seconds, what) of the jobs and stages of the one event log in `directory`."""
    logs = [p for p in directory.iterdir() if p.is_file()]
    if not logs:
        return []
    out: list[tuple[float, str]] = []
    stage_tasks: dict[int, list[float]] = {}
    job_desc: dict[int, str] = {}
    sql: dict[int, str] = {}
    for line in logs[0].read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        kind = event["Event"]
        if kind.endswith("SQLExecutionStart"):
            sql[event["executionId"]] = event.get("description", "")[:60]
        elif kind == "SparkListenerApplicationStart":
            out.append((event["Timestamp"] / 1000, "application start (SparkContext)"))
        elif kind == "SparkListenerExecutorAdded":
            out.append((event["Timestamp"] / 1000, f"executor {event['Executor ID']} added"))
        elif kind == "SparkListenerJobStart":
            props = event.get("Properties") or {}
            execution = props.get("spark.sql.execution.id")
            stages = [s["Stage ID"] for s in event.get("Stage Infos", [])]
            what = sql.get(int(execution), "") if execution else ""
            call = props.get("callSite.short") or (event.get("Stage Infos") or [{}])[-1].get("Stage Name", "")
            job_desc[event["Job ID"]] = f"{call} {what}".strip()
            out.append(
                (
                    event["Submission Time"] / 1000,
                    f"job {event['Job ID']} submitted: {job_desc[event['Job ID']]} (stages {stages})",
                )
            )
        elif kind == "SparkListenerJobEnd":
            out.append((event["Completion Time"] / 1000, f"job {event['Job ID']} done"))
        elif kind == "SparkListenerTaskEnd":
            metrics = event.get("Task Metrics") or {}
            info = event["Task Info"]
            stage_tasks.setdefault(event["Stage ID"], []).extend(
                [
                    (info["Finish Time"] - info["Launch Time"]) / 1000,
                    metrics.get("Executor Run Time", 0) / 1000,
                    metrics.get("Executor Deserialize Time", 0) / 1000,
                ]
            )
        elif kind == "SparkListenerStageCompleted":
            info = event["Stage Info"]
            tasks = stage_tasks.get(info["Stage ID"], [])
            wall, run, deser = tasks[0::3], tasks[1::3], tasks[2::3]
            start = info.get("Submission Time", 0) / 1000
            out.append(
                (
                    start,
                    f"  stage {info['Stage ID']} submitted ({info['Number of Tasks']} tasks: "
                    f"longest {max(wall, default=0):.2f} s, run {sum(run):.2f} s, deserialise {sum(deser):.2f} s) "
                    f"{info['Stage Name'][:50]}",
                )
            )
            out.append((info.get("Completion Time", 0) / 1000, f"  stage {info['Stage ID']} completed"))
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shipments", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=2, help="Spark runs (the first starts the JVM)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument(
        "--cluster", action="store_true", help="a standalone master and worker on 127.0.0.1 (as bench/target.py's)"
    )
    parser.add_argument("--lists", default="us_ofac_sdn,un_sc")
    parser.add_argument("--conf", action="append", default=[], help="KEY=VALUE, a Spark setting of every run")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tripline-timeline-"))
    settings = Settings(var_dir=tmp / "var", log_level="WARNING")
    from tripline.store.db import Database

    db = Database.from_settings(settings)
    db.upgrade()
    load_bundled(db, settings, only=args.lists.split(","))
    runtime = Runtime(settings, db)
    runtime.matchers()
    ref = load_reference(settings.data_dir)
    path = tmp / "demo.csv"
    write_manifest(path, generate(args.shipments, 1, ref).shipments)
    common = {"settings": settings, "policy": load_policy(), "radiation": FindingsByContainer({})}
    t = time.perf_counter()
    run = target_file(path, workers=2, matchers=runtime.matchers, **common)  # type: ignore[arg-type]
    print(
        f"local engine: {run.shipments:,} shipments in {time.perf_counter() - t:.2f} s, load {os.getloadavg()[0]:.2f}"
    )
    instrument()
    extra = dict(item.split("=", 1) for item in args.conf)
    with contextlib.ExitStack() as stack:
        if args.cluster:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            from tests.spark_cluster import bench_cluster

            args.master = stack.enter_context(bench_cluster(tmp / "cluster"))
        spark_runs(args, path, tmp, runtime, common, extra)
    db.dispose()
    shutil.rmtree(tmp, ignore_errors=True)


def spark_runs(args: Any, path: Path, tmp: Path, runtime: Any, common: dict[str, Any], extra: dict[str, str]) -> None:
    for n in range(args.runs):
        events_dir = tmp / f"events-{n}"
        events_dir.mkdir()
        conf = {
            "spark.eventLog.enabled": "true",
            "spark.eventLog.compress": "false",
            "spark.eventLog.rolling.enabled": "false",
            "spark.eventLog.dir": events_dir.as_uri(),
        }
        conf |= extra
        EVENTS.clear()
        t, epoch = time.perf_counter(), time.time()
        run = target_file(
            path,
            engine=Engine.SPARK,
            master=args.master,
            out=str(tmp / f"queue-{n}.parquet"),
            matchers=runtime.matchers,
            conf=conf,
            **common,  # type: ignore[arg-type]
        )
        total = time.perf_counter() - t
        print(
            f"\nspark {args.master} run {n + 1} ({'JVM started by it' if n == 0 else 'JVM running'}): "
            f"{run.shipments:,} shipments in {total:.2f} s, load {os.getloadavg()[0]:.2f}"
        )
        timeline = [(at - t, what) for at, what in EVENTS]
        timeline += [(at - epoch, what) for at, what in spark_events(events_dir)]
        for at, what in sorted(timeline, key=lambda x: x[0]):
            print(f"  {at:7.2f}  {what}")
        print(f"  {total:7.2f}  target_file returns")


if __name__ == "__main__":
    main()
