"""Screening benchmark: quality against nomenklatura logic-v1/v2, latency, throughput, index size.

Run: ``.venv/bin/python bench/screening.py [--quick]``. Needs the lists loaded into the
database of the current settings (``tripline lists load --bundled``); ``--quick`` uses only
the entities of the labelled cases (no database).

1. Pairs: every case of ``tests/data/screening_cases.jsonl`` (query vs the list entry it was
   made from) scored by Tripline, nomenklatura ``logic-v1`` and ``logic-v2``; precision,
   recall and F1 at each one's threshold (Tripline 0.8; nomenklatura 0.7, yente's default).
2. Retrieval recall: the share of positive cases whose target reaches the scorer.
3. Latency p50/p95 of single queries over all loaded lists; batch names/s on 2 processes;
   index build time and size (pickled bytes).
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from followthemoney import model
from nomenklatura.matching import LogicV1, LogicV2

from tests.screening.cases import Case, case_target_id, load_cases, unique_targets
from tripline.screening.screener import Screener

TRIPLINE_THRESHOLD = 0.8
NK_THRESHOLD = 0.7


def _query_proxy(case: Case):  # type: ignore[no-untyped-def]
    schema = case.query.schema or ("Person" if case.target.schema == "Person" else "LegalEntity")
    proxy = model.make_entity(schema)
    proxy.id = f"q-{case.id}"
    proxy.add("name", case.query.name)
    if case.query.country:
        proxy.add("country", case.query.country)
    return proxy


def prf(scores: list[tuple[float, bool]], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for s, label in scores if label and s >= threshold)
    fp = sum(1 for s, label in scores if not label and s >= threshold)
    fn = sum(1 for s, label in scores if label and s < threshold)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def quality(cases: list[Case]) -> None:
    targets = unique_targets(cases)
    screener = Screener(targets)
    rows: dict[str, list[tuple[float, bool]]] = {"tripline": [], "logic-v1": [], "logic-v2": []}
    timing = {k: 0.0 for k in rows}
    v1, v2 = LogicV1.default_config(), LogicV2.default_config()
    for case in cases:
        tid = case_target_id(case, targets)
        t = time.perf_counter()
        match = screener.score_entity(case.query, tid)
        timing["tripline"] += time.perf_counter() - t
        rows["tripline"].append((match.score if match else 0.0, case.label))
        q, e = _query_proxy(case), case.target.to_proxy()
        t = time.perf_counter()
        rows["logic-v1"].append((LogicV1.compare(q, e, v1).score, case.label))
        timing["logic-v1"] += time.perf_counter() - t
        t = time.perf_counter()
        rows["logic-v2"].append((LogicV2.compare(q, e, v2).score, case.label))
        timing["logic-v2"] += time.perf_counter() - t
    for split in ("dev", "test", "all"):
        print(f"\n## pairs, split={split}")
        print(f"{'matcher':10} {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'µs/pair':>8}")
        idx = [i for i, c in enumerate(cases) if split == "all" or c.split == split]
        for name, scores in rows.items():
            thr = TRIPLINE_THRESHOLD if name == "tripline" else NK_THRESHOLD
            p, r, f = prf([scores[i] for i in idx], thr)
            per = timing[name] / len(cases) * 1e6
            print(f"{name:10} {thr:9.2f} {p:9.3f} {r:7.3f} {f:6.3f} {per:8.0f}")


def retrieval_recall(screener: Screener, cases: list[Case]) -> None:
    print("\n## retrieval recall (positives whose target reaches the scorer)")
    for split in ("dev", "test"):
        hits = total = 0
        for case in cases:
            if not case.label or case.split != split:
                continue
            total += 1
            wanted = {n.casefold() for n in case.target.properties["name"]}
            found = {screener.names[n].entity_no for n in screener.candidates(case.query)}
            hits += any(
                wanted & {x.casefold() for x in screener.entity_names(screener.entities[e].entity_id)} for e in found
            )
        print(f"{split}: {hits}/{total} = {hits / total:.3f}")


_WORKER: Screener | None = None


def _init(blob: bytes) -> None:
    global _WORKER
    _WORKER = pickle.loads(blob)


def _screen_chunk(names: list[str]) -> int:
    from tripline.screening.result import ScreeningQuery

    assert _WORKER is not None
    return sum(len(_WORKER.screen(ScreeningQuery(name=n)).matches) for n in names)


def speed(screener: Screener, cases: list[Case], blob: bytes) -> None:
    names = [c.query.name for c in cases]
    lat = []
    for case in cases:
        t = time.perf_counter()
        screener.screen(case.query)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    p50, p95 = statistics.median(lat), lat[int(len(lat) * 0.95) - 1]
    print(f"\n## single-query latency over {len(screener)} entities: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    batch = names * 10
    t = time.perf_counter()
    _screen_all = [screener.screen_many([c.query for c in cases])]
    one = len(cases) / (time.perf_counter() - t)
    chunks = [batch[i : i + 250] for i in range(0, len(batch), 250)]
    with ProcessPoolExecutor(2, initializer=_init, initargs=(blob,)) as pool:
        list(pool.map(_screen_chunk, chunks[:2]))  # warm up
        t = time.perf_counter()
        list(pool.map(_screen_chunk, chunks))
        two = len(batch) / (time.perf_counter() - t)
    print(f"batch throughput: 1 process {one:.0f} names/s; 2 processes {two:.0f} names/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only the cases' own entities, no database")
    args = parser.parse_args()
    cases = load_cases()
    print(f"{len(cases)} cases ({sum(c.label for c in cases)} positive), cpus={os.cpu_count()}")
    quality(cases)
    t = time.perf_counter()
    if args.quick:
        screener = Screener(unique_targets(cases))
    else:
        from tripline.screening.service import screener_from_database
        from tripline.settings import Settings
        from tripline.store.db import Database

        screener = screener_from_database(Database.from_settings(Settings()))
    build = time.perf_counter() - t
    blob = pickle.dumps(screener, protocol=pickle.HIGHEST_PROTOCOL)
    print(
        f"\n## index: {len(screener)} entities, {len(screener.names)} names, {len(screener.index.postings)} keys; "
        f"build {build:.1f} s; pickled {len(blob) / 2**20:.0f} MiB"
    )
    retrieval_recall(screener, cases)
    speed(screener, cases, blob)


if __name__ == "__main__":
    main()
