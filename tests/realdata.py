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
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

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
        """(foreground, in-file background or None) pairs of the case's file."""
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


def inject(
    host: Spectrum,
    source: Spectrum,
    fraction: float,
    rng: np.random.Generator,
    source_background: Spectrum | None = None,
) -> Spectrum | None:
    """A real source spectrum hidden in a real host (NORM or background) spectrum: the source binomially
    thinned (:func:`thin`'s draw) so that its net counts (:func:`net_counts`) are ``fraction`` of the host's
    counts, mapped onto the host's energy grid by energy (:func:`rebin_counts`) and added to the host's
    counts; the host's live time kept. None when the source has too few counts for that fraction (a
    source cannot be thinned up). Used by ``bench/radiation.py --masked`` and the masking tests."""
    if host.calibration is None or source.calibration is None:
        return None
    net = net_counts(source, source_background)
    if net <= 0:
        return None
    p = fraction * float(host.counts.sum()) / net
    if p > 1.0:
        return None
    kept = rng.binomial(source.counts, p)
    added = rebin_counts(kept, source.edges_kev(), host.edges_kev(), rng)
    return dataclasses.replace(
        host,
        counts=host.counts + added,
        spectrum_id=f"{host.spectrum_id}+{source.spectrum_id}@{fraction:g}",
        meta=dict(host.meta),
    )


def masked_case(host_case: RealCase, host: Spectrum, source_case: RealCase, fraction: float) -> Spectrum | None:
    """:func:`inject` of a source case's first spectrum into a host spectrum with the generator the masking
    tests and bench share: seeded by crc32("host_id:source_id:fraction")."""
    source, source_bg = source_case.spectra()[0]
    rng = np.random.default_rng(zlib.crc32(f"{host_case.case_id}:{source_case.case_id}:{fraction:g}".encode()))
    return inject(host, source, fraction, rng, source_bg)
