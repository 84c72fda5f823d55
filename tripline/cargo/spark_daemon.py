"""PySpark's Python daemon with the cargo pass's modules imported once, before it forks.

Spark starts one daemon per executor (``python -m <spark.python.daemon.module>``) and forks a
Python worker from it for each task slot. With PySpark's own daemon every forked worker imports
PySpark's worker, Arrow, pandas and Tripline's validation, screening and classification modules
itself; with this one (set by :func:`tripline.cargo.spark_pass.target_spark`) the daemon has
imported them and a new worker starts with them loaded. It opens no file and builds nothing:
what a job ships is still opened once per worker (``tripline/spark/shipping.py``).
"""

from __future__ import annotations

import followthemoney.types
import pyspark.sql.pandas.serializers
import pyspark.worker
from pyspark.daemon import manager

import tripline.cargo.reference
import tripline.cargo.spark_pass
import tripline.screening.indexfile
import tripline.screening.screener

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

if __name__ == "__main__":
    manager()
