"""Real measured spectra for evaluation: ``tests/data/radiation_real.csv`` and where its files are.

The RadiaCode community spectra have no licence upstream, so they are not bundled: they are read
from ``../shared/data/radiation/radiacode_community/`` next to the repository (the nearest
ancestor folder holding ``shared/data``; ``TRIPLINE_SHARED_DATA`` overrides). Spectra whose sources
carry a permissive licence are stored in ``tests/data/radiation_extra/`` (store ``extra``), the
becquerel samples in ``data/radiation/`` (store ``bundled``). Used by the tests,
by ``bench/radiation.py`` and by ``tests/data/build_radiation_real.py``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tripline.radiation.library import DetectorModel
from tripline.radiation.model import EnergyCalibration, Spectrum, Verdict
from tripline.radiation.readers import pair_spectra, read_spectra
from tripline.radiation.readers.n42 import parse_n42
from tripline.settings import REPO_DIR

CASES_FILE = REPO_DIR / "tests" / "data" / "radiation_real.csv"
BUNDLED = REPO_DIR / "data"
EXTRA = REPO_DIR / "tests" / "data" / "radiation_extra"


def need_shared_data() -> Path:
    """The ``shared/data`` folder, or the test is skipped: ../shared sits beside the project's checkouts and CI
    runs, and its spectra are not bundled (no licence upstream). A clone elsewhere skips them unless
    TRIPLINE_REQUIRE_SHARED_DATA is set (``.ci/run`` sets it when ../shared/data is there): then it fails."""
    import pytest  # tests.realdata also serves bench/radiation.py, which runs without pytest's machinery

    shared = shared_data()
    if shared is None:
        message = "../shared/data (the real spectra) not found beside the checkout; set TRIPLINE_SHARED_DATA"
        if os.environ.get("TRIPLINE_REQUIRE_SHARED_DATA"):
            pytest.fail(message)
        pytest.skip(message)
    return shared


def shared_data() -> Path | None:
    """The ``shared/data`` folder of this checkout, or None when it is not there."""
    env = os.environ.get("TRIPLINE_SHARED_DATA")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for parent in REPO_DIR.parents:
        candidate = parent / "shared" / "data"
        if (candidate / "radiation").is_dir():
            return candidate
    return None


@dataclass(frozen=True)
class RealCase:
    case_id: str
    split: str
    kind: str
    accept: frozenset[Verdict]
    nuclides: tuple[str, ...]
    store: str  # shared | bundled | extra
    file: str
    member: str
    source: str
    what: str
    part: str = ""  # "background": the case is its file's in-file background spectrum, judged alone

    @property
    def group(self) -> str:
        """Reporting group: NORM, background (ambient and cosmic), alpha (an alpha or pure beta emitter
        with no gamma a spectrometer can see, e.g. a Po-210 static eliminator or a Ni-63 tube: judged on
        its accepted verdicts only), man-made (industrial, medical, special nuclear material)."""
        if self.kind.startswith("NORM"):
            return "NORM"
        if self.kind in ("background", "cosmic"):
            return "background"
        if self.kind.startswith(("alpha_", "beta_")):
            return "alpha"
        return "man-made"

    @property
    def is_snm(self) -> bool:
        """The source says it is special nuclear material (its accepted verdicts include SNM)."""
        return Verdict.SNM in self.accept

    def spectra(self, shared: Path | None = None) -> list[tuple[Spectrum, Spectrum | None]]:
        """(foreground, in-file background or None) pairs of the case's file; for a ``part`` "background" case, its
        file's first background spectrum as the foreground, with none of its own."""
        pairs = self._file_spectra(shared)
        if self.part == "background":
            backgrounds = [bg for _, bg in pairs if bg is not None]
            if not backgrounds:
                raise FileNotFoundError(f"no background spectrum in {self.file} {self.member}".rstrip())
            return [(backgrounds[0], None)]
        if self.part:
            raise ValueError(f"unknown part {self.part!r} of case {self.case_id}")
        return pairs

    def _file_spectra(self, shared: Path | None) -> list[tuple[Spectrum, Spectrum | None]]:
        root = {"bundled": BUNDLED, "extra": EXTRA}.get(self.store) or shared or shared_data()
        if root is None:
            raise FileNotFoundError("shared/data not found (set TRIPLINE_SHARED_DATA)")
        path = root / self.file
        if self.member:
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == self.member]
                if len(names) != 1:
                    raise FileNotFoundError(f"{self.member} not in {path}")
                data = archive.read(names[0])
                if self.member.lower().endswith(".csv"):
                    return [(_radiacode_csv(archive, names[0], data), None)]
            return pair_spectra(parse_n42(data, source=f"{path.name}!{self.member}"))
        return pair_spectra(read_spectra(path))


_LIVE_TIME = re.compile(r"_(\d+)s\b")


def _radiacode_csv(archive: zipfile.ZipFile, name: str, data: bytes) -> Spectrum:
    """A RadiaCode ``channel,count`` CSV export: no calibration and no live time in the file. The
    live time is the one its file name states (``..._3455s ...``); the energy calibration is the
    one every RadiaCode XML of the same upload (same folder, same channel count) carries, and the
    upload must hold exactly one (Mike Busyrev's: RC-101-000544, 256 channels). Evaluation data
    preparation only, said in the case's ``source``: the engine itself never borrows a calibration."""
    counts = np.array([int(r[1]) for r in csv.reader(io.StringIO(data.decode("utf-8-sig"))) if r], dtype=np.int64)
    found = _LIVE_TIME.search(name.rsplit("/", 1)[-1])
    if found is None:
        raise FileNotFoundError(f"no live time in the name of {name}")
    folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
    calibrations = set()
    for other in archive.namelist():
        if other.startswith(folder) and other.lower().endswith(".xml"):
            for spectrum in parse_n42(archive.read(other), source=other):
                if spectrum.n_channels == counts.size and spectrum.calibration is not None:
                    calibrations.add(spectrum.calibration)
    if len(calibrations) != 1:
        raise FileNotFoundError(f"{len(calibrations)} calibrations for {name} in its upload, need exactly one")
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return Spectrum(counts, float(found.group(1)), calibrations.pop(), spectrum_id=stem, detector="radiacode")


def load_cases(path: Path = CASES_FILE) -> list[RealCase]:
    with path.open(encoding="utf-8") as fh:
        return [
            RealCase(
                case_id=row["case_id"],
                split=row["split"],
                kind=row["kind"],
                accept=frozenset(Verdict(v) for v in row["accept"].split("|")),
                nuclides=tuple(n for n in row["nuclides"].split("|") if n),
                store=row["store"],
                file=row["file"],
                member=row["member"],
                source=row["source"],
                what=row["what"],
                part=row["part"],
            )
            for row in csv.DictReader(fh)
        ]


def thin(spectrum: Spectrum, p: float, rng: np.random.Generator) -> Spectrum:
    """Binomial thinning of a measured spectrum: each recorded count kept with probability ``p``, live
    and real time scaled by ``p`` (the same sample measured p times as long; rates kept). Used by
    ``bench/radiation.py --thinned`` and the thinned-spectra tests; no simulator, no nuclide library."""
    counts = rng.binomial(spectrum.counts, p).astype(np.int64)
    real = None if spectrum.real_time_s is None else spectrum.real_time_s * p
    return dataclasses.replace(
        spectrum,
        counts=counts,
        live_time_s=spectrum.live_time_s * p,
        real_time_s=real,
        spectrum_id=f"{spectrum.spectrum_id}~thin{p:.3g}",
        meta=dict(spectrum.meta),
    )


def turn_on(spectrum: Spectrum, threshold_kev: float, rng: np.random.Generator, width_kev: float = 4.0) -> Spectrum:
    """A smooth discriminator turn-on applied to a measured spectrum: each recorded count at energy E
    kept with probability 1 / (1 + exp(-(E - T) / w)) (binomial), live time unchanged. Mimics a unit
    of another model or setting whose threshold sits higher (RadiaCode-101 files begin at 26-33 keV).
    Used by the turn-on tests and the hump survey; no simulator, no nuclide library."""
    keep = 1.0 / (1.0 + np.exp(-(spectrum.centers_kev() - threshold_kev) / width_kev))
    counts = rng.binomial(spectrum.counts, keep).astype(np.int64)
    return dataclasses.replace(
        spectrum,
        counts=counts,
        spectrum_id=f"{spectrum.spectrum_id}~turnon{threshold_kev:g}",
        meta=dict(spectrum.meta),
    )


def turn_on_case(case: RealCase, spectrum: Spectrum, threshold_kev: float) -> Spectrum:
    """:func:`turn_on` of a case's spectrum with the generator the turn-on tests and bench share: seeded by
    crc32("case_id:T"), so each case and threshold draws the same counts wherever it is derived."""
    rng = np.random.default_rng(zlib.crc32(f"{case.case_id}:{threshold_kev:g}".encode()))
    return turn_on(spectrum, threshold_kev, rng)


def miscalibrate(spectrum: Spectrum, gain: float = 1.0, offset_kev: float = 0.0, quadratic: float = 0.0) -> Spectrum:
    """The spectrum with a wrong stored energy calibration, its counts untouched: the stored
    E(ch) = c0 + c1 ch + c2 ch^2 + ... is re-labelled E'(ch) = gain x E(ch) + offset_kev + quadratic x c2 x ch^2
    (``quadratic`` a relative error of the stored quadratic term). What a unit whose calibration is
    off does: every line is recorded in the same channels and read at the wrong energy. Used by
    ``bench/radiation.py --miscal`` and its tests; no simulator, no nuclide library."""
    if spectrum.calibration is None:
        raise ValueError(f"{spectrum.spectrum_id} has no energy calibration to perturb")
    coefficients = [gain * c for c in spectrum.calibration.coefficients]
    while len(coefficients) < 3:
        coefficients.append(0.0)
    coefficients[0] += offset_kev
    if len(spectrum.calibration.coefficients) > 2:
        coefficients[2] += quadratic * spectrum.calibration.coefficients[2]
    tag = f"~cal(g{gain:g},o{offset_kev:+g},q{quadratic:+g})"
    return dataclasses.replace(
        spectrum,
        calibration=EnergyCalibration(tuple(coefficients)),
        spectrum_id=f"{spectrum.spectrum_id}{tag}",
        meta=dict(spectrum.meta),
    )


# (label, gain, offset keV, relative quadratic-term error); the quadratic one on files storing a quadratic term only
MISCAL_PERTURBATIONS: tuple[tuple[str, float, float, float], ...] = (
    ("gain x0.97", 0.97, 0.0, 0.0),
    ("gain x0.985", 0.985, 0.0, 0.0),
    ("gain x1.015", 1.015, 0.0, 0.0),
    ("gain x1.03", 1.03, 0.0, 0.0),
    ("offset -12 keV", 1.0, -12.0, 0.0),
    ("offset -6 keV", 1.0, -6.0, 0.0),
    ("offset +6 keV", 1.0, 6.0, 0.0),
    ("offset +12 keV", 1.0, 12.0, 0.0),
    ("quadratic x0.95", 1.0, 0.0, -0.05),
    ("quadratic x1.05", 1.0, 0.0, 0.05),
)


def has_quadratic(spectrum: Spectrum) -> bool:
    """The stored calibration has a non-zero quadratic term (RadiaCode files do)."""
    cal = spectrum.calibration
    return cal is not None and len(cal.coefficients) > 2 and cal.coefficients[2] != 0.0


REBIN_CHANNELS = (512, 256)  # what a 1024-channel RadiaCode-102/103/110 spectrum becomes; RadiaCode-101 exports 256


def merge_channels(spectrum: Spectrum, factor: int) -> Spectrum:
    """The spectrum re-binned exactly by summing each ``factor`` adjacent channels, as a unit or export with
    fewer channels records it: new channel k holds the counts of old channels [factor k, factor (k + 1)), live
    and real time unchanged. Channel i covers [E(i), E(i + 1)) (``EnergyCalibration.edges``), so new channel k
    covers [E(factor k), E(factor (k + 1))): the calibration E'(k) = E(factor k), i.e. each coefficient c_j
    times factor^j, puts every new edge exactly on every factor-th old edge. The channel count must be a
    multiple of ``factor``. Used by ``bench/radiation.py --rebinned`` and its tests; no simulator."""
    if factor < 1 or spectrum.n_channels % factor:
        raise ValueError(f"{spectrum.spectrum_id}: {spectrum.n_channels} channels do not merge by {factor}")
    counts = spectrum.counts.reshape(-1, factor).sum(axis=1).astype(np.int64)
    calibration = None
    if spectrum.calibration is not None:
        calibration = EnergyCalibration(
            tuple(float(c) * float(factor) ** j for j, c in enumerate(spectrum.calibration.coefficients))
        )
    return dataclasses.replace(
        spectrum,
        counts=counts,
        calibration=calibration,
        spectrum_id=f"{spectrum.spectrum_id}~{counts.size}ch",
        meta=dict(spectrum.meta),
    )


BROADEN_FACTORS = (1.15, 1.3)  # width factors k of --broadened: real units read 0.73-1.31 x the model (--resolution)
BROADEN_SEEDS = 2
BROADEN_REACH = 10.0  # a count is relocated within +-10 extra sd (the Gaussian beyond: < 1e-22)
SIGMA_PER_FWHM = 1.0 / (2.0 * math.sqrt(2.0 * math.log(2.0)))


def _uniform_gaussian_cdf(t: npt.NDArray[np.float64], lo: float, hi: float, sd: float) -> npt.NDArray[np.float64]:
    """P(X + D < t) for X uniform on [lo, hi) and D ~ N(0, sd^2): (1 / (hi - lo)) x the integral of
    Phi((t - x) / sd) over x in [lo, hi) = sd / (hi - lo) x [psi((t - lo) / sd) - psi((t - hi) / sd)], where
    psi(u) = u Phi(u) + phi(u) is an antiderivative of the standard normal cdf Phi."""
    from scipy.special import ndtr

    def psi(u: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(u * ndtr(u) + np.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi), dtype=np.float64)

    return np.clip(sd / (hi - lo) * (psi((t - lo) / sd) - psi((t - hi) / sd)), 0.0, 1.0)


def broaden(spectrum: Spectrum, k: float, rng: np.random.Generator, model: DetectorModel | None = None) -> Spectrum:
    """The measured spectrum as a unit whose resolution is ``k`` times worse would record it: every recorded count
    relocated by an independent Gaussian displacement and the counts re-binned onto the same channels (integer
    counts, live and real time kept; nothing simulated, no nuclide library). A count of channel i is taken
    uniform within its channel's energies [E(i), E(i + 1)) of the stored calibration, and displaced with sd
    sigma_extra = sigma_model(E_i) x sqrt(k^2 - 1), E_i the channel's centre and sigma_model = FWHM / 2.3548 of
    the detector model (``model``, else the spectrum's own, :func:`~tripline.radiation.identify.guess_detector`):
    the unit's own width is taken as the model's, so a line of width sigma_model leaves at k x sigma_model (a
    unit narrower or wider than the model leaves at sqrt(own^2 + (k^2 - 1) sigma_model^2), not exactly k x its
    own). Counts displaced beyond the first or last channel edge are dropped (a real unit records nothing there
    either), so the total falls by what spills over the ends. Drawn per channel: its counts go multinomially
    over the channels within ``BROADEN_REACH`` extra sd, with the exact probabilities of a uniform-in-channel
    count plus a Gaussian displacement (:func:`_uniform_gaussian_cdf`), which is the distribution of relocating
    each count on its own without drawing 10^8 counts one by one. k = 1 returns the spectrum itself; a channel
    centred at or below 0 keV (no model width there) keeps its counts. Used by ``bench/radiation.py
    --broadened`` and its tests."""
    if k < 1.0:
        raise ValueError(f"width factor {k} < 1: a spectrum cannot be sharpened by adding displacements")
    if k == 1.0:
        return spectrum
    if spectrum.calibration is None:
        raise ValueError(f"{spectrum.spectrum_id} has no energy calibration to broaden on")
    from tripline.radiation.identify import guess_detector
    from tripline.radiation.library import detector

    if model is None:
        model = detector(guess_detector(spectrum))
    edges = spectrum.edges_kev()
    if not np.all(np.diff(edges) > 0):
        raise ValueError(f"{spectrum.spectrum_id}: channel energies do not increase")
    centers = 0.5 * (edges[:-1] + edges[1:])
    extra = math.sqrt(k * k - 1.0) * SIGMA_PER_FWHM
    out = np.zeros(spectrum.n_channels, dtype=np.int64)
    for i in np.flatnonzero(spectrum.counts):
        n = int(spectrum.counts[i])
        if centers[i] <= 0.0:
            out[i] += n
            continue
        sd = extra * model.fwhm_kev(float(centers[i]))
        lo, hi = float(edges[i]), float(edges[i + 1])
        first = max(int(np.searchsorted(edges, lo - BROADEN_REACH * sd, side="right")) - 1, 0)
        last = min(int(np.searchsorted(edges, hi + BROADEN_REACH * sd, side="left")), spectrum.n_channels)
        cdf = _uniform_gaussian_cdf(edges[first : last + 1], lo, hi, sd)
        inside = np.clip(np.diff(cdf), 0.0, None)
        spilled = max(1.0 - float(inside.sum()), 0.0)
        p = np.append(inside, spilled)
        out[first:last] += rng.multinomial(n, p / p.sum())[:-1]
    return dataclasses.replace(
        spectrum, counts=out, spectrum_id=f"{spectrum.spectrum_id}~broad{k:g}", meta=dict(spectrum.meta)
    )


def broadened_case(
    case: RealCase, spectrum: Spectrum, k: float, seed: int, role: str, model: DetectorModel | None = None
) -> Spectrum:
    """:func:`broaden` with the generator the broadening tests and bench share: seeded by
    crc32("case_id:role:k:seed"), ``role`` "fg" or "bg", so a spectrum and its background draw independently."""
    rng = np.random.default_rng(zlib.crc32(f"{case.case_id}:{role}:{k:g}:{seed}".encode()))
    return broaden(spectrum, k, rng, model)


def rebin(counts: npt.ArrayLike, edges: npt.ArrayLike, new_edges: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Counts of channels with energy ``edges`` (keV, n+1 increasing) spread onto channels ``new_edges``,
    each channel's counts shared out in proportion to the overlap of its energy interval with each new
    channel (counts uniform within a channel). Every count whose channel lies inside the new grid is kept,
    so the total is preserved there; counts beyond the new grid's ends are dropped."""
    c = np.asarray(counts, dtype=float)
    e = np.asarray(edges, dtype=float)
    ne = np.asarray(new_edges, dtype=float)
    # cumulative counts as a piecewise-linear function of energy, read at the new edges
    cumulative = np.concatenate(([0.0], np.cumsum(c)))
    at = np.interp(ne, e, cumulative, left=0.0, right=float(cumulative[-1]))
    return np.diff(at)


def rebin_counts(
    counts: npt.ArrayLike, edges: npt.ArrayLike, new_edges: npt.ArrayLike, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """Integer counts of :func:`rebin`: each channel's counts drawn multinomially over the new channels it
    overlaps (probabilities its overlap fractions), so the expectation is :func:`rebin` and every count
    that falls inside the new grid lands in exactly one new channel (totals preserved, no rounding)."""
    c = np.asarray(counts, dtype=np.int64)
    e = np.asarray(edges, dtype=float)
    ne = np.asarray(new_edges, dtype=float)
    out = np.zeros(ne.size - 1, dtype=np.int64)
    for i in np.flatnonzero(c):
        lo, hi = e[i], e[i + 1]
        share = np.clip(np.minimum(ne[1:], hi) - np.maximum(ne[:-1], lo), 0.0, None) / (hi - lo)
        inside = float(share.sum())
        if inside <= 0.0:
            continue
        n = int(rng.binomial(int(c[i]), min(inside, 1.0))) if inside < 1.0 - 1e-12 else int(c[i])
        out += rng.multinomial(n, share / inside)
    return out


def net_counts(spectrum: Spectrum, background: Spectrum | None) -> float:
    """Counts of ``spectrum`` above its own paired background (live-time scaled), or its gross counts
    when it has none (most source files: the source's own ambient background then rides along)."""
    gross = float(spectrum.counts.sum())
    if background is None:
        return gross
    return gross - float(background.counts.sum()) * spectrum.live_time_s / background.live_time_s


def family(spectrum: Spectrum) -> str:
    """Detector family for pairing a source with a host: RadiaCode and other CsI together, HPGe, NaI."""
    from tripline.radiation.identify import guess_detector

    name = guess_detector(spectrum)
    return "csi" if name in ("radiacode", "csi") else name


# Lines by which a labelled source file is put on true energies before it is injected (keV, NNDC NuDat 3 / ENSDF as
# stored in tripline/radiation/nuclides.yaml; Na-22's 511.0 keV is annihilation): the strong, isolated lines of each
# man-made nuclide of tests/data/radiation_real.csv. Nuclides not listed (Pu-239; unlabelled trinitite, pottery)
# leave their file on its stored scale.
ALIGN_LINES_KEV: dict[str, tuple[float, ...]] = {
    "Cs-137": (661.657,),
    "Co-60": (1173.228, 1332.492),
    "Tc-99m": (140.511,),
    "Eu-152": (121.7817, 344.2785, 778.9045, 1408.013),
    "Ba-133": (80.9979, 356.0129),
    "Na-22": (511.0, 1274.537),
    "Am-241": (59.5409,),
}
ALIGN_SEARCH = 0.10  # a line is looked for within +-10 % of its energy on the stored scale
ALIGN_FIT_FWHM = 1.5  # the local fit spans +-1.5 model FWHM beyond the lines' expected places
ALIGN_MIN_SIGMA = 10.0  # fitted peak area over its standard error
ALIGN_WIDTH_RANGE = (0.4, 2.5)  # fitted FWHM over the detector model's FWHM at that energy
ALIGN_MIN_SPAN_KEV = 250.0  # an offset as well as a gain only when the lines found span this much
ALIGN_CENTROID_FLOOR = 0.002  # centroid error floor (fraction of the energy) in the gain/offset fit
ALIGN_MAX_GAIN_ERROR = 0.10
ALIGN_MAX_OFFSET_KEV = 30.0


@dataclass(frozen=True)
class Alignment:
    """Stored energy = offset_kev + factor x true energy, from the lines ``found`` ((true keV, centroid keV))."""

    factor: float = 1.0
    offset_kev: float = 0.0
    found: tuple[tuple[float, float], ...] = ()
    note: str = ""
    curvature: float = 0.0  # per keV: stored = offset_kev + factor x true + curvature x true^2

    def true_edges(self, spectrum: Spectrum) -> npt.NDArray[np.float64]:
        """The spectrum's channel edges on true energies."""
        from tripline.radiation.calibrate import CalibrationCorrection

        scale = CalibrationCorrection(self.factor, (), offset_kev=self.offset_kev, curvature=self.curvature)
        return scale.true_kev(spectrum.edges_kev())


def _gaussians(
    energies: npt.NDArray[np.float64], sds: npt.NDArray[np.float64], mid: float
) -> Callable[..., npt.NDArray[np.float64]]:
    """f(x, g, k, b0, b1, a1, ...): Gaussians of heights a_n at g x energies_n, sd k x sds_n, on b0 + b1 (x - mid)."""

    def shape(x: npt.NDArray[np.float64], *p: float) -> npt.NDArray[np.float64]:
        g, k, b0, b1 = p[:4]
        out = b0 + b1 * (x - mid)
        for n, amplitude in enumerate(p[4:]):
            out = out + amplitude * np.exp(-0.5 * ((x - g * energies[n]) / (k * sds[n])) ** 2)
        return np.asarray(out, dtype=np.float64)

    return shape


def line_centroids(spectrum: Spectrum, energies: tuple[float, ...]) -> list[tuple[float, float, float]]:
    """(true keV, centroid keV on the stored scale, centroid sd keV) of each line of ``energies`` found in the
    spectrum. Lines closer than twice ``ALIGN_FIT_FWHM`` detector-model resolutions (Co-60 1173/1332 keV on a
    small CsI) are fitted together. Each group: a start gain g0 within ``ALIGN_SEARCH`` maximising the net counts
    (SNIP continuum removed) read at g0 x E; then Gaussians at g x E (common gain g, widths k x the model's FWHM,
    free areas) on a straight background, fitted with Poisson weights within ``ALIGN_FIT_FWHM`` resolutions of
    the group's ends. A line is kept when its area stands at ``ALIGN_MIN_SIGMA`` and the fitted width within
    ``ALIGN_WIDTH_RANGE`` of the model's; its centroid is g x E."""
    from scipy.optimize import OptimizeWarning, curve_fit

    from tripline.radiation.identify import guess_detector
    from tripline.radiation.library import detector
    from tripline.radiation.spectral import fwhm_channels, snip_continuum

    if spectrum.calibration is None or not energies:
        return []
    model = detector(guess_detector(spectrum))
    edges = spectrum.edges_kev()
    centers = 0.5 * (edges[:-1] + edges[1:])
    widths = np.diff(edges)
    counts = spectrum.counts.astype(np.float64)
    net = counts - snip_continuum(counts, fwhm_channels(model, centers, widths))
    groups: list[list[float]] = []
    for energy in sorted(energies):
        if groups and energy - groups[-1][-1] < 2 * ALIGN_FIT_FWHM * model.fwhm_kev(energy):
            groups[-1].append(energy)
        else:
            groups.append([energy])
    found: list[tuple[float, float, float]] = []
    for group in groups:
        e = np.array(group)
        if e[0] * (1 - ALIGN_SEARCH) < centers[0] or e[-1] * (1 + ALIGN_SEARCH) > centers[-1]:
            continue
        grid = np.linspace(1 - ALIGN_SEARCH, 1 + ALIGN_SEARCH, 201)
        score = [float(np.interp(g * e, centers, net).sum()) for g in grid]
        g0 = float(grid[int(np.argmax(score))])
        sd0 = np.array([model.fwhm_kev(g0 * x) for x in e]) / 2.3548
        lo = g0 * e[0] - ALIGN_FIT_FWHM * 2.3548 * sd0[0]
        hi = g0 * e[-1] + ALIGN_FIT_FWHM * 2.3548 * sd0[-1]
        fit = np.flatnonzero((centers >= lo) & (centers <= hi))
        if fit.size < 4 + 2 * e.size:
            continue
        x, y, mid = centers[fit], counts[fit], 0.5 * (lo + hi)

        shape = _gaussians(e, sd0, mid)
        heights = [max(float(np.interp(g0 * x_, centers, net)), 1.0) for x_ in e]
        start = [g0, 1.0, float(min(y[0], y[-1])), 0.0, *heights]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", OptimizeWarning)  # no covariance: no line to speak of
                p, cov = curve_fit(
                    shape, x, y, p0=start, sigma=np.sqrt(np.maximum(y, 1.0)), absolute_sigma=True, maxfev=8000
                )
        except (RuntimeError, ValueError, OptimizeWarning):
            continue
        if not np.all(np.isfinite(cov)):
            continue
        g, k = float(p[0]), abs(float(p[1]))
        if not (ALIGN_WIDTH_RANGE[0] <= k <= ALIGN_WIDTH_RANGE[1] and abs(g - 1.0) <= ALIGN_SEARCH and lo < g * e[0]):
            continue
        g_sd = float(np.sqrt(cov[0, 0]))
        for n, energy in enumerate(group):
            amplitude, amplitude_sd = float(p[4 + n]), float(np.sqrt(cov[4 + n, 4 + n]))
            if amplitude > 0 and amplitude >= ALIGN_MIN_SIGMA * amplitude_sd:
                found.append((energy, g * energy, g_sd * energy))
    return found


def fit_alignment(points: list[tuple[float, float, float]]) -> Alignment:
    """Stored = offset + factor x true through (true keV, centroid keV, centroid sd keV): a weighted straight line
    when at least two lines span ``ALIGN_MIN_SPAN_KEV``, else a weighted gain through zero; the identity when no
    line or the result is out of range (gain off by more than ``ALIGN_MAX_GAIN_ERROR``, offset beyond
    ``ALIGN_MAX_OFFSET_KEV``)."""
    if not points:
        return Alignment(note="no line of the labelled nuclide found")
    true = np.array([p[0] for p in points])
    measured = np.array([p[1] for p in points])
    sd = np.array([max(p[2], ALIGN_CENTROID_FLOOR * p[0]) for p in points])
    found = tuple((float(t), float(m)) for t, m in zip(true, measured, strict=True))
    if true.size >= 2 and float(true.max() - true.min()) >= ALIGN_MIN_SPAN_KEV:
        design = np.column_stack([np.ones_like(true), true]) / sd[:, None]
        solution, *_ = np.linalg.lstsq(design, measured / sd, rcond=None)
        offset, factor = float(solution[0]), float(solution[1])
    else:
        weights = (true / sd) ** 2
        offset, factor = 0.0, float(((measured / true) * weights).sum() / weights.sum())
    if abs(factor - 1.0) > ALIGN_MAX_GAIN_ERROR or abs(offset) > ALIGN_MAX_OFFSET_KEV:
        return Alignment(found=found, note=f"out of range (gain {factor:.4f}, offset {offset:+.1f} keV): not applied")
    return Alignment(factor, offset, found)


def source_alignment(source: Spectrum, nuclides: tuple[str, ...]) -> Alignment:
    """The source file's stored scale against its own labelled nuclides' lines (``ALIGN_LINES_KEV``)."""
    return fit_alignment(line_centroids(source, tuple({e for n in nuclides for e in ALIGN_LINES_KEV.get(n, ())})))


def host_alignment(host: Spectrum) -> Alignment:
    """The host file's stored scale against its own natural lines: the engine's own estimate
    (:func:`tripline.radiation.calibrate.calibration_correction`, measured = offset + factor x true)."""
    from tripline.radiation.calibrate import calibration_correction
    from tripline.radiation.identify import guess_detector
    from tripline.radiation.library import detector

    found = calibration_correction(host, detector(guess_detector(host)))
    return Alignment(
        found.factor, found.offset_kev, tuple((e, float("nan")) for e in found.used), curvature=found.curvature
    )


def inject(
    host: Spectrum,
    source: Spectrum,
    fraction: float,
    rng: np.random.Generator,
    source_background: Spectrum | None = None,
    source_nuclides: tuple[str, ...] | None = None,
) -> Spectrum | None:
    """A real source spectrum hidden in a real host (NORM or background) spectrum: the source binomially
    thinned (:func:`thin`'s draw) so that its net counts (:func:`net_counts`) are ``fraction`` of the host's
    counts, mapped onto the host's energy grid by energy (:func:`rebin_counts`) and added to the host's
    counts; the host's live time kept. None when the source has too few counts for that fraction (a
    source cannot be thinned up). Used by ``bench/radiation.py --masked`` and the masking tests.

    With ``source_nuclides`` (aligned, as one detector measuring source and host would record them) the source's
    channels are put on true energies by its own labelled nuclides' lines (:func:`source_alignment`) and the host's
    channels likewise by its own natural lines (:func:`host_alignment`) before the rebinning, so every injected
    count lands in the channel the host detector assigns to its true energy; the host's stored calibration is
    kept. Without (raw, ``--masked-raw``) both files' stored scales are taken as true."""
    if host.calibration is None or source.calibration is None:
        return None
    net = net_counts(source, source_background)
    if net <= 0:
        return None
    p = fraction * float(host.counts.sum()) / net
    if p > 1.0:
        return None
    kept = rng.binomial(source.counts, p)
    if source_nuclides is None:
        source_edges, host_edges = source.edges_kev(), host.edges_kev()
    else:
        source_edges = source_alignment(source, source_nuclides).true_edges(source)
        host_edges = host_alignment(host).true_edges(host)
    added = rebin_counts(kept, source_edges, host_edges, rng)
    return dataclasses.replace(
        host,
        counts=host.counts + added,
        spectrum_id=f"{host.spectrum_id}+{source.spectrum_id}@{fraction:g}",
        meta=dict(host.meta),
    )


def masked_case(
    host_case: RealCase, host: Spectrum, source_case: RealCase, fraction: float, raw: bool = False
) -> Spectrum | None:
    """:func:`inject` of a source case's first spectrum into a host spectrum with the generator the masking
    tests and bench share: seeded by crc32("host_id:source_id:fraction"). Aligned on true energies by the
    source case's labelled nuclides unless ``raw`` (both stored scales taken as true, ``--masked-raw``)."""
    source, source_bg = source_case.spectra()[0]
    rng = np.random.default_rng(zlib.crc32(f"{host_case.case_id}:{source_case.case_id}:{fraction:g}".encode()))
    return inject(host, source, fraction, rng, source_bg, None if raw else tuple(source_case.nuclides))


def masked_host(host_case: RealCase, source_case: RealCase, fraction: float) -> tuple[Spectrum, Spectrum | None]:
    """(host's first spectrum with the source case injected by :func:`masked_case`, the host's own background
    or None): the masking tests' case; a source too weak for the fraction is an error in the test's table."""
    host, background = host_case.spectra()[0]
    mixed = masked_case(host_case, host, source_case, fraction)
    if mixed is None:
        raise ValueError(f"{source_case.case_id} is too weak to make {fraction:g} of {host_case.case_id}")
    return mixed, background


# Analytic continua without a photopeak (``continuum_shape``), added to real hosts by ``add_continuum`` for
# ``bench/radiation.py --continuum`` and the continuum-guard tests. Synthetic shapes: a regression and safety
# check of the guard (tripline.radiation.continuum), never evidence of how a real source looks.
Y90_ENDPOINT_KEV = 2280.1  # NNDC: Y-90 beta-minus endpoint (Sr-90's own, 546 keV, gives little bremsstrahlung)
CS137_KEV = 661.657  # NNDC
CO60_KEV = (1173.228, 1332.492)  # NNDC
ELECTRON_MASS_KEV = 510.999
CONTINUUM_KINDS = ("bremsstrahlung Y-90", "shielded Cs-137", "shielded Co-60")


def _y90_bremsstrahlung(k: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Photons per keV of a Y-90 source's thick-target bremsstrahlung: Kramers' spectrum (T - k)/k of an electron
    of kinetic energy T (H. A. Kramers, Phil. Mag. 46 (1923) 836), summed over an allowed beta shape
    p E (Q - T)^2 (no Fermi function) up to the endpoint, then through a few mm of encapsulation/housing
    (transmission exp(-(60 keV/k)^3): photoelectric absorption, half at about 68 keV)."""
    q = Y90_ENDPOINT_KEV
    t = np.linspace(1.0, q, 600)
    e = t + ELECTRON_MASS_KEV
    beta = np.sqrt(e * e - ELECTRON_MASS_KEV**2) * e * (q - t) ** 2
    beta /= beta.sum()
    out = np.array([float((beta * np.clip(t - kk, 0.0, None)).sum()) / kk for kk in k])
    return out * np.exp(-((60.0 / k) ** 3))


def _down_scattered(lines: tuple[float, ...], k: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Photons per keV leaving a thick shield around a source of ``lines``: no unscattered photon (fully
    shielded), once-scattered photons at the Klein-Nishina distribution of the scattered energy, and as many
    twice-scattered (each once-scattered energy scattered again), through the shield's photoelectric cut-off
    (exp(-(100 keV/k)^3), lead-like)."""
    from tripline.radiation.physics import klein_nishina_recoil

    step = float(k[1] - k[0])
    once = np.zeros(k.size)
    for energy in lines:
        once += np.where(k < energy, klein_nishina_recoil(energy, energy - k), 0.0)
    once /= max(once.sum() * step, 1e-30)
    twice = np.zeros(k.size)
    for i, energy in enumerate(k):
        if once[i] > 0:
            part = np.where(k < energy, klein_nishina_recoil(float(energy), energy - k), 0.0)
            total = part.sum() * step
            if total > 0:
                twice += once[i] * step * part / total
    return (once + twice) * np.exp(-((100.0 / k) ** 3))


def continuum_shape(kind: str, detector_name: str, edges: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Counts per channel (summing to 1) of an analytic continuum (``CONTINUUM_KINDS``) as the detector
    model records it: the photon spectrum folded with the model's line response (photopeak and Compton
    continuum at its resolution) on a 5-keV photon grid."""
    from tripline.radiation.library import detector
    from tripline.radiation.physics import line_response

    model = detector(detector_name)
    k = np.arange(20.0, 2400.0, 5.0)
    if kind == "bremsstrahlung Y-90":
        photons = _y90_bremsstrahlung(k)
    elif kind == "shielded Cs-137":
        photons = _down_scattered((CS137_KEV,), k)
    elif kind == "shielded Co-60":
        photons = _down_scattered(CO60_KEV, k)
    else:
        raise ValueError(f"unknown continuum {kind!r}")
    out = np.zeros(edges.size - 1)
    for energy, weight in zip(k, photons, strict=True):
        if weight > 0 and energy < edges[-1]:
            out += weight * line_response(model, edges, float(energy))
    return np.asarray(out / out.sum(), dtype=np.float64)


def add_continuum(
    spectrum: Spectrum, shape: npt.NDArray[np.float64], counts: float, rng: np.random.Generator
) -> Spectrum:
    """``spectrum`` with a Poisson draw of ``counts`` expected counts distributed as ``shape`` added."""
    added = rng.poisson(np.clip(shape, 0.0, None) * counts).astype(np.int64)
    return dataclasses.replace(
        spectrum,
        counts=spectrum.counts + added,
        spectrum_id=f"{spectrum.spectrum_id}+continuum",
        meta=dict(spectrum.meta),
    )
