"""Cargo targeting throughput: shipments scored per second, screening and classification included.

Builds a throw-away database with real watch lists (OFAC SDN and the UN Security Council list
by default), the real goods classifier and demo traffic, then times:

- read:      parsing and validating the manifest file (CSV);
- baseline:  indicators with the per-name / per-description caches switched off (each party
             screened, each goods line classified), on a small sample;
- local x1:  the local engine in one process (caches on);
- local x2:  the local engine with its look-ups (distinct names, descriptions) in two forked
             processes, then scoring;
- warm:      indicators and score once every look-up is cached (the steady state of a long run,
             where names and descriptions repeat);
- spark:     PySpark local[2] (optional).

    .venv/bin/python bench/target.py --quick
    .venv/bin/python bench/target.py --shipments 100000 --spark
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tripline.cargo.demo import generate
from tripline.cargo.engine import Engine, target_shipments
from tripline.cargo.indicators import IndicatorExtractor, first_shipments
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import MatcherFactory
from tripline.cargo.readers import read_manifest, write_manifest
from tripline.cargo.reference import load_reference
from tripline.cargo.scoring import RuleScorer
from tripline.cargo.services import FindingsByContainer
from tripline.lists.loader import load_bundled
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database


class _Prebuilt:
    """A picklable matcher factory returning matchers built once (Spark broadcasts them)."""

    def __init__(self, built: tuple[object, object]) -> None:
        self.built = built

    def __call__(self, _settings: Settings) -> tuple[object, object]:
        return self.built


class _Uncached(IndicatorExtractor):
    def extract(self, s, *, first_shipment=False):  # type: ignore[no-untyped-def]
        self._party_cache.clear()
        self._goods_cache.clear()
        self.hs._cache.clear()
        return super().extract(s, first_shipment=first_shipment)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shipments", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="3,000 shipments, no Spark")
    parser.add_argument("--spark", action="store_true", help="also time PySpark local[2]")
    parser.add_argument("--lists", default="us_ofac_sdn,un_sc", help="bundled list ids to screen against")
    parser.add_argument("--baseline-sample", type=int, default=200)
    args = parser.parse_args()
    n = 3_000 if args.quick else args.shipments
    tmp = Path(tempfile.mkdtemp(prefix="tripline-bench-target-"))
    settings = Settings(var_dir=tmp / "var", log_level="WARNING")
    db = Database.from_settings(settings)
    db.upgrade()
    t = time.perf_counter()
    load_bundled(db, settings, only=[x for x in args.lists.split(",") if x])
    print(f"lists loaded ({args.lists}) in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    built = Runtime(settings, db).matchers()
    print(f"screener and classifier built in {time.perf_counter() - t:.1f} s")
    ref = load_reference(settings.data_dir)
    policy = load_policy()
    radiation = FindingsByContainer({})

    t = time.perf_counter()
    traffic = generate(n, 1, ref)
    path = tmp / "demo.csv"
    write_manifest(path, traffic.shipments)
    gen_s = time.perf_counter() - t
    t = time.perf_counter()
    shipments = read_manifest(path, ref).shipments
    read_s = time.perf_counter() - t

    rows: list[tuple[str, int, float]] = [("read + validate (CSV)", n, read_s)]
    sample = shipments[: args.baseline_sample]
    screener, classifier = built
    uncached = _Uncached(policy, ref, screener=screener, classifier=classifier, radiation=radiation)
    first = first_shipments(sample)
    scorer = RuleScorer(policy)
    t = time.perf_counter()
    for s in sample:
        scorer.score(uncached.extract(s, first_shipment=s.bill_of_lading in first))
    rows.append(("baseline: indicators, no caches", len(sample), time.perf_counter() - t))

    factory: MatcherFactory = _Prebuilt(built)  # type: ignore[assignment]
    common = {"settings": settings, "policy": policy, "radiation": radiation, "ref": ref, "matchers": factory}
    for label, workers in (("local engine, 1 process", 1), ("local engine, 2 processes", 2)):
        t = time.perf_counter()
        target_shipments(shipments, workers=workers, **common)  # type: ignore[arg-type]
        rows.append((label, n, time.perf_counter() - t))
    warm = IndicatorExtractor(policy, ref, screener=screener, classifier=classifier, radiation=radiation)
    first_all = first_shipments(shipments)
    for s in shipments:
        warm.extract(s, first_shipment=s.bill_of_lading in first_all)
    t = time.perf_counter()
    for s in shipments:
        scorer.score(warm.extract(s, first_shipment=s.bill_of_lading in first_all))
    rows.append(("indicators + score, caches warm", n, time.perf_counter() - t))
    if args.spark and not args.quick:
        from tripline.spark.session import spark_session

        spark_session("local[2]", "tripline-target")  # JVM start-up is not part of the throughput
        t = time.perf_counter()
        target_shipments(shipments, engine=Engine.SPARK, **common)  # type: ignore[arg-type]
        rows.append(("spark local[2]", n, time.perf_counter() - t))

    print(f"\ndemo traffic: {n} shipments generated and written in {gen_s:.1f} s; lists: {args.lists}\n")
    print(f"{'step':34} {'shipments':>10} {'seconds':>9} {'per second':>11} {'1M shipments':>13}")
    for label, count, seconds in rows:
        rate = count / seconds if seconds > 0 else float("inf")
        print(f"{label:34} {count:>10,} {seconds:>9.1f} {rate:>11,.0f} {1e6 / rate / 60:>10.1f} min")
    db.dispose()


if __name__ == "__main__":
    main()
