"""The Spark engine reads CSV, JSON lines and Parquet manifests: the same queue as the local
engine on the same file, and every bad row in the side output with the line and reason the
local reader gives it (local[2]; the cluster run is in tests/cargo/test_spark.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cargo.test_spark import assert_same_queue, run_both
from tripline.cargo.demo import generate
from tripline.cargo.ports import GoodsClassifier, PartyScreener
from tripline.cargo.readers import write_manifest
from tripline.cargo.reference import ReferenceData
from tripline.runtime import Runtime
from tripline.settings import Settings

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _manifest(fmt: str, directory: Path, ref: ReferenceData) -> tuple[Path, set[str]]:
    """150 demo shipments with bad rows planted; the fields of the errors the local reader finds."""
    traffic = generate(150, 7, ref)
    path = directory / f"manifest.{fmt}"
    write_manifest(path, traffic.shipments)
    if fmt == "parquet":
        table = pq.read_table(path).to_pylist()
        table[4]["bill_of_lading"] = "NOT A B/L"
        table[9]["port_of_loading"] = "XXZZZ"
        table.append(dict(table[20]))  # a duplicate
        pq.write_table(pa.Table.from_pylist(table, schema=pq.read_schema(path)), path)
        return path, {"bill_of_lading", "port_of_loading"}
    lines = path.read_text(encoding="utf-8").splitlines()
    if fmt == "csv":
        lines[5] = lines[5].replace(lines[5].split(",")[0], "NOT A B/L", 1)
        lines[9] = ",".join(lines[9].split(",")[:5])  # too few values
        lines.insert(30, "")
        lines.append(lines[40])
        fields = {"bill_of_lading"}
    else:
        record = json.loads(lines[5])
        record["bill_of_lading"] = "NOT A B/L"
        lines[5] = json.dumps(record)
        lines[9] = '{"bill_of_lading": }'  # not JSON
        lines[12] = "[1, 2]"  # not an object
        lines.insert(30, "")
        lines.append(lines[40])
        fields = {"bill_of_lading", "record"}
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, fields


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_each_input_format_ranks_like_the_local_engine_with_bad_rows_aside(
    fmt: str,
    ref: ReferenceData,
    tmp_path: Path,
    e2e_settings: Settings,
    e2e_runtime: Runtime,
    real_matchers_built: tuple[PartyScreener, GoodsClassifier],
) -> None:
    manifest, fields = _manifest(fmt, tmp_path, ref)
    out = tmp_path / "queue.jsonl"
    local, spark = run_both(manifest, out, e2e_settings, e2e_runtime, real_matchers_built, "local[2]")
    assert {e.field for e in local.errors} >= fields
    assert any("duplicate bill of lading" in e.reason for e in local.errors)
    assert local.shipments > 140
    assert_same_queue(local, spark, out)
    parts = sorted(Path(str(out) + ".rejected").glob("part-*"))
    side = [json.loads(x) for p in parts for x in p.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["line"], r["reason"]) for r in side) == sorted((e.line, e.reason) for e in local.errors)
