"""The Spark engine's one pass (``tripline/cargo/spark_pass.py``) on Arrow batches, without Spark.

The pass sees a partition as a stream of Arrow batches and screens its shipments a chunk at a
time. However the input is cut (into partitions, batches, chunks), every row must come out the
same as when the whole input is one batch; and each scored shipment must be what the local
engine's reader and extractor make of that line (an independent path: ``read_manifest``).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cargo.standins import StandInClassifier, StandInRadiation, StandInScreener
from tripline.cargo.demo import PLANTED_NAMES, generate
from tripline.cargo.indicators import IndicatorExtractor, first_shipments
from tripline.cargo.policy import load_policy
from tripline.cargo.readers import read_manifest, write_manifest
from tripline.cargo.reference import ReferenceData, load_reference
from tripline.cargo.scoring import RuleScorer
from tripline.cargo.spark_pass import ID_BITS, PassJob, Tools, line_offsets, pass_batches, true_line
from tripline.settings import REPO_DIR

POLICY = load_policy()


def _tools(ref: ReferenceData) -> Tools:
    screener = StandInScreener({PLANTED_NAMES["limmt"]: "test_list", PLANTED_NAMES["sbig"]: "test_list"})
    classifier = StandInClassifier({"flow-forming": "2B009", "coordinate": "2B006", "centrifug": "2B228"})
    extractor = IndicatorExtractor(POLICY, ref, screener=screener, classifier=classifier, radiation=StandInRadiation())
    return Tools(ref, extractor, lambda keys: [screener.screen_party(n, c) for n, c in keys], classifier.classify_goods)


_MADE: dict[str, tuple[Path, list[str]]] = {}
_REF: list[ReferenceData] = []


def _reference() -> ReferenceData:
    if not _REF:
        _REF.append(load_reference(REPO_DIR / "data"))
    return _REF[0]


def _manifest(tmp: str, ref: ReferenceData) -> tuple[Path, list[str]]:
    if tmp in _MADE:
        return _MADE[tmp]
    path = Path(tmp) / "demo.csv"
    write_manifest(path, generate(80, 3, ref).shipments)
    lines = path.read_text(encoding="utf-8").splitlines()
    # a bad bill of lading, a row too short, a blank line, a line that is not UTF-8, a duplicate
    lines[5] = lines[5].replace(lines[5].split(",")[0], "NOT A B/L", 1)
    lines[9] = ",".join(lines[9].split(",")[:4])
    lines.insert(20, "")
    lines.append(lines[30])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _MADE[tmp] = path, lines
    return path, lines


def _batches(lines: list[bytes], cuts: list[int], batch_sizes: list[int]) -> tuple[list[list[Any]], tuple[int, ...]]:
    """Partitions of Arrow batches (value, id) as Spark's text scan gives them, and their line offsets."""
    bounds = sorted({0, len(lines), *(c % (len(lines) + 1) for c in cuts)})
    partitions, offsets = [], []
    for p, (start, stop) in enumerate(itertools.pairwise(bounds)):
        offsets.append(start)
        part, i, size_at = [], start, 0
        while i < stop:
            size = batch_sizes[size_at % len(batch_sizes)]
            size_at += 1
            rows = lines[i : min(stop, i + size)]
            ids = [(p << ID_BITS) + k for k in range(i - start, i - start + len(rows))]
            part.append(pa.RecordBatch.from_pydict({"value": rows, "id": ids}))
            i += len(rows)
        partitions.append(part)
    return partitions, tuple(offsets)


def _rows(job: PassJob, ref: ReferenceData, partitions: list[list[Any]], chunk: int) -> list[tuple[Any, ...]]:
    out = []
    for part in partitions:
        tools = _tools(ref)  # a fresh worker per partition: caches must not matter either
        for batch in pass_batches(job, tools, part, chunk=chunk):
            for row in batch.to_pylist():
                out.append(tuple(str(v) for v in row.values()))
    return sorted(out, key=lambda r: (int(r[1]), r))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cuts=st.lists(st.integers(0, 200), max_size=4),
    batch_sizes=st.lists(st.integers(1, 60), min_size=1, max_size=4),
    chunk=st.integers(1, 150),
)
def test_the_streaming_pass_gives_the_whole_input_result(
    tmp_path_factory: Any, cuts: list[int], batch_sizes: list[int], chunk: int
) -> None:
    ref = _reference()
    path, lines = _manifest(str(tmp_path_factory.getbasetemp()), ref)
    header = tuple(lines[0].split(","))
    raw = [line.encode("utf-8") for line in lines]
    raw[40] = raw[40].replace(b"Co", "Ço".encode("latin-1"), 1) if b"Co" in raw[40] else raw[40] + b"\xe9"
    job = PassJob(fmt="csv", file=str(path), policy=POLICY, scorer=RuleScorer(POLICY), header=header, offsets=(0,))
    whole_parts, _ = _batches(raw, [], [len(raw)])
    whole = _rows(job, ref, whole_parts, chunk=10_000)
    parts, offsets = _batches(raw, cuts, batch_sizes)
    streamed = _rows(PassJob(**{**job.__dict__, "offsets": offsets}), ref, parts, chunk=chunk)
    assert streamed == whole


def test_the_pass_scores_each_line_as_the_local_engine_does(ref: ReferenceData, tmp_path: Path) -> None:
    path, lines = _manifest(str(tmp_path), ref)
    raw = [line.encode("utf-8") for line in lines]
    raw[40] += b",\xe9"  # line 41 is not UTF-8 (and would have a value too many)
    parts, offsets = _batches(raw, [50], [17])
    job = PassJob(
        fmt="csv",
        file=str(path),
        policy=POLICY,
        scorer=RuleScorer(POLICY),
        header=tuple(lines[0].split(",")),
        offsets=offsets,
    )
    rows = [r for part in parts for b in pass_batches(job, _tools(ref), part, chunk=7) for r in b.to_pylist()]
    loaded = read_manifest(path, ref)
    # the local reader's errors but the duplicate (the JVM side of the job finds it), and line 41
    bad = sorted((r["line"], r["field"]) for r in rows if r["kind"] == "bad")
    expected = [(e.line, e.field) for e in loaded.errors if "duplicate" not in e.reason]
    assert bad == sorted([*expected, (41, "encoding")])
    assert any("duplicate" in e.reason for e in loaded.errors)
    scored = {r["bill_of_lading"]: r for r in rows if r["kind"] == "ok"}
    assert set(scored) == {s.bill_of_lading for s in loaded.shipments} - {lines[40].split(",")[0]}
    tools, scorer = _tools(ref), RuleScorer(POLICY)
    assert first_shipments(loaded.shipments)
    for s in loaded.shipments:
        row = scored.get(s.bill_of_lading)
        if row is None:
            continue
        for suffix, as_first in (("", False), ("_first", True)):
            local = scorer.score(tools.extractor.extract(s, first_shipment=as_first))
            assert row[f"score{suffix}"] == round(local.score, 3)
            assert [r["indicator"] for r in row[f"reasons{suffix}"]] == [r.indicator for r in local.reasons]
    assert any(r["reasons"] for r in scored.values())


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(0, 200), max_size=4), batch_size=st.integers(1, 60))
def test_lines_put_right_from_the_count_rows_are_the_file_lines(
    tmp_path_factory: Any, cuts: list[int], batch_size: int
) -> None:
    # the job reads the input once: the pass numbers rows by id and ends each partition with a
    # "count" row; the lines put right from those must be the ones a pass told the offsets gives
    ref = _reference()
    path, lines = _manifest(str(tmp_path_factory.getbasetemp()), ref)
    raw = [line.encode("utf-8") for line in lines]
    parts, offsets = _batches(raw, cuts, [batch_size])
    header = tuple(lines[0].split(","))
    job = PassJob(fmt="csv", file=str(path), policy=POLICY, scorer=RuleScorer(POLICY), header=header)

    def rows(job: PassJob) -> list[dict[str, Any]]:
        return [r for part in parts for b in pass_batches(job, _tools(ref), part) for r in b.to_pylist()]

    told = rows(PassJob(**{**job.__dict__, "offsets": offsets}))
    counted = rows(job)
    last = [r["line"] for r in counted if r["kind"] == "count"]
    assert len(last) == sum(1 for part in parts if part)  # one per partition that has lines
    found = line_offsets(last)
    assert found == offsets[: len(found)]
    assert sum(((n - 1) & ((1 << ID_BITS) - 1)) + 1 for n in last) == len(raw)
    fixed = [{**r, "line": true_line(r["line"], found)} for r in counted if r["kind"] != "count"]
    assert sorted(map(repr, fixed)) == sorted(map(repr, told))
    assert {r["line"] for r in told if r["kind"] == "bad"}  # the manifest has bad rows to place
