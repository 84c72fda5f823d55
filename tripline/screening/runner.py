"""`screen-file`: read, validate, screen (local or Spark engine), write; one call for the CLI."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import structlog

from tripline.errors import InputError
from tripline.screening.batch import BatchReport, Columns, file_format, queries, screen_local, write_results
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD
from tripline.screening.screener import Screener

log = structlog.get_logger(__name__)

ENGINES = ("local", "spark")


def default_workers() -> int:
    """Local engine: one forked process per CPU this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def screen_file(
    screener: Screener | Callable[[], Screener],
    input_path: Path | str,
    out: Path | str,
    columns: Columns,
    *,
    engine: str = "local",
    master: str = "local[*]",
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    progress: Callable[[int], None] = lambda _n: None,
    workers: int | None = None,
    conf: Mapping[str, str] | None = None,
) -> BatchReport:
    """Screen every good row of `input_path` into `out`; bad rows are reported and skipped.

    The Spark engine takes a local path or a Hadoop-compatible URL for both, and writes `out`
    as a directory of part files (its bad rows also to ``OUT.rejected``)."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} (one of: {', '.join(ENGINES)})", field="engine")
    if engine == "spark":
        from tripline.screening.spark import screen_spark
        from tripline.spark.inputs import input_format
        from tripline.spark.session import is_url

        source, target = str(input_path), str(out)
        input_format(source)
        input_format(target)
        if not is_url(source) and not Path(source).exists():
            raise InputError("no such file", file=source)
        built = _built(screener)
        report = screen_spark(
            built, source, target, columns, master=master, threshold=threshold, limit=limit, conf=conf
        )
        progress(report.screened)
        return report
    input_path, out = Path(input_path), Path(out)
    file_format(input_path)
    file_format(out)
    if not input_path.is_file():
        raise InputError("no such file", file=input_path)
    built = _built(screener)
    report = BatchReport()
    items = queries(input_path, columns, report)
    results = screen_local(built, items, threshold=threshold, limit=limit, workers=workers or default_workers())
    write_results(out, results, report, progress)
    log.info("file screened", engine=engine, rows=report.rows, bad=len(report.bad_rows), out=str(out))
    return report


def _built(screener: Screener | Callable[[], Screener]) -> Screener:
    built = screener() if callable(screener) and not isinstance(screener, Screener) else screener
    assert isinstance(built, Screener)
    return built
