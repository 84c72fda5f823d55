"""The Spark engine ranks a manifest file exactly as the local engine does (local[2]; the
standalone-cluster run is in test_spark_cluster.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tripline.cargo.engine import Engine, TargetRun, target_file
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import GoodsClassifier, PartyScreener
from tripline.cargo.run import radiation_for
from tripline.runtime import Runtime
from tripline.settings import Settings


def sample_manifest(demo: Path, out: Path, rows: int = 400) -> Path:
    """The first `rows` shipments of the demo file, plus a bad row, a duplicate, a blank line and a
    row with fewer values than the header."""
    lines = demo.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1 : rows + 1]
    bad = body[3].replace(body[3].split(",")[0], "BAD BL WITH SPACES", 1)
    short = io.StringIO()
    csv.writer(short, lineterminator="").writerow(next(csv.reader([body[30]]))[:6])
    out.write_text("\n".join([header, *body, bad, body[10], "", body[20], short.getvalue()]) + "\n", encoding="utf-8")
    scans = demo.with_name(demo.name + ".scans.jsonl")
    if scans.exists():
        out.with_name(out.name + ".scans.jsonl").write_bytes(scans.read_bytes())
    return out


def part_rows(directory: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for part in sorted(directory.glob("part-*")):
        rows.extend(json.loads(line) for line in part.read_text(encoding="utf-8").splitlines())
    return rows


def run_both(
    manifest: Path, out: Path, settings: Settings, runtime: Runtime, matchers: tuple[PartyScreener, GoodsClassifier],
    master: str, conf: dict[str, str] | None = None,
) -> tuple[TargetRun, TargetRun]:  # fmt: skip
    common = {"settings": settings, "policy": load_policy(), "radiation": radiation_for(manifest)}
    local = target_file(manifest, matchers=lambda _s: matchers, **common)  # type: ignore[arg-type]
    spark = target_file(
        manifest,
        matchers=runtime.matchers,
        engine=Engine.SPARK,
        master=master,
        out=str(out),
        top=25,
        conf=conf,
        **common,  # type: ignore[arg-type]
    )
    return local, spark


def assert_same_queue(local: TargetRun, spark: TargetRun, out: Path) -> None:
    written = part_rows(out)
    assert [r["bill_of_lading"] for r in written] == [s.bill_of_lading for s in local.ranked]
    assert [r["rank"] for r in written] == list(range(1, len(local.ranked) + 1))
    assert [r["score"] for r in written] == [round(s.score, 3) for s in local.ranked]
    assert [r["action"] for r in written] == [s.action.value for s in local.ranked]
    first = local.ranked[0].to_dict()
    assert [{k: v for k, v in r.items() if v} for r in written[0]["reasons"]] == first["reasons"]  # type: ignore[union-attr,attr-defined]
    assert spark.ranked == local.ranked[:25]
    assert spark.shipments == local.shipments
    assert [(e.line, e.field, e.reason) for e in spark.errors] == [(e.line, e.field, e.reason) for e in local.errors]
    rejected = sorted((r["line"], r["field"]) for r in part_rows(Path(str(out) + ".rejected")))
    assert rejected == sorted((e.line, e.field) for e in local.errors)


# 8 KiB splits (a 1 M-row manifest has dozens of 16 MiB ones): a duplicate found in a later split than
# its first row, the first-shipment rule and every rejected row's line stay those of the local
# engine, which reads the file as one stream
MANY_SPLITS = {"spark.sql.files.maxPartitionBytes": "8k", "spark.sql.files.openCostInBytes": "1k"}


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("conf", [None, MANY_SPLITS], ids=["default splits", "many input splits"])
def test_spark_ranks_like_the_local_engine(
    demo_2000: Path,
    tmp_path: Path,
    e2e_settings: Settings,
    e2e_runtime: Runtime,
    real_matchers_built: tuple[PartyScreener, GoodsClassifier],
    conf: dict[str, str] | None,
) -> None:
    manifest = sample_manifest(demo_2000, tmp_path / "sample.csv", rows=200)
    if conf is not None:
        assert manifest.stat().st_size > 5 * 8192
    out = tmp_path / "queue.jsonl"
    local, spark = run_both(manifest, out, e2e_settings, e2e_runtime, real_matchers_built, "local[2]", conf)
    assert len(local.errors) == 4  # the bad bill of lading, two duplicates, the short row
    assert sorted(e.field for e in local.errors) == ["bill_of_lading"] * 3 + ["notify_name"]
    assert any(s.reasons for s in local.ranked[:5])
    assert_same_queue(local, spark, out)
    # the sort ran on one partition (a manifest under SHUFFLE_ROWS rows, however many its splits): one part file
    assert len(list(out.glob("part-*"))) == 1


@pytest.mark.spark
@pytest.mark.slow
def test_spark_ranks_like_the_local_engine_on_a_standalone_cluster(
    demo_2000: Path,
    tmp_path: Path,
    e2e_settings: Settings,
    e2e_runtime: Runtime,
    real_matchers_built: tuple[PartyScreener, GoodsClassifier],
    spark_cluster: str,
) -> None:
    manifest = sample_manifest(demo_2000, tmp_path / "sample.csv", rows=200)
    out = tmp_path / "queue.jsonl"
    local, spark = run_both(manifest, out, e2e_settings, e2e_runtime, real_matchers_built, spark_cluster)
    assert_same_queue(local, spark, out)
