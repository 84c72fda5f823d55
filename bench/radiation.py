"""Benchmark of [radiation]: identification and NORM clearing on physics-generated spectra.

For each detector (NaI, CsI, HPGe, plastic PVT) and source strength (net excess in background
sigma), simulate spectra with known truth (``tripline.radiation.simulate``), identify them, and
report: per-source identification accuracy, the NORM-vs-man-made confusion matrix (cleared or
kept), the same spectra judged without their background (portal reality: NORM and man-made
cleared), and spectra per second of ``identify`` (with the background). Baseline in the same run: the gross-count alarm
alone (clear below ``--alarm-sigma``, refer every alarm). A second table adjudicates full portal
occupancies (plastic panels + NaI spectrum + neutrons) and reports the nuisance alarm load.

A third table runs the real measured spectra of ``tests/data/radiation_real.csv`` (RadiaCode
CsI community spectra from ``../shared/data``, becquerel HPGe/NaI/CsI samples), dev and test
split, as filed (with the file's own background when it has one) and with no background; baseline
in the same run: gross counts (clear below ``--alarm-sigma``) plus an energy-window ratio
(soft-to-hard net counts against the background's own ratio; refer above 3 sigma).

A fourth table (``--thinned``) binomially thins every real spectrum of that file: each recorded
count is kept with probability p (p = 1/3, 1/10, 1/30; ``--thin-seeds`` fixed seeds), the live
and real times are scaled by p, so the rates stay and the counts (hence the statistics) fall: the
same sample measured p times as long, a real-shaped weak spectrum (detector response, continuum,
summing, gain drift of the real measurement kept). It uses neither the engine's simulator nor its
nuclide library, so it is an honest robustness check; it is derived from the real set, so the
dev/test split is inherited and reported apart. A paired background, when the file has one, is kept
whole: it is a separate measurement whose length does not depend on the sample (a weak sample is
measured against the site's long background), and thinning it too would test a shorter background
rather than a weaker sample. Baseline in the same run: the gross+ratio baseline on the same
thinned spectra (against the same whole background).

A fifth table (``--miscal``) re-labels the stored energy calibration of every real RadiaCode/CsI spectrum (and its
paired background, the same unit) with a gain, offset or quadratic-term error, the counts untouched
(``tests.realdata.miscalibrate``, ``MISCAL_PERTURBATIONS``), as units whose stored calibrations are off do; per
split and perturbation the NORM and man-made figures of identify and of the gross+ratio baseline on the same
spectra.

A ``--rebinned`` table sums adjacent channels of every 1024-channel real RadiaCode/CsI spectrum (and its paired
background alike) to 512 and 256 channels (``tests.realdata.merge_channels``: counts summed, times kept, the
calibration made exact for the new channel index), as RadiaCode-101 exports (256 channels) record the same
radiation; per split and channel count identify and the gross+ratio baseline on the same rebinned spectra.

A ``--broadened`` table smears every calibrated real RadiaCode/CsI/NaI spectrum (and its paired background, with an
independent seed) to a resolution k = 1.15 and 1.3 times the detector model's (``tests.realdata.broaden``: each count
relocated by a Gaussian of sd sigma_model x sqrt(k^2 - 1), the unit's own width taken as the model's), as a unit of
worse resolution records the same radiation; per split and k identify and the gross+ratio baseline on the same
smeared spectra, and the smearing read back by ``tripline.radiation.resolution``.

    .venv/bin/python bench/radiation.py [--quick] [--seeds N] [--real-only] [--thinned [--thin-seeds N]]
        [--turn-on] [--miscal] [--rebinned] [--broadened] [--masked] [--masked-raw] [--uncalibrated] [--resolution]

A sixth table (``--masked``) hides each real man-made source spectrum of the file in each real NORM or
background spectrum of the same detector family (RadiaCode/CsI with RadiaCode/CsI, HPGe with HPGe) and
the same split: the source binomially thinned so that its net counts are 3, 10, 30 or 100 % of the
host's counts, mapped onto the host's energy grid by energy and added (``tests.realdata.inject``);
judged with the host's own background when the host file has one, and with none. Every injected cell
is man-made, so a NORM or background verdict is a man-made source cleared (the masking case at a
port). Baseline in the same run: the gross+ratio baseline on the same spectra and host background.
Before the mapping the source is put on true energies by its own labelled nuclide's lines and the host's
channels by its own natural lines (``tests.realdata.source_alignment``, ``host_alignment``), as one detector
measuring both would record them; ``--masked-raw`` takes both files' stored scales as true (the first version).

A seventh table (``--uncalibrated``) strips the stored energy calibration of every real spectrum of the file (and of
its paired background), as a raw MCA dump or channel/count export arrives, and judges it with identify; per split
beside the same spectra as filed and the gross+ratio baseline (which needs a calibration: on the stripped spectra
it clears nothing). identify infers a scale from the natural lines at germanium resolution only
(``tripline.radiation.blindcal``); the table also measures the search at the guessed scintillator model's resolution
(not adopted): each inferred scale against the file's own stored calibration (the independent reference), and
identify on it.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from tests.realdata import (
    BROADEN_FACTORS,
    BROADEN_SEEDS,
    CONTINUUM_KINDS,
    MISCAL_PERTURBATIONS,
    REBIN_CHANNELS,
    RealCase,
    add_continuum,
    broadened_case,
    continuum_shape,
    family,
    has_quadratic,
    load_cases,
    masked_case,
    merge_channels,
    miscalibrate,
    net_counts,
    shared_data,
    source_alignment,
    thin,
    turn_on_case,
)
from tripline.radiation.adjudicate import adjudicate
from tripline.radiation.blindcal import blind_calibration, infer_calibration
from tripline.radiation.calibrate import calibration_correction, recalibrated_offset
from tripline.radiation.identify import Policy, guess_detector, identify
from tripline.radiation.library import DetectorModel, Library, default_library, default_sources
from tripline.radiation.library import detector as detector_model
from tripline.radiation.model import Category, EnergyCalibration, Spectrum, Verdict
from tripline.radiation.resolution import FACTOR_MAX, TRANSFER_MIN_KEV, Resolution, measure_resolution
from tripline.radiation.result import Identification
from tripline.radiation.simulate import simulate_occupancy, simulate_spectrum
from tripline.radiation.spectral import aligned_background, net_significance, usable_low_kev, window_sums

NORM_SOURCES = ["ceramics", "fertilizer", "granite", "kitty_litter"]
THREAT_SOURCES = ["Cs-137", "Co-60", "Ir-192", "Am-241", "Ba-133", "medical I-131", "medical Tc-99m", "HEU", "WGPu"]
# the nuclide whose identification counts as "correct" for each source
EXPECTED_NUCLIDE = {
    "Cs-137": "Cs-137",
    "Co-60": "Co-60",
    "Ir-192": "Ir-192",
    "Am-241": "Am-241",
    "Ba-133": "Ba-133",
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
        "| man-made called NORM | ID accuracy | spectra/s | NORM cleared, no bkg | man-made cleared, no bkg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    per_source: dict[tuple[str, float], dict[str, list[bool]]] = {}
    invisible: Counter[tuple[str, str]] = Counter()
    cleared_alone: Counter[tuple[str, str]] = Counter()
    for detector in DETECTORS:
        for sigma in sigmas:
            conf: Counter[tuple[str, str]] = Counter()
            alone: Counter[tuple[str, str]] = Counter()  # the same spectra without their background
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
                    solo = identify(fg, None)
                    alone[(truth, "cleared" if solo.verdict.cleared else "kept")] += 1
                    if truth == "man-made" and solo.verdict.cleared:
                        cleared_alone[(detector, source)] += 1
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
                f"| {base['man-made', 'kept'] / n_thr:.0%} | {called_norm} | {id_acc:.0%} | {n / elapsed:.1f} "
                f"| {alone['NORM', 'cleared']}/{n_norm} | {alone['man-made', 'cleared']}/{n_thr} |"
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
    print("\nMan-made spectra cleared without their background (detector, source: count over all sigmas):")
    for (detector, source), count in sorted(cleared_alone.items()):
        print(f"- {detector} {source}: {count}")


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


SOFT_HARD_SPLIT_KEV = 400.0
BASELINE_RATIO_SIGMA = 3.0
NUCLIDE_NAMES = {"Th-232": "Th-232 chain", "U-238": "U-238 chain"}


def baseline_verdict(fg: Spectrum, bg: Spectrum | None, alarm_sigma: float) -> Verdict:
    """Gross counts plus one energy-window ratio, what a two-window portal does.

    No background: nothing to compare with, so nothing is cleared. Gross excess below
    ``alarm_sigma``: background. Else the net counts below/above 400 keV against the
    background's own soft/hard ratio: a soft excess beyond 3 sigma (Cs-137 scatter, medical,
    SNM, shielded sources) is of concern, else NORM.
    """
    if bg is None or not fg.is_calibrated:
        return Verdict.OF_CONCERN
    b, ratio = aligned_background(fg, bg)
    f = fg.counts.astype(float)
    edges = fg.edges_kev()
    top = float(edges[-1])
    windows = [(30.0, SOFT_HARD_SPLIT_KEV), (SOFT_HARD_SPLIT_KEV, top)]
    fs, fh = window_sums(f, edges, windows)
    bs, bh = window_sums(b, edges, windows)
    if net_significance(fs + fh, bs + bh, ratio) < alarm_sigma:
        return Verdict.BACKGROUND
    r_bg = bs / bh if bh > 0 else 0.0
    soft_net, hard_net = fs - ratio * bs, fh - ratio * bh
    z = (soft_net - r_bg * hard_net) / max((fs + ratio**2 * bs + r_bg**2 * (fh + ratio**2 * bh)) ** 0.5, 1.0)
    return Verdict.OF_CONCERN if z > BASELINE_RATIO_SIGMA else Verdict.NORM


def _real_results(
    cases: list[RealCase], alarm_sigma: float
) -> tuple[list[tuple[RealCase, Verdict, Verdict, Verdict, list[str]]], float, int]:
    out = []
    elapsed, n = 0.0, 0
    for case in cases:
        pairs = case.spectra()
        fg, bg = pairs[0]
        t0 = time.perf_counter()
        filed = identify(fg, bg)
        alone = identify(fg, None)
        elapsed += time.perf_counter() - t0
        n += 2
        out.append(
            (
                case,
                filed.verdict,
                alone.verdict,
                baseline_verdict(fg, bg, alarm_sigma),
                [m.nuclide for m in filed.isotopes],
            )
        )
    return out, elapsed, n


def _figures(rows: list[tuple[RealCase, Verdict]]) -> dict[str, str]:
    def share(sel: list[tuple[RealCase, Verdict]], ok: Callable[[RealCase, Verdict], bool]) -> str:
        hits = sum(1 for c, v in sel if ok(c, v))
        return f"{hits}/{len(sel)}" if sel else "-"

    norm = [r for r in rows if r[0].group == "NORM"]
    bkg = [r for r in rows if r[0].group == "background"]
    man = [r for r in rows if r[0].group == "man-made"]
    snm = [r for r in rows if r[0].is_snm]
    return {
        "accepted": share(rows, lambda c, v: v in c.accept),
        "NORM as NORM": share(norm, lambda c, v: v is Verdict.NORM),
        # a portal releases both "background" and "NORM": the released share beside the strict one
        "background released": share(bkg, lambda c, v: v.cleared),
        "background as background": share(bkg, lambda c, v: v is Verdict.BACKGROUND),
        # every man-made case cleared is a miss, an SNM case (in the man-made group) the worst one
        "man-made cleared": str(sum(1 for c, v in man if v.cleared)),
        # SNM called on a case whose source is not SNM; a real SNM case called SNM is a hit ("SNM found")
        "false SNM": str(sum(1 for c, v in rows if v is Verdict.SNM and not c.is_snm)),
        "SNM found": share(snm, lambda c, v: v is Verdict.SNM),
    }


def run_real(alarm_sigma: float) -> None:
    if shared_data() is None:
        print("\n## Real spectra: ../shared/data not found, table skipped")
        return
    cases = load_cases()
    results, elapsed, n = _real_results(cases, alarm_sigma)
    print(f"\n## Real measured spectra ({len(cases)}: tests/data/radiation_real.csv)\n")
    print(
        "| split | method | verdict accepted | NORM cleared as NORM | background released (background or NORM) "
        "| background as background | man-made cleared | false SNM | SNM found |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for split in ("dev", "test", "all"):
        sel = [r for r in results if split == "all" or r[0].split == split]
        for label, idx in (("identify, as filed", 1), ("identify, no background", 2), ("baseline gross+ratio", 3)):
            fig = _figures([(r[0], r[idx]) for r in sel])  # type: ignore[misc]
            print(
                f"| {split} | {label} | {fig['accepted']} | {fig['NORM as NORM']} | {fig['background released']} "
                f"| {fig['background as background']} | {fig['man-made cleared']} | {fig['false SNM']} "
                f"| {fig['SNM found']} |"
            )
    print("\n### Per sample kind, dev and test apart (accepted verdicts: as filed / no background / baseline)\n")
    print("| kind | split | cases | as filed | no background | baseline | nuclides expected found |")
    print("|---|---|---|---|---|---|---|")
    kinds = sorted({r[0].kind for r in results})
    for kind in kinds:
        for split in ("dev", "test"):
            sel = [r for r in results if r[0].kind == kind and r[0].split == split]
            if not sel:
                continue
            acc = [sum(1 for r in sel if r[i] in r[0].accept) for i in (1, 2, 3)]  # type: ignore[operator]
            expected = [r for r in sel if r[0].nuclides]
            found = sum(1 for r in expected if all(NUCLIDE_NAMES.get(x, x) in r[4] for x in r[0].nuclides))
            nuc = f"{found}/{len(expected)}" if expected else "-"
            print(f"| {kind} | {split} | {len(sel)} | {acc[0]} | {acc[1]} | {acc[2]} | {nuc} |")
    print("\n### Every case (split, kind, accepted, as filed, no background, baseline, nuclides)\n")
    for case, filed, alone, base, nuclides in results:
        mark = "ok " if filed in case.accept else "BAD"
        print(
            f"  {mark} {case.split:4} {case.kind:20} accept={'|'.join(sorted(case.accept)):24} filed={filed.value:24} "
            f"alone={alone.value:24} baseline={base.value:12} {','.join(nuclides)}  [{case.case_id}]"
        )
    print(f"\nidentify on real spectra: {n / elapsed:.1f} spectra/s (one process, as filed + no background)")
    _batch(cases)


THIN_PS = (1 / 3, 1 / 10, 1 / 30)
MANMADE_FOUND_SIGMA = 10.0  # man-made nuclides named unthinned at this significance are followed when thinned


@dataclasses.dataclass
class ThinRow:
    case: RealCase
    p: float
    seed: int
    verdict: Verdict
    baseline: Verdict
    nuclides: list[str]


def thinned_results(
    cases: list[RealCase], ps: tuple[float, ...], seeds: int, alarm_sigma: float
) -> tuple[list[ThinRow], dict[str, set[str]]]:
    """Every case thinned at every p and seed (seed s of case i: a generator seeded (s, i, p index)).

    Also returns, per man-made case, the man-made nuclides the unthinned spectrum names at
    ``MANMADE_FOUND_SIGMA`` or more (what a thinned spectrum should still find)."""
    rows: list[ThinRow] = []
    strong: dict[str, set[str]] = {}
    for i, case in enumerate(cases):
        fg, bg = case.spectra()[0]
        if case.group == "man-made":
            whole = identify(fg, bg)
            strong[case.case_id] = {
                m.nuclide
                for m in whole.isotopes
                if m.category is not Category.NORM and m.significance >= MANMADE_FOUND_SIGMA
            }
        for k, p in enumerate(ps):
            for seed in range(seeds):
                rng = np.random.default_rng((seed, i, k))
                small = thin(fg, p, rng)
                result = identify(small, bg)
                rows.append(
                    ThinRow(
                        case,
                        p,
                        seed,
                        result.verdict,
                        baseline_verdict(small, bg, alarm_sigma),
                        [m.nuclide for m in result.isotopes],
                    )
                )
    return rows, strong


MAN_MADE_VERDICTS = (Verdict.INDUSTRIAL, Verdict.MEDICAL, Verdict.SNM)


def run_thinned(alarm_sigma: float, seeds: int) -> None:
    if shared_data() is None:
        print("\n## Thinned real spectra: ../shared/data not found, table skipped")
        return
    cases = [c for c in load_cases() if c.group != "alpha"]
    t0 = time.perf_counter()
    rows, strong = thinned_results(cases, THIN_PS, seeds, alarm_sigma)
    wall = time.perf_counter() - t0
    print(
        f"\n## Thinned real spectra ({len(cases)} cases of tests/data/radiation_real.csv, alpha/beta-only "
        f"sources left out; {seeds} seeds per p; paired background kept whole)\n"
    )
    print(
        "| split | p | method | NORM cleared as NORM | NORM called man-made (industrial/medical/SNM) | NORM called SNM "
        "| NORM of_concern | background released | man-made cleared | false SNM "
        "| man-made found (>= 10 sigma unthinned) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for split in ("dev", "test"):
        for p in THIN_PS:
            sel = [r for r in rows if r.case.split == split and r.p == p]
            norm = [r for r in sel if r.case.group == "NORM"]
            bkg = [r for r in sel if r.case.group == "background"]
            man = [r for r in sel if r.case.group == "man-made"]
            followed = [(r, n) for r in man for n in sorted(strong.get(r.case.case_id, ()))]
            found = sum(1 for r, n in followed if n in r.nuclides)
            for label in ("identify", "baseline gross+ratio"):

                def v(r: ThinRow, base: bool = label != "identify") -> Verdict:
                    return r.baseline if base else r.verdict

                print(
                    f"| {split} | 1/{round(1 / p)} | {label} | {sum(v(r) is Verdict.NORM for r in norm)}/{len(norm)} "
                    f"| {sum(v(r) in MAN_MADE_VERDICTS for r in norm)} | {sum(v(r) is Verdict.SNM for r in norm)} "
                    f"| {sum(v(r) is Verdict.OF_CONCERN for r in norm)} "
                    f"| {sum(v(r).cleared for r in bkg)}/{len(bkg)} | {sum(v(r).cleared for r in man)}/{len(man)} "
                    f"| {sum(v(r) is Verdict.SNM and not r.case.is_snm for r in sel)} "
                    f"| {f'{found}/{len(followed)}' if label == 'identify' else '-'} |"
                )
    print("\n### Thinned cases not given an accepted verdict (verdict counts over seeds; nuclides named)\n")
    for case in cases:
        for p in THIN_PS:
            sel = [r for r in rows if r.case is case and r.p == p]
            bad = [r for r in sel if r.verdict not in case.accept]
            if not bad:
                continue
            counts = Counter(r.verdict.value for r in sel)
            named = Counter(n for r in bad for n in r.nuclides)
            print(
                f"  {case.split:4} {case.kind:20} 1/{round(1 / p):<3} {len(bad)}/{len(sel)} bad "
                f"{dict(counts)} named-when-bad {dict(named)}  [{case.case_id}]"
            )
    print(f"\n### Man-made nuclides named at >= {MANMADE_FOUND_SIGMA:g} sigma unthinned and not named thinned\n")
    for case in cases:
        for nuclide in sorted(strong.get(case.case_id, ())):
            for p in THIN_PS:
                lost = [r for r in rows if r.case is case and r.p == p and nuclide not in r.nuclides]
                if lost:
                    verdicts = ", ".join(f"seed {r.seed}: {r.verdict.value}" for r in lost)
                    print(f"  {case.split:4} {nuclide:8} 1/{round(1 / p):<3} {verdicts}  [{case.case_id}]")
    print(f"\nthinned table: {len(rows)} identify calls in {wall:.0f} s")


TURN_ON_KEV = (30.0, 38.0, 45.0, 55.0)


def _csi_pairs(
    cases: list[RealCase], split: str, detectors: tuple[str, ...] = ("radiacode", "csi")
) -> list[tuple[RealCase, Spectrum, Spectrum | None]]:
    """The first (spectrum, paired background) of each calibrated case of ``split`` recorded by one of
    ``detectors`` (the file's own detector; RadiaCode/CsI unless told)."""
    pairs = []
    for case in cases:
        if case.split != split:
            continue
        fg, bg = case.spectra()[0]
        if fg.detector in detectors and fg.calibration is not None:
            pairs.append((case, fg, bg))
    return pairs


def run_turn_on(alarm_sigma: float) -> None:
    """Every real RadiaCode/CsI spectrum (first pair of each case, calibrated) with a smooth discriminator
    turn-on at T = 30-55 keV (``tests.realdata.turn_on``: each count kept with probability
    1/(1+exp(-(E-T)/4 keV)), generator seeded crc32("case_id:T")); a paired background kept whole. Per
    split and T: spectra whose verdict differs from the unmodified one's, verdicts accepted (identify and
    the gross+ratio baseline), newly medical, man-made cleared, false SNM, nuclides named that the
    unmodified spectrum did not name."""
    shared = shared_data()
    cases = [c for c in load_cases() if shared is not None or c.store != "shared"]
    print("\n## Real RadiaCode/CsI spectra with a smooth turn-on (tests.realdata.turn_on; paired background whole)\n")
    print(
        "| split | T keV | spectra | verdict changed | accepted (identify) | accepted (baseline gross+ratio) "
        "| newly medical | man-made cleared | false SNM | nuclides appearing |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for split in ("dev", "test"):
        rows = [(case, fg, bg, identify(fg, bg)) for case, fg, bg in _csi_pairs(cases, split)]
        for threshold in TURN_ON_KEV:
            changed = accepted = base_ok = medical = cleared = false_snm = 0
            appearing: Counter[str] = Counter()
            for case, fg, bg, plain in rows:
                cut = turn_on_case(case, fg, threshold)
                result = identify(cut, bg)
                changed += result.verdict is not plain.verdict
                accepted += result.verdict in case.accept
                base_ok += baseline_verdict(cut, bg, alarm_sigma) in case.accept
                medical += result.verdict is Verdict.MEDICAL and plain.verdict is not Verdict.MEDICAL
                cleared += case.group == "man-made" and result.verdict.cleared
                false_snm += result.verdict is Verdict.SNM and not case.is_snm
                appearing.update({m.nuclide for m in result.isotopes} - {m.nuclide for m in plain.isotopes})
            names = ", ".join(f"{k} {v}" for k, v in sorted(appearing.items())) or "-"
            print(
                f"| {split} | {threshold:g} | {len(rows)} | {changed} | {accepted}/{len(rows)} | {base_ok}/{len(rows)} "
                f"| {medical} | {cleared} | {false_snm} | {names} |"
            )


# (case, unperturbed result, man-made nuclides it names at >= 10 sigma, perturbed result, perturbed baseline)
# a perturbed real spectrum (--miscal, --rebinned): (case, result unperturbed, man-made nuclides it names at >=
# MANMADE_FOUND_SIGMA, result perturbed, gross+ratio baseline perturbed)
PerturbedRow = tuple[RealCase, Identification, set[str], Identification, Verdict]


def _tally(
    label: str, row: PerturbedRow, out: list[PerturbedRow], lost: list[str], changes: list[str], decided: bool = False
) -> None:
    """One perturbed spectrum into its table: the row for the cells (``out``), the strong man-made nuclides it no
    longer names (``lost``) and, if its verdict changed or is not accepted, the listed change (``changes``; with
    ``decided``, the deciding reason below it). ``label``: split and perturbation as printed."""
    case, plain, strong, result, _ = row
    out.append(row)
    lost_names = sorted(strong - {m.nuclide for m in result.isotopes})
    if lost_names:
        lost.append(f"  {label} {','.join(lost_names):12} {result.verdict.value:18} [{case.case_id}]")
    if result.verdict is not plain.verdict or result.verdict not in case.accept:
        mark = "ok " if result.verdict in case.accept else "BAD"
        change = _verdict_change(f"{mark} {label}", case, plain, result)
        changes.append(change + (f"\n        decided by: {result.reasons[-1][:240]}" if decided else ""))


def _perturbable_cases() -> list[RealCase]:
    """The real cases the perturbation tables take (those whose files are here; alpha/beta-only sources left out)."""
    shared = shared_data()
    return [c for c in load_cases() if (shared is not None or c.store != "shared") and c.group != "alpha"]


def _strong_manmade(result: Identification) -> set[str]:
    """The man-made nuclides a result names at ``MANMADE_FOUND_SIGMA`` or more (followed under a perturbation)."""
    return {
        m.nuclide for m in result.isotopes if m.category is not Category.NORM and m.significance >= MANMADE_FOUND_SIGMA
    }


def _verdict_change(prefix: str, case: RealCase, plain: Identification, result: Identification) -> str:
    """One listed case of a perturbed table: ``prefix`` (split, perturbation), kind, unperturbed -> perturbed verdict,
    the nuclides the perturbed result names, the case id."""
    named = ",".join(m.nuclide for m in result.isotopes)
    return f"  {prefix} {case.kind:20} {plain.verdict.value:>18} -> {result.verdict.value:18} {named}  [{case.case_id}]"


def _perturbed_cells(out: list[PerturbedRow], method: str) -> dict[str, str]:
    """The figures of one perturbed table row, for identify (the perturbed result) or the baseline."""

    def v(r: PerturbedRow) -> Verdict:
        return r[3].verdict if method == "identify" else r[4]

    norm = [r for r in out if r[0].group == "NORM"]
    bkg = [r for r in out if r[0].group == "background"]
    man = [r for r in out if r[0].group == "man-made"]
    followed = [(r, n) for r in man for n in sorted(r[2])]
    found = sum(1 for r, n in followed if n in {m.nuclide for m in r[3].isotopes})
    changed = sum(1 for r in out if r[3].verdict is not r[1].verdict)
    return {
        "spectra": str(len(out)),
        "accepted": f"{sum(v(r) in r[0].accept for r in out)}/{len(out)}",
        "norm": f"{sum(v(r) is Verdict.NORM for r in norm)}/{len(norm)}",
        "norm_manmade": str(sum(v(r) in MAN_MADE_VERDICTS for r in norm)),
        "norm_snm": str(sum(v(r) is Verdict.SNM for r in norm)),
        "background": f"{sum(v(r).cleared for r in bkg)}/{len(bkg)}",
        "manmade_cleared": f"{sum(v(r).cleared for r in man)}/{len(man)}",
        "false_snm": str(sum(v(r) is Verdict.SNM and not r[0].is_snm for r in out)),
        "found": f"{found}/{len(followed)}" if method == "identify" else "-",
        "changed": str(changed) if method == "identify" else "-",
    }


def run_miscal(alarm_sigma: float) -> None:
    """Every real RadiaCode/CsI spectrum (first pair of each case, calibrated; alpha/beta-only sources left out)
    with its stored energy calibration re-labelled (``tests.realdata.miscalibrate``: gain x0.97-1.03, offset
    -12..+12 keV, quadratic term x0.95/1.05 on files storing one; the counts untouched), the paired background
    re-labelled alike (the same unit's calibration). Per split and perturbation: NORM as NORM, NORM called
    man-made, NORM called SNM, man-made cleared, false SNM, man-made nuclides named at >= 10 sigma unperturbed
    still named, verdicts changed; identify and the gross+ratio baseline on the same perturbed spectra."""
    cases = _perturbable_cases()
    print(
        "\n## Real RadiaCode/CsI spectra with a wrong stored calibration (tests.realdata.miscalibrate; "
        "background re-labelled alike)\n"
    )
    print(
        "| split | perturbation | method | spectra | NORM as NORM | NORM called man-made | NORM called SNM "
        "| man-made cleared | false SNM | man-made still found (>= 10 sigma unperturbed) | verdict changed |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    t0 = time.perf_counter()
    calls = 0
    bad: list[str] = []
    for split in ("dev", "test"):
        rows = []
        for case, fg, bg in _csi_pairs(cases, split):
            plain = identify(fg, bg)
            calls += 1
            rows.append((case, fg, bg, plain, _strong_manmade(plain)))
        for label, gain, offset, quad in (("none", 1.0, 0.0, 0.0), *MISCAL_PERTURBATIONS):
            out: list[PerturbedRow] = []
            for case, fg, bg, plain, strong in rows:
                if quad and not has_quadratic(fg):
                    continue
                if label == "none":
                    wrong, wrong_bg, result = fg, bg, plain
                else:
                    wrong = miscalibrate(fg, gain, offset, quad)
                    wrong_bg = None if bg is None or bg.calibration is None else miscalibrate(bg, gain, offset, quad)
                    result = identify(wrong, wrong_bg)
                    calls += 1
                base = baseline_verdict(wrong, wrong_bg, alarm_sigma)
                out.append((case, plain, strong, result, base))
                if result.verdict not in case.accept:
                    bad.append(_verdict_change(f"{split:4} {label:16}", case, plain, result))
            for method in ("identify", "baseline gross+ratio"):
                c = _perturbed_cells(out, method)
                print(
                    f"| {split} | {label} | {method} | {c['spectra']} | {c['norm']} | {c['norm_manmade']} "
                    f"| {c['norm_snm']} | {c['manmade_cleared']} | {c['false_snm']} | {c['found']} | {c['changed']} |"
                )
    print("\n### Perturbed spectra not given an accepted verdict (unperturbed -> perturbed verdict; nuclides named)\n")
    print("\n".join(bad) or "  none")
    print(f"\nmiscal table: {calls} identify calls in {time.perf_counter() - t0:.0f} s")


def _print_accepted_header(label: str, found_at: str) -> None:
    """The header of a perturbed table counted by accepted verdicts (--rebinned, --broadened): ``label`` names the
    perturbation's column, ``found_at`` where the man-made nuclides it should still find were named."""
    print(
        f"| split | {label} | method | spectra | verdict accepted | NORM as NORM | background released "
        f"| man-made cleared | false SNM | man-made still found (>= 10 sigma {found_at}) | verdict changed |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")


def _print_accepted_cells(split: str, label: str, out: list[PerturbedRow]) -> None:
    """One perturbation's rows of that table: identify and the gross+ratio baseline."""
    for method in ("identify", "baseline gross+ratio"):
        c = _perturbed_cells(out, method)
        print(
            f"| {split} | {label} | {method} | {c['spectra']} | {c['accepted']} | {c['norm']} "
            f"| {c['background']} | {c['manmade_cleared']} | {c['false_snm']} | {c['found']} | {c['changed']} |"
        )


def run_rebinned(alarm_sigma: float) -> None:
    """Every real RadiaCode/CsI spectrum of 1024 channels (first pair of each case, calibrated; alpha/beta-only
    sources left out) and its paired background alike, re-binned exactly to 512 and 256 channels by summing
    adjacent channels (``tests.realdata.merge_channels``). Per split and channel count: verdicts accepted, NORM
    as NORM, background released, man-made cleared, false SNM, man-made nuclides named at >= 10 sigma at 1024
    channels still named, verdicts changed; identify and the gross+ratio baseline on the same rebinned spectra."""
    cases = _perturbable_cases()
    print(
        "\n## Real 1024-channel RadiaCode/CsI spectra re-binned to 512 and 256 channels "
        "(tests.realdata.merge_channels; background alike)\n"
    )
    _print_accepted_header("channels", "at 1024")
    t0 = time.perf_counter()
    calls = 0
    changes: list[str] = []
    lost: list[str] = []
    for split in ("dev", "test"):
        rows = []
        for case, fg, bg in _csi_pairs(cases, split):
            if fg.n_channels != 1024:
                continue
            plain = identify(fg, bg)
            calls += 1
            rows.append((case, fg, bg, plain, _strong_manmade(plain)))
        for channels in (1024, *REBIN_CHANNELS):
            out: list[PerturbedRow] = []
            for case, fg, bg, plain, strong in rows:
                if channels == 1024:
                    small, small_bg, result = fg, bg, plain
                else:
                    small = merge_channels(fg, 1024 // channels)
                    small_bg = None if bg is None else merge_channels(bg, 1024 // channels)
                    result = identify(small, small_bg)
                    calls += 1
                base = baseline_verdict(small, small_bg, alarm_sigma)
                _tally(f"{split:4} {channels:4}", (case, plain, strong, result, base), out, lost, changes)
            _print_accepted_cells(split, str(channels), out)
    print(
        "\n### Re-binned spectra whose verdict changed or is not accepted (1024 -> rebinned verdict; nuclides named)\n"
    )
    print("\n".join(changes) or "  none")
    print(
        f"\n### Man-made nuclides named at >= {MANMADE_FOUND_SIGMA:g} sigma at 1024 channels and not named rebinned\n"
    )
    print("\n".join(lost) or "  none")
    print(f"\nrebinned table: {calls} identify calls in {time.perf_counter() - t0:.0f} s")


BROADEN_DETECTORS = ("radiacode", "csi", "nai")  # the one NaI file (becquerel nai_detector.spe) has no calibration


def run_broadened(alarm_sigma: float) -> None:
    """Every real RadiaCode/CsI/NaI spectrum (first pair of each case, calibrated; alpha/beta-only sources left
    out) and its paired background smeared to a resolution k = 1.15 and 1.3 times worse
    (``tests.realdata.broaden``: each count relocated by a Gaussian displacement of sd sigma_model x sqrt(k^2 - 1),
    the unit's own width taken as the model's; counts beyond the end channels dropped), ``BROADEN_SEEDS`` seeds,
    the spectrum and its background with independent seeds and the fg's detector model. Per split and k: verdicts
    accepted, NORM as NORM, background released, man-made cleared, false SNM, man-made nuclides named at >= 10
    sigma unperturbed still named, verdicts changed; identify and the gross+ratio baseline on the same smeared
    spectra; then every smeared spectrum whose verdict changed or is not accepted, with its deciding reason."""
    cases = _perturbable_cases()
    print(
        "\n## Real RadiaCode/CsI spectra smeared to a worse resolution (tests.realdata.broaden; k x the model's "
        f"FWHM, the unit's own taken as the model's; background alike, independent seeds; {BROADEN_SEEDS} seeds)\n"
    )
    _print_accepted_header("k", "unperturbed")
    t0 = time.perf_counter()
    calls = 0
    changes: list[str] = []
    lost: list[str] = []
    library = default_library()
    widths: dict[tuple[str, str], list[Resolution]] = defaultdict(list)  # seed 0 at k = 1, then each factor
    for split in ("dev", "test"):
        rows = []
        for case, fg, bg in _csi_pairs(cases, split, BROADEN_DETECTORS):
            plain = identify(fg, bg)
            calls += 1
            rows.append((case, fg, bg, plain, _strong_manmade(plain), detector_model(guess_detector(fg))))
        for k in (1.0, *BROADEN_FACTORS):
            out: list[PerturbedRow] = []
            for case, fg, bg, plain, strong, model in rows:
                for seed in range(BROADEN_SEEDS if k > 1.0 else 1):
                    if k == 1.0:
                        wide, wide_bg, result = fg, bg, plain
                    else:
                        wide = broadened_case(case, fg, k, seed, "fg", model)
                        wide_bg = None if bg is None else broadened_case(case, bg, k, seed, "bg", model)
                        result = identify(wide, wide_bg)
                        calls += 1
                    base = baseline_verdict(wide, wide_bg, alarm_sigma)
                    row = (case, plain, strong, result, base)
                    _tally(f"{split:4} k={k:<4g} seed {seed}", row, out, lost, changes, decided=True)
                    if seed == 0 and model.kind == "scintillator":
                        widths[(split, case.case_id)].append(_measured_resolution(wide, model, library))
            _print_accepted_cells(split, f"{k:g}", out)
    print("\n### Smeared spectra whose verdict changed or is not accepted (unsmeared -> smeared; nuclides named)\n")
    print("\n".join(changes) or "  none")
    print(f"\n### Man-made nuclides named at >= {MANMADE_FOUND_SIGMA:g} sigma unsmeared and not named smeared\n")
    print("\n".join(lost) or "  none")
    print(
        "\n### The smearing read back (tripline.radiation.resolution, seed 0): FWHM factor on the model measured "
        "unsmeared (f0) and smeared, beside sqrt(f0^2 + k^2 - 1) (clamped at "
        f"{FACTOR_MAX:g}); spectra with a usable line only\n"
    )
    factors = ", ".join(f"k={k:g}" for k in (1.0, *BROADEN_FACTORS))
    print(f"  split case: measured at {factors} (expected)")
    for (split, case_id), found in widths.items():
        if not found[0].measured:
            continue
        f0 = found[0].factor
        cells = [f"{f0:.2f}"] + [
            f"{w.factor:.2f} ({min(math.sqrt(f0 * f0 + k * k - 1.0), FACTOR_MAX):.2f})" if w.measured else "-"
            for k, w in zip(BROADEN_FACTORS, found[1:], strict=True)
        ]
        print(f"  {split:4} {case_id[:56]:56} {' / '.join(cells)}")
    print(f"\nbroadened table: {calls} identify calls in {time.perf_counter() - t0:.0f} s")


def _stripped(spectrum: Spectrum | None) -> Spectrum | None:
    return None if spectrum is None else dataclasses.replace(spectrum, calibration=None)


def _scale_error(stored: Spectrum, inferred: EnergyCalibration) -> float:
    """Largest relative difference of the inferred scale from the stored one at 300, 662, 1460 and 2614 keV
    (those within the stored scale's range)."""
    assert stored.calibration is not None
    top = float(stored.edges_kev()[-1])
    worst = 0.0
    for energy in (300.0, 662.0, 1460.8, 2614.5):
        if energy < top:
            channel = stored.calibration.channel(energy, stored.n_channels)
            worst = max(worst, abs(float(inferred.energy(channel)) / energy - 1.0))
    return worst


def run_uncalibrated(alarm_sigma: float) -> None:
    """Every real spectrum of the file (first pair of each case) with its energy calibration (and its paired
    background's) removed, judged by identify (which infers a scale at germanium resolution only,
    ``tripline.radiation.blindcal.blind_calibration``); beside it the same spectra as filed, the gross+ratio
    baseline, and identify on the scale the search infers at the guessed detector model's resolution (measured,
    not adopted). Scale error: largest relative difference of an inferred scale from the file's stored one."""
    shared = shared_data()
    cases = [c for c in load_cases() if shared is not None or c.store != "shared"]
    print("\n## Real spectra without an energy calibration (stored calibration stripped, background alike)\n")
    print(
        "| split | method | spectra | verdict accepted | NORM as NORM | background released | man-made cleared "
        "| false SNM |"
    )
    print("|---|---|---|---|---|---|---|---|")
    t0 = time.perf_counter()
    lines: list[str] = []
    for split in ("dev", "test"):
        rows: dict[str, list[tuple[RealCase, Verdict]]] = defaultdict(list)
        for case in cases:
            if case.split != split:
                continue
            fg, bg = case.spectra()[0]
            raw, raw_bg = _stripped(fg), _stripped(bg)
            assert raw is not None
            rows["identify, as filed (calibrated)"].append((case, identify(fg, bg).verdict))
            rows["baseline gross+ratio, as filed"].append((case, baseline_verdict(fg, bg, alarm_sigma)))
            stripped = identify(raw, raw_bg)
            rows["identify, calibration stripped"].append((case, stripped.verdict))
            rows["baseline gross+ratio, stripped"].append((case, baseline_verdict(raw, raw_bg, alarm_sigma)))
            adopted = blind_calibration(raw)
            found = infer_calibration(raw, detector_model(guess_detector(raw)))
            # the file's detector model named: identify adopts no scale for a scintillator (today's behaviour)
            verdict = identify(raw, raw_bg, detector_name=guess_detector(raw)).verdict
            if found.calibration is not None:
                on = dataclasses.replace(fg, calibration=found.calibration)
                on_bg = None
                if bg is not None and bg.n_channels == fg.n_channels:
                    on_bg = dataclasses.replace(bg, calibration=found.calibration)
                verdict = identify(on, on_bg).verdict
            rows["identify, scintillator-resolution search (not adopted)"].append((case, verdict))
            errors = []
            for label, cal in (("adopted", adopted.calibration), ("search", found.calibration)):
                if cal is None:
                    errors.append(f"{label} -")
                elif fg.calibration is None:
                    errors.append(f"{label} no reference")
                else:
                    errors.append(f"{label} {_scale_error(fg, cal):.2%}")
            lines.append(
                f"  {split:4} {case.group:10} {case.kind:20} {errors[0]:>20} -> {stripped.verdict.value:12} "
                f"{errors[1]:>20} -> {verdict.value:12} [{case.case_id}]"
            )
        for label, out in rows.items():
            fig = _figures(out)
            print(
                f"| {split} | {label} | {len(out)} | {fig['accepted']} | {fig['NORM as NORM']} "
                f"| {fig['background released']} | {fig['man-made cleared']} | {fig['false SNM']} |"
            )
    print(
        "\n### Per case: scale error of the adopted (germanium) scale -> identify verdict; of the "
        "scintillator-resolution search -> identify verdict on it\n"
    )
    print("\n".join(lines))
    print(f"\nuncalibrated table in {time.perf_counter() - t0:.0f} s")


MASK_FRACTIONS = (0.03, 0.1, 0.3, 1.0)


@dataclasses.dataclass
class MaskRow:
    host: RealCase
    source: RealCase
    fraction: float
    family: str
    verdict: Verdict | None  # with the host's own background (None: the host file has none)
    alone: Verdict
    baseline: Verdict | None
    nuclides: list[str]


def masked_results(
    cases: list[RealCase], alarm_sigma: float, split: str, raw: bool = False
) -> tuple[list[MaskRow], int]:
    """Every (host, source, fraction) cell of one split (see the module docstring); and the number of
    cells skipped because the source has too few counts for the fraction."""
    hosts = [c for c in cases if c.split == split and c.group in ("NORM", "background")]
    sources = [c for c in cases if c.split == split and c.group == "man-made"]
    first = {c.case_id: c.spectra()[0] for c in hosts + sources}
    rows: list[MaskRow] = []
    skipped = 0
    for host in hosts:
        fg, bg = first[host.case_id]
        for source in sources:
            fam = family(fg)
            if family(first[source.case_id][0]) != fam:
                continue
            for fraction in MASK_FRACTIONS:
                spectrum = masked_case(host, fg, source, fraction, raw)
                if spectrum is None:
                    skipped += 1
                    continue
                filed = identify(spectrum, bg) if bg is not None else None
                alone = identify(spectrum, None)
                named = filed if filed is not None else alone
                rows.append(
                    MaskRow(
                        host,
                        source,
                        fraction,
                        fam,
                        None if filed is None else filed.verdict,
                        alone.verdict,
                        None if bg is None else baseline_verdict(spectrum, bg, alarm_sigma),
                        [m.nuclide for m in named.isotopes],
                    )
                )
    return rows, skipped


def run_masked(alarm_sigma: float, raw: bool = False) -> None:
    if shared_data() is None:
        print("\n## Masked real spectra: ../shared/data not found, table skipped")
        return
    cases = load_cases()
    mode = (
        "raw: both files' stored energy scales taken as true"
        if raw
        else "aligned: source on true energies by its labelled nuclide's lines, host by its natural lines"
    )
    print(
        "\n## Real man-made sources hidden in real NORM/background spectra (tests.realdata.inject; same "
        f"detector family, same split; source net counts = fraction of the host's counts; {mode})\n"
    )
    if not raw:
        for case in cases:
            if case.group != "man-made" or case.spectra()[0][0].calibration is None:
                continue
            found = source_alignment(case.spectra()[0][0], tuple(case.nuclides))
            lines = ", ".join(f"{t:g}->{m:.1f}" for t, m in found.found) or "-"
            print(
                f"  source {case.split:4} {case.case_id:60} stored = {found.offset_kev:+.1f} keV + "
                f"{found.factor:.4f} x true  [{lines}] {found.note}"
            )
        print()
    print(
        "| split | family | fraction | cells | man-made cleared (host bg) | man-made cleared (no bg) "
        "| called SNM (not SNM) | of_concern (host bg / no bg) | named correctly | baseline gross+ratio cleared |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    every: list[MaskRow] = []
    t0 = time.perf_counter()
    for split in ("dev", "test"):
        rows, skipped = masked_results(cases, alarm_sigma, split, raw)
        every += rows
        for fam in sorted({r.family for r in rows}):
            for fraction in MASK_FRACTIONS:
                sel = [r for r in rows if r.family == fam and r.fraction == fraction]
                filed = [r for r in sel if r.verdict is not None]
                snm = sum((r.verdict is Verdict.SNM) + (r.alone is Verdict.SNM) for r in sel if not r.source.is_snm)
                concern = (
                    f"{sum(r.verdict is Verdict.OF_CONCERN for r in filed)}/{len(filed)} / "
                    f"{sum(r.alone is Verdict.OF_CONCERN for r in sel)}/{len(sel)}"
                )
                known = [r for r in sel if r.source.nuclides]
                named = sum(all(NUCLIDE_NAMES.get(x, x) in r.nuclides for x in r.source.nuclides) for r in known)
                base = sum(r.baseline is not None and r.baseline.cleared for r in filed)
                print(
                    f"| {split} | {fam} | {fraction:g} | {len(sel)} "
                    f"| {sum(r.verdict is not None and r.verdict.cleared for r in filed)}/{len(filed)} "
                    f"| {sum(r.alone.cleared for r in sel)}/{len(sel)} | {snm} | {concern} "
                    f"| {named}/{len(known)} | {base}/{len(filed)} |"
                )
        print(f"| {split} | | | {skipped} cells skipped (source too weak for the fraction) | | | | | | |")
    print(
        "\n### Injected cells cleared (split, fraction, verdict with host bg / no bg, nuclides named, host <- source)\n"
    )
    for r in every:
        if (r.verdict is not None and r.verdict.cleared) or r.alone.cleared:
            with_bg = "-" if r.verdict is None else r.verdict.value
            print(
                f"  {r.host.split:4} {r.fraction:<5g} {with_bg:12} {r.alone.value:12} {','.join(r.nuclides):30} "
                f"[{r.host.case_id}] <- [{r.source.case_id}]"
            )
    print(f"\nmasked table: {len(every)} cells in {time.perf_counter() - t0:.0f} s")


CONTINUUM_STRENGTHS = (0.3, 1.0, 3.0)


def run_continuum(alarm_sigma: float) -> None:
    """Analytic continua without photopeaks (tests.realdata.continuum_shape: Y-90 bremsstrahlung, shielded Cs-137 and
    Co-60) added to every real NORM/background host at 0.3, 1 and 3 times the host's own net counts (its gross counts
    without a paired background), judged with the host's background and without, Policy.continuum_guard on and off,
    beside the gross+ratio baseline. Synthetic shapes: a regression and safety table, not evidence."""
    if shared_data() is None:
        print("\n## Continuum guard: ../shared/data not found, table skipped")
        return
    on = dataclasses.replace(Policy(), continuum_guard=True)
    off = dataclasses.replace(Policy(), continuum_guard=False)
    print(
        "\n## Analytic continua (no photopeak) added to real NORM/background hosts (tests.realdata.continuum_shape; "
        "synthetic: regression/safety only)\n"
    )
    print(
        "| split | continuum | strength x host net | hosts (paired) | cleared, host bg: guard on / off "
        "| cleared, no bg: guard on / off | baseline gross+ratio cleared (paired) |"
    )
    print("|---|---|---|---|---|---|---|")
    cases = load_cases()
    t0 = time.perf_counter()
    for split in ("dev", "test"):
        hosts = [c for c in cases if c.split == split and c.group in ("NORM", "background")]
        spectra = {c.case_id: c.spectra()[0] for c in hosts}
        hosts = [c for c in hosts if spectra[c.case_id][0].calibration is not None]
        for kind in CONTINUUM_KINDS:
            for strength in CONTINUUM_STRENGTHS:
                paired_on = paired_off = alone_on = alone_off = base = paired = 0
                for host in hosts:
                    fg, bg = spectra[host.case_id]
                    shape = continuum_shape(kind, guess_detector(fg), fg.edges_kev())
                    rng = np.random.default_rng(zlib.crc32(f"{host.case_id}:{kind}:{strength:g}".encode()))
                    added = max(net_counts(fg, bg), 0.0) * strength
                    mixed = add_continuum(fg, shape, added, rng)
                    if bg is not None:
                        paired += 1
                        paired_on += identify(mixed, bg, policy=on).verdict.cleared
                        paired_off += identify(mixed, bg, policy=off).verdict.cleared
                        base += baseline_verdict(mixed, bg, alarm_sigma).cleared
                    alone_on += identify(mixed, None, policy=on).verdict.cleared
                    alone_off += identify(mixed, None, policy=off).verdict.cleared
                print(
                    f"| {split} | {kind} | {strength:g} | {len(hosts)} ({paired}) | {paired_on}/{paired} / "
                    f"{paired_off}/{paired} | {alone_on}/{len(hosts)} / {alone_off}/{len(hosts)} | {base}/{paired} |"
                )
    print(f"\ncontinuum table in {time.perf_counter() - t0:.0f} s")


def _batch(cases: list[RealCase], workers: int = 2, repeat: int = 3) -> None:
    """Batch throughput: every real spectrum (as filed) ``repeat`` times over ``workers`` processes."""
    from concurrent.futures import ProcessPoolExecutor

    # the worker is `identify` itself, pickled by reference: a function of this file would be
    # `__main__._identify_pair` under `python -m bench radiation`, which the workers cannot import
    pairs = [case.spectra()[0] for case in cases] * repeat

    def run(pool: ProcessPoolExecutor, batch: list[tuple[Spectrum, Spectrum | None]]) -> float:
        list(pool.map(identify, *zip(*batch[:workers], strict=True)))  # warm the workers (imports, caches)
        t0 = time.perf_counter()
        list(pool.map(identify, *zip(*batch, strict=True), chunksize=4))
        return time.perf_counter() - t0

    with ProcessPoolExecutor(workers) as pool:
        wall = run(pool, pairs)
    small = [p for p in pairs if p[0].n_channels <= 1024]
    with ProcessPoolExecutor(workers) as pool:
        wall_small = run(pool, small)
    print(
        f"batch, {workers} processes: {len(pairs) / wall:.1f} spectra/s over all {len(pairs)} "
        f"(HPGe up to 16384 channels); {len(small) / wall_small:.1f} spectra/s over the "
        f"{len(small)} of <= 1024 channels (RadiaCode, portal-size spectra)"
    )


def _measured_resolution(fg: Spectrum, model: DetectorModel, library: Library, min_kev: float = 0.0) -> Resolution:
    """The resolution factor read from a scintillator spectrum's own lines (``min_kev``: from there up), on its scale
    corrected by its own natural lines as identify corrects it."""
    gain = calibration_correction(fg, model, library)
    spectrum = recalibrated_offset(fg, gain.factor, gain.offset_kev) if gain.factor != 1.0 or gain.offset_kev else fg
    counts = spectrum.counts.astype(np.float64)
    low = usable_low_kev(counts, spectrum.centers_kev(), model)[0]
    return measure_resolution(counts, spectrum.edges_kev(), model, low, min_kev)


def run_resolution() -> None:
    """Per real scintillator spectrum: the resolution factor read from its own lines (all lines, and those identify
    takes, >= ``TRANSFER_MIN_KEV``), and identify's verdict (as filed) with the model's FWHM (the default), with the
    factor for narrower units only (``Policy.measure_resolution``, not adopted) and with wider units widened too
    (``resolution_max`` = ``FACTOR_MAX``, not adopted)."""
    if shared_data() is None:
        print("\n## Resolution: ../shared/data not found, table skipped")
        return
    library = default_library()
    policies = (
        Policy(),
        Policy(measure_resolution=True),
        Policy(measure_resolution=True, resolution_max=FACTOR_MAX),
    )
    print("\n## Resolution measured per spectrum (tripline.radiation.resolution), real scintillator spectra\n")
    print(
        "| split | kind | case | channels | factor, all lines | lines | factor identify takes "
        "| verdict: model / narrower applied / widened too |"
    )
    print("|---|---|---|---|---|---|---|---|")
    changed: Counter[str] = Counter()
    for case in load_cases():
        fg, bg = case.spectra()[0]
        if not fg.is_calibrated:
            continue
        name = guess_detector(fg)
        model = detector_model(name)
        if model.kind != "scintillator":
            continue
        every = _measured_resolution(fg, model, library)
        taken = _measured_resolution(fg, model, library, TRANSFER_MIN_KEV)
        lines = ", ".join(f"{w.nuclide} {w.energy_kev:.0f} {w.factor:.2f}+-{w.error:.2f}" for w in every.lines) or "-"
        verdicts = [identify(fg, bg, policy=p).verdict for p in policies]
        marks = ["" if v in case.accept else "!" for v in verdicts]
        shown = " / ".join(f"{v.value}{m}" for v, m in zip(verdicts, marks, strict=True))
        for label, v in (("narrower applied", verdicts[1]), ("widened too", verdicts[2])):
            if v is not verdicts[0]:
                changed[f"{case.split} {label}"] += 1
        print(
            f"| {case.split} | {case.kind} | {case.case_id[:48]} | {fg.n_channels} | {every.factor:.2f} | {lines} "
            f"| {taken.factor:.2f} | {shown} |"
        )
    print(f"\n(! = verdict not accepted) verdicts changed against the model's FWHM: {dict(changed) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 seeds, sigma 5 and 20 only")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per cell (default 8, quick 2)")
    parser.add_argument("--real-only", action="store_true", help="only the real-spectra table")
    parser.add_argument("--thinned", action="store_true", help="only the thinned real-spectra table")
    parser.add_argument("--thin-seeds", type=int, default=3, help="seeds per thinning probability (default 3)")
    parser.add_argument("--turn-on", action="store_true", help="only the smooth turn-on real-spectra table")
    parser.add_argument("--miscal", action="store_true", help="only the wrong-stored-calibration real-spectra table")
    parser.add_argument("--rebinned", action="store_true", help="only the 512/256-channel re-binned real table")
    parser.add_argument(
        "--broadened", action="store_true", help="only the real-spectra table smeared to a worse resolution"
    )
    parser.add_argument("--masked", action="store_true", help="only the masked real-spectra table")
    parser.add_argument(
        "--masked-raw", action="store_true", help="the masked table with both stored energy scales taken as true"
    )
    parser.add_argument(
        "--uncalibrated", action="store_true", help="only the real-spectra table with the calibrations stripped"
    )
    parser.add_argument("--resolution", action="store_true", help="only the per-spectrum resolution table")
    parser.add_argument("--continuum", action="store_true", help="only the analytic-continuum injection table")
    parser.add_argument("--alarm-sigma", type=float, default=4.0, help="gross-count alarm threshold of the baseline")
    args = parser.parse_args()
    seeds = args.seeds or (2 if args.quick else 8)
    sigmas = [5.0, 20.0] if args.quick else [5.0, 10.0, 20.0]
    t0 = time.perf_counter()
    print("# bench/radiation.py")
    if args.thinned:
        run_thinned(args.alarm_sigma, args.thin_seeds)
        return
    if args.turn_on:
        run_turn_on(args.alarm_sigma)
        return
    if args.miscal:
        run_miscal(args.alarm_sigma)
        return
    if args.rebinned:
        run_rebinned(args.alarm_sigma)
        return
    if args.broadened:
        run_broadened(args.alarm_sigma)
        return
    if args.uncalibrated:
        run_uncalibrated(args.alarm_sigma)
        return
    if args.resolution:
        run_resolution()
        return
    if args.continuum:
        run_continuum(args.alarm_sigma)
        return
    if args.masked or args.masked_raw:
        run_masked(args.alarm_sigma, raw=args.masked_raw)
        return
    run_real(args.alarm_sigma)
    if args.real_only:
        return
    run_spectra(seeds, sigmas, args.alarm_sigma)
    run_occupancies(max(1, seeds // 2), sigmas)
    print(f"\nwall time {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
