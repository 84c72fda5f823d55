"""The Spark engine gives the same results as the local engine (local[2], small sample)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.screening.cases import load_cases, unique_targets
from tripline.screening.batch import Columns
from tripline.screening.runner import screen_file
from tripline.screening.screener import Screener


def part_lines(directory: Path) -> list[str]:
    """The lines of a Spark output directory, part files in order (input order)."""
    lines: list[str] = []
    for part in sorted(directory.glob("part-*")):
        lines.extend(part.read_text(encoding="utf-8").splitlines())
    return lines


def spark_results_match_local(tmp_path: Path, master: str) -> None:
    cases = load_cases()
    screener = Screener(unique_targets(cases))
    sample = cases[::20]  # every kind, positives and negatives
    src = tmp_path / "parties.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for case in sample:
            fh.write(json.dumps({"ref": case.id, "name": case.query.name, "cc": case.query.country}) + "\n")
        fh.write("{not json\n")
        fh.write(json.dumps({"ref": "x", "name": "  "}) + "\n")
    columns = Columns("name", country="cc", id="ref")
    local = screen_file(screener, src, tmp_path / "local.jsonl", columns, engine="local")
    spark = screen_file(screener, src, tmp_path / "spark.jsonl", columns, engine="spark", master=master)
    assert local.to_dict() == spark.to_dict()
    assert [line for line, _ in local.bad_rows] == [len(sample) + 1, len(sample) + 2]
    local_rows = (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(local_rows) == len(sample)
    assert part_lines(tmp_path / "spark.jsonl") == local_rows
    assert any(json.loads(row)["matches"] for row in local_rows)
    rejected = [json.loads(r) for r in part_lines(tmp_path / "spark.jsonl.rejected")]
    assert sorted((r["line"], r["field"]) for r in rejected) == [(len(sample) + 1, "record"), (len(sample) + 2, "name")]


@pytest.mark.spark
def test_spark_engine_matches_local_engine(tmp_path: Path) -> None:
    spark_results_match_local(tmp_path, "local[2]")


@pytest.mark.spark
def test_spark_parquet_output_has_the_local_flat_rows(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    cases = load_cases()
    screener = Screener(unique_targets(cases))
    src = tmp_path / "parties.csv"
    src.write_text("ref,name\n" + "".join(f"{c.id},{c.query.name.replace(',', ' ')}\n" for c in cases[::40]))
    columns = Columns("name", id="ref")
    screen_file(screener, src, tmp_path / "local.parquet", columns, engine="local")
    screen_file(screener, src, tmp_path / "spark.parquet", columns, engine="spark", master="local[2]")
    local = pq.read_table(tmp_path / "local.parquet").to_pylist()
    spark = pq.read_table(tmp_path / "spark.parquet").to_pylist()
    key = lambda r: (r["id"], r["rank"] or 0)  # noqa: E731
    assert sorted(spark, key=key) == sorted(local, key=key)


@pytest.mark.spark
@pytest.mark.slow
def test_spark_engine_on_a_standalone_cluster(tmp_path: Path, spark_cluster: str) -> None:
    spark_results_match_local(tmp_path, spark_cluster)
