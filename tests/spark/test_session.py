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
