"""Benchmark of [radiation]: identification and NORM clearing on physics-generated spectra.

For each detector (NaI, CsI, HPGe, plastic PVT) and source strength (net excess in background
sigma), simulate spectra with known truth (``tripline.radiation.simulate``), identify them, and
report: per-source identification accuracy, the NORM-vs-man-made confusion matrix (cleared or
kept), and spectra per second of ``identify``. Baseline in the same run: the gross-count alarm
alone (clear below ``--alarm-sigma``, refer every alarm). A second table adjudicates full portal
occupancies (plastic panels + NaI spectrum + neutrons) and reports the nuisance alarm load.

    .venv/bin/python bench/radiation.py [--quick] [--seeds N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tripline.radiation.adjudicate import adjudicate
from tripline.radiation.identify import identify
from tripline.radiation.library import default_sources
from tripline.radiation.model import Verdict
from tripline.radiation.simulate import simulate_occupancy, simulate_spectrum

NORM_SOURCES = ["ceramics", "fertilizer", "granite", "kitty_litter"]
THREAT_SOURCES = ["Cs-137", "Co-60", "Ir-192", "Am-241", "medical I-131", "medical Tc-99m", "HEU", "WGPu"]
# the nuclide whose identification counts as "correct" for each source
EXPECTED_NUCLIDE = {
    "Cs-137": "Cs-137",
    "Co-60": "Co-60",
    "Ir-192": "Ir-192",
    "Am-241": "Am-241",
    "medical I-131": "I-131",
    "medical Tc-99m": "Tc-99m",
    "HEU": "U-235",
    "WGPu": "Pu-239",
}
DETECTORS = ["nai", "csi", "hpge", "plastic"]


def correct(source: str, verdict: Verdict, nuclides: list[str], detector: str) -> bool:
    if source in NORM_SOURCES:
        return verdict is Verdict.NORM
    if detector == "plastic":  # no photopeaks: the right answer is "not cleared"
        return not verdict.cleared
    return EXPECTED_NUCLIDE[source] in nuclides


def run_spectra(seeds: int, sigmas: list[float], alarm_sigma: float) -> None:
    print(f"\n## Spectra: {seeds} seeds per cell, 10-s foreground vs 60-s background\n")
    print(
        "| detector | sigma | NORM cleared | NORM cleared (baseline) | man-made kept | man-made kept (baseline) "
        "| man-made called NORM | ID accuracy | spectra/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    per_source: dict[tuple[str, float], dict[str, list[bool]]] = {}
    invisible: Counter[tuple[str, str]] = Counter()
    for detector in DETECTORS:
        for sigma in sigmas:
            conf: Counter[tuple[str, str]] = Counter()
            base: Counter[tuple[str, str]] = Counter()
            called_norm = 0
            acc: dict[str, list[bool]] = defaultdict(list)
            elapsed = 0.0
            n = 0
            for source in NORM_SOURCES + THREAT_SOURCES:
                truth = "NORM" if source in NORM_SOURCES else "man-made"
                for seed in range(seeds):
                    fg, bg = simulate_spectrum(source, detector, sigma=sigma, seed=1000 * seed + 17)
                    if fg.meta["expected_net_counts"] < 1.0:
                        invisible[(detector, source)] += 1
                        continue
                    t0 = time.perf_counter()
                    result = identify(fg, bg)
                    elapsed += time.perf_counter() - t0
                    n += 1
                    conf[(truth, "cleared" if result.verdict.cleared else "kept")] += 1
                    gross = result.gross_sigma or 0.0
                    base[(truth, "cleared" if gross < alarm_sigma else "kept")] += 1
                    if truth == "man-made" and result.verdict is Verdict.NORM:
                        called_norm += 1
                    acc[source].append(correct(source, result.verdict, [m.nuclide for m in result.isotopes], detector))
            per_source[(detector, sigma)] = acc
            n_norm = conf["NORM", "cleared"] + conf["NORM", "kept"]
            n_thr = conf["man-made", "cleared"] + conf["man-made", "kept"]
            id_acc = sum(sum(v) for v in acc.values()) / max(sum(len(v) for v in acc.values()), 1)
            print(
                f"| {detector} | {sigma:g} | {conf['NORM', 'cleared'] / n_norm:.0%} "
                f"| {base['NORM', 'cleared'] / n_norm:.0%} | {conf['man-made', 'kept'] / n_thr:.0%} "
                f"| {base['man-made', 'kept'] / n_thr:.0%} | {called_norm} | {id_acc:.0%} | {n / elapsed:.1f} |"
            )
    print(
        "\n### Identification accuracy per source (share of spectra where the source's nuclide is"
        " identified; NORM: verdict NORM; plastic: man-made not cleared)\n"
    )
    keys = sorted(per_source)
    print("| source | " + " | ".join(f"{d} {s:g}σ" for d, s in keys) + " |")
    print("|---|" + "---|" * len(keys))
    for source in NORM_SOURCES + THREAT_SOURCES:
        cells = []
        for key in keys:
            values = per_source[key][source]
            cells.append(f"{sum(values) / len(values):.0%}" if values else "invisible")
        print(f"| {source} | " + " | ".join(cells) + " |")
    _invisible_note(invisible)


def _invisible_note(invisible: Counter[tuple[str, str]]) -> None:
    for (detector, source), count in sorted(invisible.items()):
        print(
            f"\n{source} is invisible to {detector} in the detector model ({count} spectra skipped: "
            "no deposited energy above the threshold)."
        )


def run_occupancies(seeds: int, sigmas: list[float]) -> None:
    print(f"\n## Portal occupancies (4 PVT panels + NaI spectrum + He-3), {seeds} seeds per source and sigma\n")
    print("| truth | occupancies | gross alarm | cleared (adjudication) | cleared (gross alarm alone) | verdicts |")
    print("|---|---|---|---|---|---|")
    sources = default_sources()
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for source in ["none", *NORM_SOURCES, *THREAT_SOURCES]:
        kind = "background" if source == "none" else ("NORM" if source in NORM_SOURCES else "man-made")
        for sigma in sigmas if source != "none" else [0.0]:
            for seed in range(seeds if source != "none" else seeds * len(sigmas)):
                scan = simulate_occupancy(source, "nai", seed=7919 * seed + 3, sigma=sigma)
                result = adjudicate(scan.occupancy, scan.spectrum, scan.background)
                row = rows[kind]
                row["n"] += 1
                row["alarm"] += result.alarm.gamma_alarm or result.alarm.neutron_alarm
                row["cleared"] += result.cleared
                row["baseline_cleared"] += not (result.alarm.gamma_alarm or result.alarm.neutron_alarm)
                row[f"v:{result.verdict.value}"] += 1
                if kind == "man-made" and result.cleared:
                    row["cleared_ids"] += 1
                    print(f"  ! cleared {source} sigma={sigma} seed={seed}: {result.reasons[-1]}", file=sys.stderr)
    for kind in ("background", "NORM", "man-made"):
        row = rows[kind]
        verdicts = ", ".join(f"{k[2:]} {v}" for k, v in sorted(row.items()) if k.startswith("v:"))
        print(
            f"| {kind} | {row['n']} | {row['alarm']} | {row['cleared']} ({row['cleared'] / row['n']:.0%}) "
            f"| {row['baseline_cleared']} ({row['baseline_cleared'] / row['n']:.0%}) | {verdicts} |"
        )
    del sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 seeds, sigma 5 and 20 only")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per cell (default 8, quick 2)")
    parser.add_argument("--alarm-sigma", type=float, default=4.0, help="gross-count alarm threshold of the baseline")
    args = parser.parse_args()
    seeds = args.seeds or (2 if args.quick else 8)
    sigmas = [5.0, 20.0] if args.quick else [5.0, 10.0, 20.0]
    t0 = time.perf_counter()
    print("# bench/radiation.py")
    run_spectra(seeds, sigmas, args.alarm_sigma)
    run_occupancies(max(1, seeds // 2), sigmas)
    print(f"\nwall time {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
