"""Screening benchmark: quality against nomenklatura logic-v1/v2, latency, throughput, index size.

Run: ``.venv/bin/python bench/screening.py [--quick]``. Needs the lists loaded into the
database of the current settings (``tripline lists load --bundled``); ``--quick`` uses only
the entities of the labelled cases (no database).

1. Pairs: every case of ``tests/data/screening_cases.jsonl`` (query vs the list entry it was
   made from) scored by Tripline, nomenklatura ``logic-v1`` and ``logic-v2``; precision,
   recall and F1 at each one's threshold (Tripline its default; nomenklatura 0.7, yente's default).
2. Retrieval recall: the share of positive cases whose target reaches the scorer.
3. Latency p50/p95 of single queries over all loaded lists; index build time and size.
4. Batch throughput on distinct names (no repeats to exploit): the case queries, the
   real company names of the ISO 6346 owner register, and person names from the US Census
   tables. Each run starts from a freshly mapped index file (cold caches). Baseline in the same
   run: every retrieved candidate aligned in full, as screening did before the vectorised bound.
5. ``--spark [--cluster]`` (only this): ``screen-file`` end to end on the same distinct names,
   the local engine vs Spark ``local[2]`` (vs a standalone cluster on 127.0.0.1), same run.
"""

from __future__ import annotations

import argparse
import csv
import gc
import gzip
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from followthemoney import model
from nomenklatura.matching import LogicV1, LogicV2

from tests.screening import real_cases as real
from tests.screening.cases import Case, case_target_id, census_names, load_cases, unique_targets
from tripline.lists.model import ListedEntity
from tripline.screening.result import DEFAULT_THRESHOLD, ScreeningQuery
from tripline.screening.screener import Screener

REPO = Path(__file__).resolve().parents[1]
TRIPLINE_THRESHOLD = DEFAULT_THRESHOLD
NK_THRESHOLD = 0.7
SWEEP_MAX_UNLISTED = 0.04  # the sweep's bound on dev false hits on unlisted names (the 5%, with margin)
CENSUS_INITIALS = 1_500  # distinct "initial + family" Census names screened over the whole index


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


# --- quality on the real, independent cases (tests/data/screening_real) ----------------------


def _nk_proxy(query: ScreeningQuery, case_id: str):  # type: ignore[no-untyped-def]
    proxy = model.make_entity(query.schema or "LegalEntity")
    proxy.id = f"q-{case_id}"
    proxy.add("name", query.name)
    if query.country:
        proxy.add("country", query.country)
    if query.birth_date and proxy.schema.is_a("Person"):
        proxy.add("birthDate", query.birth_date)
    return proxy


def _fmt_kinds(parts: dict[str, tuple[int, int]], kinds: tuple[str, ...]) -> str:
    return " ".join(f"{parts[k][0] / parts[k][1]:.2f}" if parts.get(k, (0, 0))[1] else "  - " for k in kinds)


def real_quality(
    *, nomenklatura: bool = True, whole_index: bool = False, dev_misses: str | None = None
) -> dict[str, dict[str, real.Figures]]:
    """Tripline, nomenklatura logic-v1/v2 and the exact-name baseline on the same real cases.

    Every matcher scores the same pairs. Tripline's index holds the cases' entities; with
    ``whole_index`` it holds every bundled list besides (so any statistic it draws from the
    index is that of production), and the unlisted names are also screened over all of it.
    """
    t0 = time.perf_counter()
    cases, entities = real.load()
    indexed = list(entities.values())
    if whole_index:
        indexed += [e for eid, e in real.bundled_entities().items() if eid not in entities]
    screener = Screener(indexed)
    proxies = {eid: e.to_proxy() for eid, e in entities.items()}

    def tripline(query: ScreeningQuery, eid: str) -> float:
        match = screener.score_entity(query, eid)
        return match.score if match else 0.0

    scorers: dict[str, tuple[Callable[[ScreeningQuery, str], float], float]] = {
        "exact name (baseline)": (real.exact_scorer(entities), 1.0),
        "Tripline": (tripline, DEFAULT_THRESHOLD),
    }
    if nomenklatura:
        qproxies = {c.query: _nk_proxy(c.query, c.id) for c in cases}
        for label, algo in (("nomenklatura logic-v1", LogicV1), ("nomenklatura logic-v2", LogicV2)):
            config = algo.default_config()

            def nk(query: ScreeningQuery, eid: str, algo=algo, config=config) -> float:  # type: ignore[no-untyped-def]
                return float(algo.compare(qproxies[query], proxies[eid], config).score)

            scorers[label] = (nk, NK_THRESHOLD)
    print(
        f"\n## quality on the real cases (tests/data/screening_real): {len(cases)} cases, "
        f"{len(entities)} entities; set-up {time.perf_counter() - t0:.1f} s"
    )
    results: dict[str, dict[str, real.Figures]] = {}
    timings: dict[str, float] = {}
    all_scores: dict[str, dict[str, float]] = {}
    for label, (score, threshold) in scorers.items():
        t = time.perf_counter()
        scores = all_scores[label] = real.case_scores(cases, score)
        timings[label] = time.perf_counter() - t
        results[label] = {
            split: real.figures([c for c in cases if c.split == split], scores, threshold) for split in ("dev", "test")
        }
    neg_listed, neg_unlisted = real.LISTED_NEGATIVE_KINDS, real.UNLISTED_KINDS
    for split in ("dev", "test"):
        sub = [c for c in cases if c.split == split]
        print(
            f"\n### {split}: {sum(c.label for c in sub)} positives, "
            f"{sum(not c.label and c.kind in neg_listed for c in sub)} listed look-alikes, "
            f"{sum(c.kind in neg_unlisted for c in sub)} unlisted names"
        )
        print(
            f"{'matcher':24} {'thr':>4} {'P':>6} {'R':>6} {'F1':>6} {'FH unl':>7} {'FH look':>7} {'FH all':>7} {'s':>6}"
        )
        for label, by_split in results.items():
            f = by_split[split]
            thr = scorers[label][1]
            print(
                f"{label:24} {thr:4.2f} {f.precision:6.3f} {f.recall:6.3f} {f.f1:6.3f} "
                f"{f.false_hit_rate(neg_unlisted):7.3f} {f.false_hit_rate(neg_listed):7.3f} "
                f"{f.false_hit_rate(neg_unlisted + neg_listed):7.3f} {timings[label]:6.1f}"
            )
        print(f"\nrecall per kind ({split}): " + " ".join(real.POSITIVE_KINDS))
        for label, by_split in results.items():
            print(f"{label:24} {_fmt_kinds(by_split[split].recall_by_kind, real.POSITIVE_KINDS)}")
        scripts = sorted({c.raw.get("script", "other") for c in sub if c.kind == "script"})
        print(f"recall on kind 'script' by script ({split}): " + " ".join(scripts))
        for label in results:
            parts = []
            for script in scripts:
                of = [c for c in sub if c.kind == "script" and c.raw.get("script", "other") == script]
                hits = sum(all_scores[label][c.id] >= scorers[label][1] for c in of)
                parts.append(f"{hits}/{len(of)}")
            print(f"{label:24} {' '.join(parts)}")
        print(f"false-hit rate per kind ({split}): " + " ".join(neg_listed + neg_unlisted))
        for label, by_split in results.items():
            print(f"{label:24} {_fmt_kinds(by_split[split].hits_by_negative_kind, neg_listed + neg_unlisted)}")
    print("(s: seconds to score both splits; FH: share of negatives with a score at the threshold)")
    dev = [c for c in cases if c.split == "dev"]
    test = [c for c in cases if c.split == "test"]
    print("\n### each matcher at the threshold that maximises its F1 on dev (0.50-1.00), applied unchanged to test")
    print(f"{'matcher':24} {'thr':>4} {'dev F1':>6} {'test P':>6} {'test R':>6} {'test F1':>7} {'FH all':>7}")
    for label, scores in all_scores.items():
        grid = [x / 100 for x in range(50, 101)]
        best = max(grid, key=lambda t: (real.figures(dev, scores, t).f1, -t))
        f = real.figures(test, scores, best)
        print(
            f"{label:24} {best:4.2f} {real.figures(dev, scores, best).f1:6.3f} {f.precision:6.3f} {f.recall:6.3f} "
            f"{f.f1:7.3f} {f.false_hit_rate(neg_unlisted + neg_listed):7.3f}"
        )
    if dev_misses is not None:
        print_dev_misses(cases, entities, all_scores["Tripline"], dev_misses)
    if whole_index:
        whole_index_unlisted(screener)
        one_party_many_rows()
    return results


def _calibrate(threshold: float) -> None:
    """Set every relative rule to its value for `threshold` (:func:`rules.calibrated`) in the
    modules that read it: for the sweep only (a bench process; production reads the constants)."""
    from tripline.screening import prefilter, rules, scorer, script_compare

    values = rules.calibrated(threshold)
    values["PERSON_SUBSET_BOUND"] = max(values["PERSON_SUBSET_FACTOR"], values["RARE_PERSON_SUBSET_FACTOR"])
    for module in (rules, scorer, prefilter):
        for name, value in values.items():
            if hasattr(module, name):
                setattr(module, name, value)
    script_compare.TRANSCRIBED_SURNAME = values["RARE_PERSON_SUBSET_FACTOR"]


def threshold_sweep(grid: list[float], *, max_unlisted: float = SWEEP_MAX_UNLISTED) -> float:
    """The threshold and the rules set against it (:func:`rules.calibrated`), chosen on DEV.

    For each threshold of `grid` the relative caps are moved with it and every case is scored
    again over the whole index; dev and test F1 and false-hit rates are printed per threshold,
    and so are those of the caps left where they are (only the threshold moved), for comparison.
    The choice: the highest dev F1 among the thresholds whose dev false-hit rate on unlisted
    names is at most `max_unlisted` (ties to the higher threshold). Test columns are printed,
    never used to choose."""
    from tripline.screening import rules

    t0 = time.perf_counter()
    cases, entities = real.load()
    indexed = list(entities.values()) + [e for eid, e in real.bundled_entities().items() if eid not in entities]
    screener = Screener(indexed)
    dev = [c for c in cases if c.split == "dev"]
    test = [c for c in cases if c.split == "test"]
    unlisted, listed = real.UNLISTED_KINDS, real.LISTED_NEGATIVE_KINDS

    def scored() -> dict[str, float]:
        def tripline(query: ScreeningQuery, eid: str) -> float:
            match = screener.score_entity(query, eid)
            return match.score if match else 0.0

        return real.case_scores(cases, tripline)

    fixed = scored()
    print(f"\n## threshold sweep over the whole index (set-up and first pass {time.perf_counter() - t0:.0f} s)")
    print(f"rules at {rules.THRESHOLD} left fixed vs moved with the threshold (rules.calibrated); choice on dev only:")
    print(f"highest dev F1 with dev FH on unlisted names <= {max_unlisted:.2f}")
    head = f"{'F1':>6} {'FH unl':>6} {'FH look':>7}"
    print(f"{'':5} {'fixed caps, dev':>21} {'fixed caps, test':>21} | {'moved caps, dev':>21} {'moved caps, test':>21}")
    print(f"{'thr':>5} {head} {head} | {head} {head}")
    rows: list[tuple[float, real.Figures]] = []
    for threshold in grid:
        _calibrate(threshold)
        moved = scored()
        cells = []
        for scores in (fixed, moved):
            for split in (dev, test):
                f = real.figures(split, scores, threshold)
                cells.append(f"{f.f1:6.3f} {f.false_hit_rate(unlisted):6.3f} {f.false_hit_rate(listed):7.3f}")
        rows.append((threshold, real.figures(dev, moved, threshold)))
        print(f"{threshold:5.2f} {cells[0]} {cells[1]} | {cells[2]} {cells[3]}", flush=True)
    _calibrate(rules.THRESHOLD)
    allowed = [(t, f) for t, f in rows if f.false_hit_rate(unlisted) <= max_unlisted]
    best = max(allowed, key=lambda row: (round(row[1].f1, 6), row[0]))[0] if allowed else rules.THRESHOLD
    print(f"chosen on dev: {best:.2f}")
    return best


def print_dev_misses(
    cases: list[real.RealCase], entities: dict[str, ListedEntity], scores: dict[str, float], kind: str
) -> None:
    """Tripline's wrong calls on the DEV split only (never the test split: it is not tuned on),
    of one kind ("all" for every kind; a script name such as "han" for the script cases in it)."""
    print(f"\n## Tripline's wrong calls on dev, kind {kind!r} (test misses are never printed)")
    for case in cases:
        if case.split != "dev":
            continue
        script = case.raw.get("script", "")
        if kind not in ("all", case.kind, script):
            continue
        score = scores[case.id]
        if (score >= DEFAULT_THRESHOLD) == case.label:
            continue
        names = [n for eid in case.entity_ids for p in real.NAME_PROPS for n in entities[eid].properties.get(p, [])]
        call = "miss" if case.label else "false hit"
        print(f"{case.kind:18} {script:8} {call} {score:.3f} {case.query.name!r} ~ {names[:4]}")


def variant_quality(*, nomenklatura: bool = True) -> None:
    """Recall on the variant kinds (``variants.jsonl``: titles, given names, numbering, joined
    words; real pairs of names the lists give for one party), every matcher on the same pairs.
    Kept apart from the main table so that its figures stay comparable from run to run."""
    cases, entities = real.load(variants=True)
    screener = Screener(list(entities.values()))
    proxies = {eid: e.to_proxy() for eid, e in entities.items()}

    def tripline(query: ScreeningQuery, eid: str) -> float:
        match = screener.score_entity(query, eid)
        return match.score if match else 0.0

    scorers: dict[str, tuple[Callable[[ScreeningQuery, str], float], float]] = {
        "exact name (baseline)": (real.exact_scorer(entities), 1.0),
        "Tripline": (tripline, DEFAULT_THRESHOLD),
    }
    if nomenklatura:
        qproxies = {c.query: _nk_proxy(c.query, c.id) for c in cases}
        for label, algo in (("nomenklatura logic-v1", LogicV1), ("nomenklatura logic-v2", LogicV2)):
            config = algo.default_config()

            def nk(query: ScreeningQuery, eid: str, algo=algo, config=config) -> float:  # type: ignore[no-untyped-def]
                return float(algo.compare(qproxies[query], proxies[eid], config).score)

            scorers[label] = (nk, NK_THRESHOLD)
    print(f"\n## recall on the variant kinds (tests/data/screening_real/variants.jsonl): {len(cases)} positive pairs")
    for split in ("dev", "test"):
        sub = [c for c in cases if c.split == split]
        counts = " ".join(f"{k}={sum(c.kind == k for c in sub)}" for k in real.VARIANT_KINDS)
        print(f"{split} ({counts}): " + " ".join(real.VARIANT_KINDS) + " all")
        for label, (score, threshold) in scorers.items():
            scores = real.case_scores(sub, score)
            f = real.figures(sub, scores, threshold)
            print(f"{label:24} {_fmt_kinds(f.recall_by_kind, real.VARIANT_KINDS)} {f.recall:.2f}")


def dev_errors(*, whole_index: bool = False) -> None:
    """Tripline's misses and false hits on the DEV split only, each with its score and why (the
    test split is never listed case by case: it is for the figures alone)."""
    cases, entities = real.load(("dev",))
    indexed = list(entities.values())
    if whole_index:
        indexed += [e for eid, e in real.bundled_entities().items() if eid not in entities]
    screener = Screener(indexed)
    wrong = 0
    for case in cases:
        best = None
        for eid in case.entity_ids:
            match = screener.score_entity(case.query, eid)
            if match is not None and (best is None or match.score > best[1].score):
                best = (eid, match)
        score = best[1].score if best else 0.0
        if (score >= DEFAULT_THRESHOLD) == case.label:
            continue
        wrong += 1
        what = "MISS" if case.label else "FALSE HIT"
        print(f"{what} [{case.kind}] {case.id} {case.query.name!r} ({case.query.schema}) score {score:.3f}")
        if best is not None:
            eid, match = best
            print(f"    vs {eid}: {match.matched_name!r}")
            for line in match.explanation:
                print(f"      {line}")
        else:
            for eid in case.entity_ids[:1]:
                print(f"    vs {eid}: {screener.entity_names(eid)[:4]}")
    print(f"\n{wrong} of {len(cases)} dev cases wrong at {DEFAULT_THRESHOLD}")


def whole_index_unlisted(screener: Screener) -> None:
    """Unlisted real names screened over every loaded list with Tripline's own retrieval."""
    cases, _ = real.load()
    print("\n## unlisted real names over the whole index (Tripline retrieval + scorer, default threshold)")
    for split in ("dev", "test"):
        for kind in real.UNLISTED_KINDS:
            sub = [c for c in cases if c.split == split and c.kind == kind]
            hit = [c.query.name for c in sub if screener.screen(c.query).matches]
            print(f"{split:5} {kind:22} {len(hit):4d}/{len(sub)} = {len(hit) / max(len(sub), 1):.3f}  e.g. {hit[:4]}")
        # the same unlisted given + family names with the given name written as an initial
        # ("J. Yang"): an initial says little, so these must not match either
        initialled = [
            ScreeningQuery.build(f"{words[0][0]}. {words[1]}", country=c.query.country, schema="Person")
            for c in cases
            if c.split == split and c.kind == "common_name_negative" and len(words := c.query.name.split()) == 2
        ]
        hit = [q.name for q in initialled if screener.screen(q).matches]
        label, n = "  as initial + family", max(len(initialled), 1)
        print(f"{split:5} {label:22} {len(hit):4d}/{len(initialled)} = {len(hit) / n:.3f}  e.g. {hit[:4]}")
    # US Census 1990 names (no split: the set's cases are not drawn from them) with the given
    # name as an initial ("W. Garcia"), as a Person: almost none are listed, so any match is a
    # false hit unless the listed person really is that initial and family name
    drawn = dict.fromkeys(f"{n[0]}. {n.split()[1]}" for n in person_names(2 * CENSUS_INITIALS))
    census = [ScreeningQuery.build(name, schema="Person") for name in list(drawn)[:CENSUS_INITIALS]]
    results = screener.screen_many(census)
    hit = [f"{r.query.name} ~ {r.matches[0].caption}" for r in results if r.matches]
    print(f"census initial + family {len(hit):4d}/{len(census)} = {len(hit) / len(census):.3f}  e.g. {hit[:6]}")


def _set_groups() -> dict[str, str]:
    """The party of every bundled row as the set builder links them (shared UN reference,
    IMO number, passport and other identifiers; same person's name and birth date): its own
    linker, not Tripline's (``tests/data/screening_real/build.py``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("screening_real_build", real.REAL_DIR / "build.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = build  # its dataclasses look their module up
    spec.loader.exec_module(build)
    rows = build.read_lists()
    build.link(rows)
    return {eid: row.group for eid, row in rows.items()}


def one_party_many_rows() -> None:
    """Cross-list positives screened over every bundled list (nothing else indexed): is the
    party the query names found, as one match with its other rows in ``also_listed_as``, or
    split over several matches? Parties as the set builder's linker sees them."""
    cases, _ = real.load()
    bundled = real.bundled_entities()
    screener = Screener(list(bundled.values()))
    groups = _set_groups()
    print("\n## one party, many rows: cross-list positives screened over every bundled list (default threshold)")
    print(f"{'split':5} {'cases':>5} {'found':>6} {'as one match':>12} {'split over 2+':>13} {'rows grouped':>12}")
    for split in ("dev", "test"):
        sub = [c for c in cases if c.split == split and c.kind == "cross_list"]
        found = once = split_up = grouped = 0
        for case in sub:
            target = case.entity_ids[0].split("~")[0]
            party = groups.get(target, target)
            result = screener.screen(case.query)
            rows_of = [{m.entity_id, *(r.entity_id for r in m.also_listed_as)} for m in result.matches]
            showing = [rows for rows in rows_of if any(groups.get(e, e) == party for e in rows)]
            if any(target in rows for rows in rows_of):
                found += 1
                once += len(showing) == 1
            split_up += len(showing) > 1
            grouped += sum(len(rows) - 1 for rows in showing)
        print(f"{split:5} {len(sub):5d} {found:6d} {once:12d} {split_up:13d} {grouped:12d}")
    print("(found: the target row is a match or in one's also_listed_as; rows grouped: the party's other rows)")


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
            # a party counts once, whichever of its rows is shown (the others are in also_listed_as)
            parties = [
                {m.entity_id, *(r.entity_id for r in m.also_listed_as)} for m in screener.screen(case.query).matches
            ]
            found += any(rows & wanted for rows in parties)
            other += any(not rows & wanted for rows in parties)
        negatives = [c for c in sub if not c.label]
        neg_hit = [c.query.name for c in negatives if screener.screen(c.query).matches]
        print(
            f"{split:6} {retrieved}/{positives}={retrieved / max(positives, 1):.3f}".ljust(25)
            + f" {found / max(positives, 1):11.3f} {other:20d} {len(neg_hit):>6d}/{len(negatives)}"
        )
        if neg_hit:
            print(f"       negatives that matched: {neg_hit}")


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def company_names() -> list[str]:
    """The distinct company names of the ISO 6346 container-owner register (bundled: 3,458
    owner codes, about 2,830 distinct names; real companies, a few share words with listed
    ones, almost none are listed)."""
    with gzip.open(REPO / "data/reference/iso6346/bic_owner_codes.csv.gz", "rt", encoding="utf-8") as fh:
        rows = csv.reader(fh, delimiter=";")
        return list(dict.fromkeys(row[1].strip() for row in rows if len(row) > 1 and row[1].strip()))


def person_names(n: int, seed: int = 20261125) -> list[str]:
    """`n` distinct person names: first and last names drawn from the 1,000 most frequent
    first names of each sex and the 5,000 most frequent last names of the US Census 1990."""
    firsts, lasts = census_names(1000, 5000)
    rng = random.Random(seed)
    names: dict[str, None] = {}
    while len(names) < n:
        names[f"{rng.choice(firsts)} {rng.choice(lasts)}"] = None
    return list(names)


BENCH_KEY = b"b" * 32


def _fresh(path: Path) -> Screener:
    """An index as a new process loads it (mapped from its signed file): every cache cold."""
    from tripline.screening.service import load_index

    return load_index(path, BENCH_KEY)


def _unpruned(screener: Screener, query: ScreeningQuery) -> int:
    """The baseline: every candidate name aligned in full (the path before the bound)."""
    best = screener._best_names(query, screener.candidates(query))
    return sum(1 for score, _, _ in best.values() if score >= TRIPLINE_THRESHOLD - 0.1)


def _index_file(screener: Screener) -> Path:
    """The index written as the CLI keeps it (one signed file), in a private temporary directory."""
    import tempfile

    from tripline.screening.indexfile import write_index

    path = Path(tempfile.mkdtemp(prefix="tripline-bench-")) / "index.tlidx"
    arrays, meta = screener.arrays()
    write_index(path, BENCH_KEY, arrays, {"meta": meta, "snapshots": screener.snapshot_ids})
    return path


def latency(screener: Screener, cases: list[Case]) -> None:
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


def _each_unpruned(screener: Screener, queries: list[ScreeningQuery], _workers: int) -> None:
    for q in queries:
        _unpruned(screener, q)


def _each_screened(screener: Screener, queries: list[ScreeningQuery], _workers: int) -> None:
    for q in queries:
        screener.screen(q)


def _screened_many(screener: Screener, queries: list[ScreeningQuery], workers: int) -> None:
    screener.screen_many(queries, workers=workers)


def throughput(blob: Path, cases: list[Case], people: int) -> None:
    """Names per second on distinct names; each run on a freshly mapped index, alone in
    memory as in a `screen-file` process (the previous one freed first)."""
    companies = company_names()
    persons = person_names(people)
    workloads = {
        "500 case queries": [c.query for c in cases],
        f"{len(companies):,} company names (ISO 6346 owners)": [ScreeningQuery(name=x) for x in companies],
        f"{len(persons):,} person names (Census 1990)": [ScreeningQuery(name=x) for x in persons],
    }
    mixed = [q for qs in workloads.values() for q in qs]
    workloads[f"all {len(mixed):,} together"] = mixed
    print("\n## batch throughput, distinct names, each run on a freshly loaded index (names/s wall)")
    print(f"{'workload':45} {'baseline 1 proc':>16} {'screen() 1 proc':>16} {'1 worker':>9} {'2 workers':>10}")

    def timed(
        run: Callable[[Screener, list[ScreeningQuery], int], object], queries: list[ScreeningQuery], w: int
    ) -> float:
        fresh = _fresh(blob)
        t = time.perf_counter()
        run(fresh, queries, w)
        rate = len(queries) / (time.perf_counter() - t)
        del fresh
        gc.collect()
        return rate

    for label, queries in workloads.items():
        sample = queries[:1500]
        baseline = timed(_each_unpruned, sample, 1)
        single = timed(_each_screened, sample, 1)
        rates = [timed(_screened_many, queries, workers) for workers in (1, 2)]
        print(f"{label:45} {baseline:16.0f} {single:16.0f} {rates[0]:9.0f} {rates[1]:10.0f}")
    print("(baseline and screen() on the first 1,500 names of each workload; screen_many on all)")


def spark_end_to_end(blob: Path, people: int, cluster: bool) -> None:
    """`screen-file` end to end on one CSV of distinct names (read, validate, screen, write
    Parquet): the local engine (2 forked workers) vs Spark local[2] (vs a standalone cluster on
    127.0.0.1 with --cluster), same input, same index, same 2 cores, one after the other."""
    import contextlib
    import tempfile

    from tripline.screening.batch import BatchReport, Columns, queries, screen_local, write_results
    from tripline.screening.spark import screen_spark
    from tripline.spark.session import spark_session

    names = company_names() + person_names(people)
    folder = Path(tempfile.mkdtemp(prefix="tripline-bench-spark-"))
    source = folder / "names.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "name"])
        writer.writerows((f"n{i}", name) for i, name in enumerate(names))
    columns = Columns(name="name", id="id")
    rows: list[tuple[str, int, float]] = []
    screener = _fresh(blob)
    t = time.perf_counter()
    report = BatchReport()
    items = queries(source, columns, report)
    write_results(folder / "local.parquet", screen_local(screener, items, workers=2), report, lambda _n: None)
    rows.append(("local engine, 2 workers", report.screened, time.perf_counter() - t))
    del screener
    gc.collect()
    spark_session("local[2]", "warm-up").stop()  # JVM start-up is not part of the throughput
    masters = [("Spark local[2]", "local[2]")]
    stack = contextlib.ExitStack()
    if cluster:
        from tests.spark_cluster import bench_cluster

        url = stack.enter_context(bench_cluster(Path(tempfile.mkdtemp(prefix="tripline-bench-cluster-"))))
        masters.append(("Spark standalone 127.0.0.1 (1 worker, 2 cores)", url))
    with stack:
        for label, master in masters:
            screener = _fresh(blob)
            t = time.perf_counter()
            done = screen_spark(screener, str(source), str(folder / f"{len(rows)}.parquet"), columns, master=master)
            rows.append((label, done.screened, time.perf_counter() - t))
            del screener
    print(
        f"\n## screen-file end to end, {len(names):,} distinct names (CSV in, Parquet out); load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    base = rows[0][1] / rows[0][2]
    print(f"{'engine':48} {'names':>8} {'seconds':>8} {'names/s':>8} {'vs local':>9}")
    for label, count, seconds in rows:
        rate = count / seconds
        print(f"{label:48} {count:>8,} {seconds:>8.1f} {rate:>8,.0f} {rate / base:>9.2f}")


def spark_only(quick: bool, people: int, cluster: bool) -> None:
    if quick:
        screener = Screener(unique_targets(load_cases()))
    else:
        from tripline.screening.service import screener_from_database
        from tripline.settings import Settings
        from tripline.store.db import Database

        screener = screener_from_database(Database.from_settings(Settings()))
    blob = _index_file(screener)
    del screener
    gc.collect()
    spark_end_to_end(blob, people, cluster)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only the cases' own entities, no database")
    parser.add_argument("--no-pairs", action="store_true", help="skip the pair comparison with nomenklatura")
    parser.add_argument("--people", type=int, default=20_000, help="distinct person names in the batch workload")
    parser.add_argument("--quality", action="store_true", help="only the quality table on the real cases, then stop")
    parser.add_argument("--no-nomenklatura", action="store_true", help="quality table without logic-v1/v2")
    parser.add_argument(
        "--whole-index",
        action="store_true",
        help="index every bundled list too; screen the unlisted names over it; one party, many rows",
    )
    parser.add_argument(
        "--dev-misses",
        metavar="KIND",
        help="print Tripline's wrong calls on the DEV split of one kind or script ('all' for every one)",
    )
    parser.add_argument("--spark", action="store_true", help="only screen-file end to end: local vs Spark local[2]")
    parser.add_argument("--cluster", action="store_true", help="with --spark: also a standalone cluster on 127.0.0.1")
    parser.add_argument(
        "--dev-errors", action="store_true", help="only list misses and false hits on the DEV split, then stop"
    )
    parser.add_argument(
        "--sweep",
        metavar="FROM:TO:STEP",
        help="only the threshold sweep over the whole index (caps fixed and moved), e.g. 0.60:0.84:0.02",
    )
    args = parser.parse_args()
    if args.sweep:
        start, stop, step = (float(x) for x in args.sweep.split(":"))
        count = round((stop - start) / step) + 1
        threshold_sweep([round(start + i * step, 4) for i in range(count)])
        return
    if args.dev_errors:
        dev_errors(whole_index=args.whole_index)
        return
    if args.spark:
        spark_only(args.quick, args.people, args.cluster)
        return
    real_quality(nomenklatura=not args.no_nomenklatura, whole_index=args.whole_index, dev_misses=args.dev_misses)
    variant_quality(nomenklatura=not args.no_nomenklatura)
    if args.quality:
        return
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
    blob = _index_file(screener)
    print(
        f"\n## index: {len(screener)} entities, {len(screener.names)} names, {len(screener.index)} keys; "
        f"build {build:.1f} s wall / {build_cpu:.1f} s CPU (with reading the lists); resident memory +{grown:.0f} MiB; "
        f"index file {blob.stat().st_size / 2**20:.0f} MiB; load average {os.getloadavg()[0]:.1f}"
    )
    t, c = time.perf_counter(), time.process_time()
    _fresh(blob)
    print(
        f"index file mapped and verified in {time.perf_counter() - t:.3f} s wall / {time.process_time() - c:.3f} s CPU"
    )
    retrieval_and_screening(screener, cases)
    latency(screener, cases)
    del screener
    gc.collect()
    throughput(blob, cases, args.people)


if __name__ == "__main__":
    main()
