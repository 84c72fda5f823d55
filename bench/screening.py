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
from tripline.screening.result import ScreeningQuery
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


def _keyset(screener: Screener, name: str, person: bool) -> frozenset[str]:
    return frozenset(t.text for t in screener.normaliser.form(name, person=person).tokens)


def retrieval_and_screening(screener: Screener, cases: list[Case]) -> None:
    """A case's list entry is found when an entity shares one of its names (token order aside)."""
    by_name: dict[tuple[bool, frozenset[str]], set[str]] = {}
    for name in screener.names:
        entity = screener.entities[name.entity_no]
        by_name.setdefault((entity.person, _keyset(screener, name.text, entity.person)), set()).add(entity.entity_id)

    def targets(case: Case) -> set[str]:
        person = case.target.schema == "Person"
        props = case.target.properties
        out: set[str] = set()
        for n in props["name"] + props.get("alias", []):
            out |= by_name.get((person, _keyset(screener, n, person)), set())
        return out

    print("\n## over the whole index: retrieval recall, and screening at the threshold")
    print(f"{'split':6} {'recall@retrieval':>17} {'recall@0.8':>11} {'cases w/ other hits':>20} {'negatives hit':>14}")
    for split in ("dev", "test"):
        sub = [c for c in cases if c.split == split]
        retrieved = found = other = positives = 0
        for case in sub:
            if not case.label:
                continue
            wanted = targets(case)
            if not wanted:
                continue  # the entry is not in the loaded lists (the case file has a few from other snapshots)
            positives += 1
            ids = {screener.entities[screener.names[n].entity_no].entity_id for n in screener.candidates(case.query)}
            retrieved += bool(ids & wanted)
            matched = {m.entity_id for m in screener.screen(case.query).matches}
            found += bool(matched & wanted)
            other += bool(matched - wanted)
        negatives = [c for c in sub if not c.label]
        neg_hit = [c.query.name for c in negatives if screener.screen(c.query).matches]
        print(
            f"{split:6} {retrieved}/{positives}={retrieved / max(positives, 1):.3f}".ljust(25)
            + f" {found / max(positives, 1):11.3f} {other:20d} {len(neg_hit):>6d}/{len(negatives)}"
        )
        if neg_hit:
            print(f"       negatives that matched: {neg_hit}")


_WORKER: Screener | None = None


def _init(blob: bytes) -> None:
    global _WORKER
    _WORKER = pickle.loads(blob)


def _full_scoring(screener: Screener, on: bool) -> None:
    """The baseline ("before"): every candidate name scored in full, no upper-bound pruning."""
    if on:
        screener._score_names = lambda q, names, **_: Screener._score_names(screener, q, names)  # type: ignore[method-assign]
    else:
        screener.__dict__.pop("_score_names", None)


def _screen_chunk(args: tuple[list[str], bool]) -> int:
    from tripline.screening.result import ScreeningQuery

    names, full = args
    assert _WORKER is not None
    _full_scoring(_WORKER, full)
    return sum(len(_WORKER.screen(ScreeningQuery(name=n)).matches) for n in names)


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def speed(screener: Screener, cases: list[Case], blob: bytes) -> None:
    for case in cases[:50]:
        screener.screen(case.query)  # warm the caches
    wall, cpu = [], []
    for case in cases:
        t, c = time.perf_counter(), time.process_time()
        screener.screen(case.query)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    wall.sort()
    cpu.sort()
    n = len(wall)
    print(f"\n## single query over {len(screener)} entities ({len(screener.names)} names), {n} queries")
    print(f"wall ms: p50 {statistics.median(wall):.2f}  p95 {wall[int(n * 0.95) - 1]:.2f}")
    print(f"cpu  ms: p50 {statistics.median(cpu):.2f}  p95 {cpu[int(n * 0.95) - 1]:.2f}")
    names = [c.query.name for c in cases] * 6
    chunks = [names[i : i + 250] for i in range(0, len(names), 250)]
    rows: list[tuple[str, str, float]] = []
    with ProcessPoolExecutor(2, initializer=_init, initargs=(blob,)) as pool:
        for label, full in (("before", True), ("after", False)):
            _full_scoring(screener, full)
            t = time.perf_counter()
            for case in cases:
                screener.screen(case.query)
            rows.append(
                (label, "screen() per name, 1 process, 500 distinct names", len(cases) / (time.perf_counter() - t))
            )
            list(pool.map(_screen_chunk, [(c, full) for c in chunks[:2]]))  # warm up
            t = time.perf_counter()
            list(pool.map(_screen_chunk, [(c, full) for c in chunks]))
            rows.append(
                (
                    label,
                    "screen() per name, 2 processes (pickled index), 3,000 names",
                    len(names) / (time.perf_counter() - t),
                )
            )
    _full_scoring(screener, False)
    queries = [ScreeningQuery(name=n) for n in names]
    for label, batch in (("500 distinct names", queries[: len(cases)]), ("3,000 names (each 6 times)", queries)):
        t = time.perf_counter()
        screener.screen_many(batch, workers=2)
        rows.append(
            (
                "after",
                f"screen_many(workers=2) (forked, duplicates once), {label}",
                len(batch) / (time.perf_counter() - t),
            )
        )
    print("\n## batch throughput (names/s wall)")
    for label, what, rate in rows:
        print(f"{label:7} {what:75} {rate:7.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only the cases' own entities, no database")
    parser.add_argument("--no-pairs", action="store_true", help="skip the pair comparison with nomenklatura")
    args = parser.parse_args()
    cases = load_cases()
    print(f"{len(cases)} cases ({sum(c.label for c in cases)} positive), cpus={os.cpu_count()}")
    if not args.no_pairs:
        quality(cases)
    rss = _rss_mib()
    t, c = time.perf_counter(), time.process_time()
    if args.quick:
        screener = Screener(unique_targets(cases))
    else:
        from tripline.screening.service import screener_from_database
        from tripline.settings import Settings
        from tripline.store.db import Database

        screener = screener_from_database(Database.from_settings(Settings()))
    build, build_cpu = time.perf_counter() - t, time.process_time() - c
    grown = _rss_mib() - rss
    blob = pickle.dumps(screener, protocol=pickle.HIGHEST_PROTOCOL)
    print(
        f"\n## index: {len(screener)} entities, {len(screener.names)} names, {len(screener.index)} keys; "
        f"build {build:.1f} s wall / {build_cpu:.1f} s CPU (with reading the lists); resident memory +{grown:.0f} MiB; "
        f"pickled {len(blob) / 2**20:.0f} MiB; load average {os.getloadavg()[0]:.1f}"
    )
    retrieval_and_screening(screener, cases)
    speed(screener, cases, blob)


if __name__ == "__main__":
    main()
