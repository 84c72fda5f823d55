"""Vendor formats through ``becquerel`` (LBNL): IEC 1455 and becquerel's HDF5 in normal use (ORTEC
SPE/SPC and Canberra CNF have native readers; this path still reads them as the tests'
reference). ``becquerel`` takes ~10 s to import (numba compiles at import), so it is
imported only here, on first use. Gzipped files are decompressed into a temporary folder
because becquerel dispatches on the file name.

Calibrations: becquerel's calibration is evaluated at the channel edges and refitted as a
polynomial of degree <= 3 (exact for the polynomial calibrations these formats carry); files
without a valid calibration come back uncalibrated.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration, Spectrum
from tripline.radiation.readers import read_bytes


def _becquerel() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import becquerel

    return becquerel


def _calibration(spec: Any, n: int) -> tuple[EnergyCalibration | None, float | None]:
    if not getattr(spec, "is_calibrated", False):
        return None, None
    edges_ch = np.arange(n + 1, dtype=np.float64)
    try:
        edges = np.asarray(spec.energy_cal(edges_ch), dtype=np.float64)
    except Exception:
        return None, None
    if edges.shape != edges_ch.shape or not np.all(np.isfinite(edges)) or not np.all(np.diff(edges) > 0):
        return None, None
    for degree in (1, 2, 3):
        coeffs = np.polynomial.polynomial.polyfit(edges_ch, edges, degree)
        resid = float(np.max(np.abs(np.polynomial.polynomial.polyval(edges_ch, coeffs) - edges)))
        if resid < 1e-3 or degree == 3:
            cal = EnergyCalibration(tuple(float(c) for c in coeffs))
            return (cal if cal.is_monotonic(n) else None), resid
    return None, None  # pragma: no cover


def read_vendor(path: Path) -> Spectrum:
    """One spectrum from a vendor file (optionally ``.gz``)."""
    bq = _becquerel()
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    with tempfile.TemporaryDirectory(prefix="tripline-spec-") as tmp:
        target = Path(tmp) / name
        target.write_bytes(read_bytes(path))
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")  # becquerel prints and warns on every read
                spec = bq.Spectrum.from_file(str(target), verbose=False)
                counts_raw = spec.counts_vals
                live = spec.livetime
                real = spec.realtime
                start = spec.start_time
        except Exception as exc:  # becquerel raises many kinds (struct.error, ValueError, its own)
            reason = str(exc).replace(str(target), name).strip() or type(exc).__name__
            raise FormatError(f"cannot read {path.suffix or 'spectrum'} file: {reason[:200]}", file=path) from exc
    counts_f = np.asarray(counts_raw, dtype=np.float64)
    if counts_f.ndim != 1 or counts_f.size < 2 or not np.all(np.isfinite(counts_f)) or np.any(counts_f < 0):
        raise FormatError("channel data missing or invalid", file=path, field="counts")
    if live is None or not float(live) > 0:
        raise FormatError("live time missing or not positive", file=path, field="live_time")
    n = int(counts_f.size)
    calibration, resid = _calibration(spec, n)
    meta: dict[str, Any] = {"format": Path(name).suffix.lower().lstrip("."), "reader": "becquerel"}
    if resid is not None:
        meta["calibration_fit_residual_keV"] = resid
    return Spectrum(
        np.rint(counts_f).astype(np.int64),
        float(live),
        calibration,
        spectrum_id=Path(name).stem,
        role="foreground",
        real_time_s=float(real) if real else None,
        source=str(path),
        start_time=start,
        meta=meta,
    )
