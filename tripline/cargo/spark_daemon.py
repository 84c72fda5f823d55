"""PySpark's Python daemon with the cargo pass's modules imported once, before it forks.

Spark starts one daemon per executor (``python -m <spark.python.daemon.module>``) and forks a
Python worker from it for each task slot. With PySpark's own daemon every forked worker imports
PySpark's worker, Arrow, pandas and Tripline's validation, screening and classification modules
itself; with this one (set by :func:`tripline.cargo.spark_pass.target_spark`) the daemon has
imported them and a new worker starts with them loaded, with the reference tables of the job's
data folder too (the same for every job of an installation). What a job ships (index,
classifier) is still opened once per worker (``tripline/spark/shipping.py``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys

import followthemoney.types
import pyspark.sql.pandas.serializers
import pyspark.worker
from pyspark.daemon import manager

import tripline.cargo.reference
import tripline.cargo.spark_pass
import tripline.screening.indexfile
import tripline.screening.screener
from tripline.errors import IntegrityError

# what every forked worker finds loaded: FollowTheMoney's model (2-7 s a worker to load, on first
# screening), PySpark's worker and its Arrow serializers, the pass and what it opens files with
PRELOADED = (
    followthemoney.types,
    pyspark.sql.pandas.serializers,
    pyspark.worker,
    tripline.cargo.reference,
    tripline.cargo.spark_pass,
    tripline.screening.indexfile,
    tripline.screening.screener,
)


def preload() -> None:
    """The reference tables of the job's data folder (``TRIPLINE_SPARK_DATA_DIR``) and the job's
    tools (``TRIPLINE_SPARK_JOB``: screener mapped, classifier unpickled, each after its digest
    check), opened once here and shared by every forked worker; a worker opens them itself if
    this fails."""
    data_dir = os.environ.get(tripline.cargo.spark_pass.PRELOAD_ENV)
    job = os.environ.get(tripline.cargo.spark_pass.PRELOAD_JOB_ENV)
    # the daemon's stdout carries its port to the JVM: a log line there would break the handshake
    with contextlib.redirect_stdout(sys.stderr):
        if data_dir:
            with contextlib.suppress(OSError, ValueError):
                tripline.cargo.spark_pass.worker_reference(data_dir)
        if job:
            # a file missing or not the job's digest: the workers open (and refuse) it themselves
            with contextlib.suppress(OSError, ValueError, IntegrityError):
                tripline.cargo.spark_pass.preload_tools(job)
    # what is loaded now lives as long as the daemon: out of the collector's sight, so a forked
    # worker's collections neither walk these objects nor write to (and so copy) their pages, as
    # tripline/forkmap.py does for the local engine's look-up processes
    gc.freeze()


if __name__ == "__main__":
    preload()
    manager()
