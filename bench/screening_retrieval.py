"""End-to-end recall on the real cases: retrieval and scorer together, as ``screen`` runs them.

``python -m bench screening --quality`` scores each positive case against its target entity
(``score_entity``: no retrieval). A name that the scorer would match but that retrieval never
hands to it is still missed in production. This bench screens every positive case's query over
the index (``screen``, default threshold) and counts a case found when its target entity is
among the matches (or among a match's ``also_listed_as``); beside it, the cases the scorer alone
calls a match. A case's target is a copy of a listed row without the name the query was made
from (real_cases marks it "~"): the row it was copied from is left out of the index (it holds
that very name), and a case whose target is such a row is not counted.

Options: ``--whole-index`` (index every bundled list too, as production does); ``--dev-misses``
(the DEV cases the scorer matches but ``screen`` does not find; test cases are never listed);
``--speed`` (single-query latency over all case queries, and ``screen_many`` names per second on
the ISO 6346 owner names and Census person names, on the same index).
"""

from __future__ import annotations

import argparse
import collections
import statistics
import time

from bench.screening import company_names, person_names
from tests.screening import real_cases as real
from tripline.screening.result import DEFAULT_THRESHOLD, ScreeningQuery
from tripline.screening.screener import Screener


def _copied_from(entity_id: str) -> str | None:
    """The listed row a case's target was copied from (real_cases marks a copy with "~")."""
    return entity_id.split("~", 1)[0] if "~" in entity_id else None


def end_to_end(screener: Screener, cases: list[real.RealCase], *, dev_misses: bool) -> None:
    total: collections.Counter[tuple[str, str]] = collections.Counter()
    found: collections.Counter[tuple[str, str]] = collections.Counter()
    scored: collections.Counter[tuple[str, str]] = collections.Counter()
    missed: list[tuple[str, str]] = []
    for case in cases:
        if not case.label or not all(e in screener.by_id for e in case.entity_ids):
            continue
        kind = case.kind if case.kind != "script" else "script:" + case.raw.get("script", "other")
        key = (case.split, kind)
        total[key] += 1
        result = screener.screen(case.query)
        ids = {m.entity_id for m in result.matches} | {r.entity_id for m in result.matches for r in m.also_listed_as}
        hit = any(e in ids for e in case.entity_ids)
        matches = [screener.score_entity(case.query, e) for e in case.entity_ids]
        alone = any(m is not None and m.score >= DEFAULT_THRESHOLD for m in matches)
        found[key] += hit
        scored[key] += alone
        if case.split == "dev" and alone and not hit:
            missed.append((kind, case.query.name))
    print("found by screen / matched by the scorer alone / positives (default threshold)")
    for split in ("dev", "test"):
        keys = sorted(k for k in total if k[0] == split)
        f, s, t = (sum(c[k] for k in keys) for c in (found, scored, total))
        print(f"{split}: all {f}/{s}/{t} (end-to-end recall {f / t:.3f}; scorer alone {s / t:.3f})")
        print("   " + " ".join(f"{k[1]}={found[k]}/{scored[k]}/{total[k]}" for k in keys))
    if dev_misses:
        print("\nDEV cases the scorer matches but screen does not find (test cases are never listed):")
        for kind, name in missed:
            print(f"  {kind:16} {name!r}")


def speed(screener: Screener, cases: list[real.RealCase]) -> None:
    """Wall and CPU time: on a shared machine the process's own CPU time is the steadier figure."""
    queries = list(dict.fromkeys(c.query for c in cases))
    for q in queries[:50]:
        screener.screen(q)
    wall, cpu = [], []
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        screener.screen(q)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    wall.sort()
    cpu.sort()
    n = len(wall)
    p95 = int(n * 0.95) - 1
    print(
        f"\nsingle screen over {len(screener)} entities, {n} case queries: wall p50 {statistics.median(wall):.2f} "
        f"p95 {wall[p95]:.2f} ms; CPU p50 {statistics.median(cpu):.2f} p95 {cpu[p95]:.2f} ms"
    )
    for label, names in (("ISO 6346 owner names", company_names()), ("Census person names", person_names(5000))):
        batch = [ScreeningQuery(name=x) for x in names]
        t, c = time.perf_counter(), time.process_time()
        screener.screen_many(batch)
        w, u = time.perf_counter() - t, time.process_time() - c
        rates = f"{len(batch) / w:,.0f} names/s wall, {len(batch) / u:,.0f} per CPU s"
        print(f"screen_many, {len(batch):,} {label}: {rates}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--whole-index", action="store_true", help="index every bundled list too")
    parser.add_argument("--dev-misses", action="store_true", help="list the DEV cases retrieval loses")
    parser.add_argument("--speed", action="store_true", help="single-query latency and batch throughput too")
    parser.add_argument("--speed-only", action="store_true", help="latency and throughput, no recall")
    args = parser.parse_args()
    t = time.perf_counter()
    cases, entities = real.load()
    originals = {o for eid in entities if (o := _copied_from(eid)) is not None}
    indexed = [e for eid, e in entities.items() if eid not in originals]
    if args.whole_index:
        indexed += [e for eid, e in real.bundled_entities().items() if eid not in entities and eid not in originals]
    screener = Screener(indexed)
    took = time.perf_counter() - t
    print(f"## end-to-end recall on the real cases: {len(indexed)} entities indexed; set-up {took:.0f} s")
    if not args.speed_only:
        end_to_end(screener, cases, dev_misses=args.dev_misses)
    if args.speed or args.speed_only:
        speed(screener, cases)


if __name__ == "__main__":
    main()
