"""The session helpers: a stopped session leaves no context, and PySpark's accumulator server ends."""

from __future__ import annotations

import pytest

from tripline.cargo.spark_pass import SHUFFLE_ROWS, shuffle_partitions
from tripline.spark.session import spark_session, stop_session


def test_the_windows_and_the_sort_get_one_partition_per_shuffle_rows() -> None:
    assert [shuffle_partitions(n) for n in (0, 1, SHUFFLE_ROWS)] == [1, 1, 1]
    assert [shuffle_partitions(n) for n in (SHUFFLE_ROWS + 1, 20 * SHUFFLE_ROWS)] == [2, 20]


@pytest.mark.spark
def test_stop_session_stops_the_context_and_the_accumulator_server_ends() -> None:
    import threading

    from pyspark import SparkContext

    session = spark_session("local[1]", "tripline-stop-test")
    server = session.sparkContext._accumulatorServer
    assert session.sparkContext.parallelize([1, 2, 3], 1).sum() == 6  # a job: the JVM's accumulator socket opens
    stop_session(session)
    assert SparkContext._active_spark_context is None
    assert server.server_shutdown
    ending = [t for t in threading.enumerate() if t.name == "tripline-spark-accumulators"]
    for thread in ending:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in ending)
    again = spark_session("local[1]", "tripline-stop-test")  # a new context, its own server
    try:
        assert again.sparkContext.parallelize([1, 2], 1).sum() == 3
    finally:
        stop_session(again)


@pytest.mark.spark
@pytest.mark.slow
def test_the_executors_jvm_runs_with_the_job_options_on_a_standalone_cluster(spark_cluster: str) -> None:
    from tripline.spark.session import EXECUTOR_JAVA_OPTIONS

    def _jvm_arguments(_rows: object) -> list[str]:
        """In a task (defined here, so that it is pickled by value: the executors cannot import
        ``tests``): the command line of the JVM that runs it (the Python worker's nearest java ancestor)."""
        import os
        from pathlib import Path

        pid = os.getpid()
        while pid > 1:
            stat = Path(f"/proc/{pid}/stat").read_text()
            if Path(f"/proc/{pid}/comm").read_text().strip() == "java":
                return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
            pid = int(stat.rsplit(")", 1)[1].split()[1])
        return []

    session = spark_session(spark_cluster, "tripline-executor-options-test")
    try:
        arguments = session.sparkContext.parallelize([0], 1).mapPartitions(_jvm_arguments).collect()
    finally:
        stop_session(session)
    assert "org.apache.spark.executor.CoarseGrainedExecutorBackend" in arguments  # the executor's JVM, not the driver's
    assert set(EXECUTOR_JAVA_OPTIONS.split()) <= set(arguments)
