"""The energy-window test (tripline.radiation.windows) on real dev spectra, and three candidate repairs.

``python -m bench windows_real`` (dev rows of tests/data/radiation_real.csv only; needs ../shared/data).

On real detectors the window fit with the project's simulated NORM response rejects every spectrum, NORM or
not (p_norm ~ 0). Candidates measured here, none of them in the engine (bench/README.md, section "winsys"):

* ``model error f``: each window's variance gains ``(f x model)^2``, refitted iteratively;
* ``+ down-scatter``: the same with a free ``exp(-E / 100 keV)`` continuum column (photons of the sample
  scattered before reaching the crystal), with a paired background only;
* ``empirical``: NORM window shapes from dev RadiaCode net spectra (KCl for K-40, Guarapari monazite for
  Th-232, uraninite for U-238) in place of the simulated ones, on the other dev RadiaCode spectra with a
  paired background (a template is never tested on itself).

The engine's own inputs to the window test (calibration after its corrections, background, live-time ratio,
``excluded_alone``) are recorded by wrapping :func:`tripline.radiation.identify.norm_test` during ``identify``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import tripline.radiation.identify as identify_module
from tests.realdata import RealCase, load_cases, need_shared_data
from tripline.radiation.model import Category, FloatArray
from tripline.radiation.numerics import chi2_sf, nnls
from tripline.radiation.physics import background_shape, mixture_shape
from tripline.radiation.spectral import window_sums
from tripline.radiation.windows import NORM_COMPONENTS, P_NORM_MIN, THREAT_GAIN_MAX, THREAT_ONLY_P_MAX, windows_for

ROUNDS = 6
DOWNSCATTER_E_FOLD_KEV = 100.0
EMPIRICAL = {
    "K-40": "radiacode:K-40-1--2024-03-02 13-26-43",
    "Th-232 chain": "radiacode:2024-04-16_Monazite-Guarapari-Brazil",
    "U-238 chain": "radiacode:2024-04-17_Uraninite",
}


@dataclass(frozen=True)
class Inputs:
    case: RealCase
    counts: FloatArray
    background: FloatArray | None
    ratio: float
    detector: str
    calibration: Any
    library: Any
    low_kev: float
    excluded: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    p_norm: float
    best_gain: tuple[str, float]
    consistent: bool


def record(case: RealCase) -> Inputs | None:
    """The window test's inputs as ``identify`` builds them for the case's first spectrum and its background."""
    seen: list[tuple[Any, ...]] = []
    namespace = vars(identify_module)  # the name identify() calls
    original = namespace["norm_test"]

    def wrapper(*args: Any) -> Any:
        seen.append(args)
        return original(*args)

    foreground, background = case.spectra()[0]
    namespace["norm_test"] = wrapper
    try:
        identify_module.identify(foreground, background)
    finally:
        namespace["norm_test"] = original
    if not seen:
        return None  # no energy calibration: no window test
    counts, bkg, ratio, det, cal, lib, low, *rest = seen[-1]
    return Inputs(case, counts, bkg, ratio, det, cal, lib, low, frozenset(rest[0] if rest else ()))


def fit(columns: list[FloatArray], y: FloatArray, var: FloatArray, f: float) -> tuple[FloatArray, float]:
    a = np.stack(columns, axis=1)
    total = var
    x = np.zeros(a.shape[1])
    for _ in range(ROUNDS if f > 0 else 1):
        sd = np.sqrt(np.maximum(total, 1.0))
        x = np.asarray(nnls(a / sd[:, None], y / sd, maxiter=100 * a.shape[1])[0], dtype=np.float64)
        total = var + (f * (a @ x)) ** 2
    sd = np.sqrt(np.maximum(total, 1.0))
    return x, float(np.sum(((y - a @ x) / sd) ** 2))


def window_test(
    inp: Inputs,
    f: float,
    downscatter: bool = False,
    norm_shape: Callable[[str, FloatArray, tuple[tuple[float, float], ...]], FloatArray] | None = None,
) -> Outcome:
    n = inp.counts.size
    edges = inp.calibration.edges(n)
    windows = windows_for(max(inp.low_kev, float(edges[0])), float(edges[-1]))
    fg = window_sums(inp.counts, edges, windows)
    base: list[FloatArray] = []
    if inp.background is not None:
        bg = window_sums(inp.background, edges, windows)
        y, var = fg - inp.ratio * bg, fg + inp.ratio**2 * bg
    else:
        y, var = fg, fg.copy()
        base.append(window_sums(background_shape(inp.detector, inp.calibration, n), edges, windows))
    if downscatter:
        centers = 0.5 * (edges[:-1] + edges[1:])
        shape = np.exp(-np.clip(centers, 0.0, None) / DOWNSCATTER_E_FOLD_KEV) * np.diff(edges)
        shape[centers < inp.low_kev] = 0.0
        base.append(window_sums(shape, edges, windows))

    def simulated(name: str) -> FloatArray:
        return window_sums(mixture_shape(inp.detector, inp.calibration, n, {name: 1.0}), edges, windows)

    cols = base + [(norm_shape(name, edges, windows) if norm_shape else simulated(name)) for name in NORM_COMPONENTS]
    x, chi2 = fit(cols, y, var, f)
    p_norm = chi2_sf(max(len(windows) - int(np.count_nonzero(x)), 1), chi2)
    gains: dict[str, float] = {}
    alone_ok = True
    for nuclide in inp.library.nuclides:
        if nuclide.category is Category.NORM:
            continue
        col = simulated(nuclide.name)
        if col.sum() <= 0:
            continue
        gains[nuclide.name] = max(chi2 - fit([*cols, col], y, var, f)[1], 0.0)
        if inp.background is not None and nuclide.name not in inp.excluded:
            alone_ok &= chi2_sf(max(len(windows) - 1, 1), fit([col], y, var, f)[1]) < THREAT_ONLY_P_MAX
    best = max(gains, key=lambda k: gains[k])
    consistent = p_norm >= P_NORM_MIN and gains[best] < THREAT_GAIN_MAX and alone_ok
    return Outcome(p_norm, (best, gains[best]), consistent)


def empirical_shapes(by_id: dict[str, Inputs]) -> Callable[[str, FloatArray, tuple[tuple[float, float], ...]], Any]:
    nets = {}
    for name, case_id in EMPIRICAL.items():
        inp = by_id[case_id]
        assert inp.background is not None
        nets[name] = (inp.counts - inp.ratio * inp.background, inp.calibration.edges(inp.counts.size))

    def shape(name: str, edges: FloatArray, windows: tuple[tuple[float, float], ...]) -> FloatArray:
        net, own_edges = nets[name]
        sums = window_sums(net, own_edges, windows)
        return np.asarray(sums / sums.sum(), dtype=np.float64)

    return shape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--f", default="0,0.1,0.25,0.5,1", help="model-error fractions of the grid")
    args = parser.parse_args()
    try:
        need_shared_data()
    except BaseException as exc:  # pytest's skip outside pytest
        raise SystemExit(f"real spectra not available: {exc}") from exc
    fractions = [float(v) for v in args.f.split(",")]
    cases = [c for c in load_cases() if c.split == "dev"]
    inputs = [inp for inp in (record(c) for c in cases) if inp is not None]
    by_id = {inp.case.case_id: inp for inp in inputs}
    print("## Window test on the dev real spectra (p_norm; C = consistent with NORM)\n")
    head = ["case", "group", "bg"] + [f"f={f:g}" for f in fractions] + ["f=0.25 + down-scatter (bg only)"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    tally: dict[str, dict[str, int]] = {}
    for inp in inputs:
        group = inp.case.group
        cells = []
        for f in fractions:
            out = window_test(inp, f)
            cells.append(
                f"{out.p_norm:.2g}{' C' if out.consistent else ''} ({out.best_gain[0]} {out.best_gain[1]:.0f})"
            )
            tally.setdefault(f"f={f:g}", {}).setdefault(group, 0)
            tally[f"f={f:g}"][group] += int(out.consistent)
        if inp.background is not None:
            out = window_test(inp, 0.25, downscatter=True)
            cells.append(
                f"{out.p_norm:.2g}{' C' if out.consistent else ''} ({out.best_gain[0]} {out.best_gain[1]:.0f})"
            )
            tally.setdefault("candidate", {}).setdefault(group, 0)
            tally["candidate"][group] += int(out.consistent)
        else:
            cells.append("-")
        bg = "yes" if inp.background is not None else "no"
        print(f"| {inp.case.case_id} | {group} | {bg} | " + " | ".join(cells) + " |")
    totals = {g: sum(1 for i in inputs if i.case.group == g) for g in ("NORM", "man-made", "background", "alpha")}
    print("\n## Consistent with NORM, per group (of dev spectra with a window test)\n")
    for name, per in tally.items():
        print(f"  {name:10s} " + ", ".join(f"{g} {per.get(g, 0)}/{totals[g]}" for g in totals))
    print(
        "\n## Empirical NORM shapes (dev RadiaCode net spectra), on the other dev RadiaCode spectra with a background\n"
    )
    shape = empirical_shapes(by_id)
    for f in (0.0, 0.05):
        for inp in inputs:
            if inp.background is None or inp.detector != "radiacode" or inp.case.case_id in EMPIRICAL.values():
                continue
            out = window_test(inp, f, norm_shape=shape)
            print(
                f"  f={f:g} {inp.case.case_id:60s} {inp.case.group:9s} p_norm={out.p_norm:.2g} "
                f"{'consistent' if out.consistent else 'not consistent'} (best gain {out.best_gain[0]} "
                f"{out.best_gain[1]:.1f})"
            )


if __name__ == "__main__":
    main()
