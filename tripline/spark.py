"""The one way Tripline starts Spark (``--engine spark`` of ``screen-file`` and ``target``).

A session whose Python workers run this interpreter. PySpark 4 reads the workers' interpreter
from ``PYSPARK_PYTHON`` when the context starts (``pyspark/core/context.py``), so it is set here,
only if unset, next to the ``spark.pyspark.python`` settings; nothing else in Tripline touches
the environment for Spark.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def spark_session(app_name: str, master: str = "local[2]") -> Any:
    """A Spark session at `master` (``local[N]`` by default) without the web UI or console progress."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .config("spark.python.worker.reuse", "true")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
