"""The Spark engine gives the same results as the local engine (local[2], small sample)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.screening.cases import load_cases, unique_targets
from tripline.screening.batch import Columns
from tripline.screening.runner import screen_file
from tripline.screening.screener import Screener


@pytest.mark.spark
def test_spark_engine_matches_local_engine(tmp_path: Path) -> None:
    cases = load_cases()
    screener = Screener(unique_targets(cases))
    sample = cases[::20]  # every kind, positives and negatives
    src = tmp_path / "parties.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for case in sample:
            fh.write(json.dumps({"ref": case.id, "name": case.query.name, "cc": case.query.country}) + "\n")
        fh.write("{not json\n")
    columns = Columns("name", country="cc", id="ref")
    local = screen_file(screener, src, tmp_path / "local.jsonl", columns, engine="local")
    spark = screen_file(screener, src, tmp_path / "spark.jsonl", columns, engine="spark", master="local[2]")
    assert local.to_dict() == spark.to_dict()
    assert local.bad_rows and local.bad_rows[0][0] == len(sample) + 1
    local_rows = (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()
    spark_rows = (tmp_path / "spark.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(local_rows) == len(sample)
    assert spark_rows == local_rows
    assert any(json.loads(row)["matches"] for row in local_rows)
