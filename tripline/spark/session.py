"""The Spark session a job runs in: local (``local[2]``) or any cluster master URL."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from typing import Any

# the JIT's quick tier only: a job of 20k-100k shipments is over before the optimising compiler
# pays back what it costs (bench/README.md, 2026-12-06 17:09-17:15 UTC: the JVM's CPU seconds
# -41 % at 20k and -36 % at 100k in local[2]); `conf` may set another value (a long job on a
# cluster's driver). Read only when the session starts the JVM (the first session of a process).
# And the parallel collector, not G1: in local[N] this JVM runs the tasks too, and G1 grew its heap
# (and its RSS) with the input and spent more CPU in its concurrent threads (bench/README.md,
# 2026-12-06 23:02-23:17 UTC, 100k: JVM CPU 18.3-18.5 -> 14.4-15.6 s; 1 M: driver JVM peak RSS 923
# -> 820 MiB, the rules and the write 54 -> 25 s).
DRIVER_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseParallelGC"
EXECUTOR_JAVA_OPTIONS = DRIVER_JAVA_OPTIONS

# what the driver's status store keeps of finished jobs, stages, tasks and SQL queries (kept with
# the UI off too: the status tracker reads it). Spark's defaults (1,000 jobs and stages, 100,000
# tasks, 1,000 queries with their plans) are for a long-lived UI; a batch job needs none of its
# history, and a job of more input has more tasks to keep. `conf` may set other values.
STATUS_RETENTION = {
    "spark.ui.retainedJobs": "20",
    "spark.ui.retainedStages": "20",
    "spark.ui.retainedTasks": "1000",
    "spark.ui.retainedDeadExecutors": "10",
    "spark.ui.dagGraph.retainedRootRDDs": "20",
    "spark.sql.ui.retainedExecutions": "10",
}

# Input splits of at most 16 MiB (~67,000 manifest rows) whatever the input's size: a task's working
# set (the pass output it caches and reads back under the windows' sorters) stays the same from 100k
# to 1 M rows instead of growing with the split (Spark's default 128 MiB split held 500,000 rows a
# task at 1 M; a 600 MiB heap then ran out of memory there). With it the driver's heap (in local[N]
# the executors' too) can be capped: 640 MiB, not 1 GiB. bench/README.md, 2026-12-06 21:11-21:30
# UTC, driver JVM peak RSS 100k -> 1 M: 1 GiB heap and 128 MiB splits 723 -> 1,348 MiB; 16 MiB
# splits and a 640 MiB heap 757 -> 995 MiB (1 M in 114 s against 126 s). `conf` may set others.
SPLIT_BYTES = {"spark.sql.files.maxPartitionBytes": "16m"}
DRIVER_MEMORY = "640m"


def spark_session(master: str, app: str, conf: Mapping[str, str] | None = None) -> Any:
    """A Spark session at `master` whose Python workers run this interpreter.

    With ``SPARK_LOCAL_IP`` set, the driver binds to that address only (the tests bind
    everything to 127.0.0.1). `conf` adds settings (``spark.executor.memory`` and the like).
    """
    from pyspark.sql import SparkSession

    # PySpark reads the worker interpreter from the environment when the context starts
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .config("spark.python.worker.reuse", "true")  # the per-worker caches of shipped files live on
        .config("spark.driver.memory", DRIVER_MEMORY)
        .config("spark.driver.extraJavaOptions", DRIVER_JAVA_OPTIONS)
        # a cluster's executors: a JVM of their own, started for each job (in local[N] the driver's
        # JVM runs the tasks and these are not read); without them they ran the JIT's every tier and
        # G1 (bench/README.md, 2026-12-07: on the standalone cluster each post-pass stage 2-4x local[2]'s)
        .config("spark.executor.extraJavaOptions", EXECUTOR_JAVA_OPTIONS)
    )
    local_ip = os.environ.get("SPARK_LOCAL_IP")
    if local_ip:
        builder = builder.config("spark.driver.host", local_ip).config("spark.driver.bindAddress", local_ip)
    for key, value in {**STATUS_RETENTION, **SPLIT_BYTES, **(conf or {})}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def stop_session(session: Any) -> None:
    """Stop `session` (its SparkContext, the JVM's side of the job) without waiting on PySpark's
    accumulator server: its request handler polls its socket once a second and ``stop()`` waits for
    that poll to end (0.5-1.0 s after every job, measured in bench/README.md, 2026-12-07). The
    server is shut down in a daemon thread instead; a new context starts its own on a new port."""
    context = session.sparkContext
    server = getattr(context, "_accumulatorServer", None)
    context._accumulatorServer = None  # PySpark's stop() skips a server it does not have
    try:
        session.stop()
    finally:
        if server is not None:
            server.server_shutdown = True  # the handler's loop ends at its next poll
            threading.Thread(target=server.shutdown, name="tripline-spark-accumulators", daemon=True).start()


def is_url(text: str) -> bool:
    """``hdfs://…``, ``s3a://…``, ``file:///…``: a location for Spark, not a local path."""
    scheme, sep, _ = text.partition(":/")
    return bool(sep) and len(scheme) > 1 and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum()
