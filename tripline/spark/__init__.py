"""Running Tripline's batch jobs on Spark: the session, the files a job ships to its executors,
and input read by Spark with line numbers (see ``docs/scale.md``).

The jobs themselves live with their capability (``screening/spark.py``, ``cargo/spark_pass.py``).
"""
