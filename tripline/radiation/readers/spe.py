"""ORTEC ``.Spe`` text spectra, read natively (no becquerel: its numba import costs 10-25 s per
CLI call).

Sections start with ``$NAME:`` on their own line. Used here:

- ``$DATA:`` ``first last`` channel indices, then one count per line (last - first + 1 values);
- ``$MEAS_TIM:`` ``live real`` in seconds;
- ``$MCA_CAL:`` the number of coefficients, then ``c0 c1 [c2 ...] [unit]`` (E = c0 + c1 ch + ...);
  else ``$ENER_FIT:`` ``c0 c1``; all-zero or non-monotonic calibrations count as none
  (ORTEC writes zeros when the spectrum was never calibrated);
- ``$SPEC_ID:`` free text; a detector named there (``CsI``, ``NaI``, ``HPGe``, ``LaBr``) sets
  the detector model;
- ``$DATE_MEA:`` ``mm/dd/yyyy hh:mm:ss``.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import numpy as np

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration, Spectrum
from tripline.radiation.readers import named_detector

MAX_CHANNELS = 1 << 20


def _sections(text: str, source: str) -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    current: list[tuple[int, str]] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("$") and line.endswith(":"):
            current = out.setdefault(line[1:-1].upper(), [])
        elif current is not None:
            current.append((number, line))
    if "DATA" not in out:
        raise FormatError("no $DATA: section (not an ORTEC SPE file)", file=source, field="$DATA")
    return out


def _floats(line: str, *, source: str, number: int, field: str) -> list[float]:
    values = []
    for token in line.split():
        try:
            values.append(float(token))
        except ValueError:
            continue  # a unit such as "keV"
    if not all(math.isfinite(v) for v in values):
        raise FormatError("non-finite number", file=source, line=number, field=field)
    return values


def _calibration(sections: dict[str, list[tuple[int, str]]], n: int, source: str) -> EnergyCalibration | None:
    coefficients: list[float] = []
    if len(sections.get("MCA_CAL", [])) >= 2:
        number, line = sections["MCA_CAL"][1]
        coefficients = _floats(line, source=source, number=number, field="$MCA_CAL")
    elif sections.get("ENER_FIT"):
        number, line = sections["ENER_FIT"][0]
        coefficients = _floats(line, source=source, number=number, field="$ENER_FIT")
    if len(coefficients) < 2 or not any(coefficients[1:]):
        return None
    calibration = EnergyCalibration(tuple(coefficients))
    return calibration if calibration.is_monotonic(n) else None


def parse_spe(data: bytes, *, source: str = "<spe>") -> Spectrum:
    try:
        text = data.decode("latin-1")
    except UnicodeDecodeError as exc:  # pragma: no cover - latin-1 decodes every byte
        raise FormatError("undecodable text", file=source) from exc
    sections = _sections(text, source)
    block = sections["DATA"]
    if not block:
        raise FormatError("$DATA: without its channel range", file=source, field="$DATA")
    number, header = block[0]
    bounds = _floats(header, source=source, number=number, field="$DATA")
    if len(bounds) != 2 or bounds[1] < bounds[0] or bounds[1] - bounds[0] + 1 > MAX_CHANNELS:
        raise FormatError(f"bad channel range {header[:40]!r}", file=source, line=number, field="$DATA")
    n = int(bounds[1] - bounds[0] + 1)
    values: list[float] = []
    for number, line in block[1:]:
        if line:
            values.extend(_floats(line, source=source, number=number, field="$DATA"))
    if len(values) != n:
        raise FormatError(f"$DATA: declares {n} channels but holds {len(values)}", file=source, field="$DATA")
    counts = np.asarray(values, dtype=np.float64)
    if np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise FormatError("channel counts must be non-negative integers", file=source, field="$DATA")
    times = sections.get("MEAS_TIM", [])
    if not times:
        raise FormatError("no $MEAS_TIM: section (live time)", file=source, field="$MEAS_TIM")
    number, line = times[0]
    live_real = _floats(line, source=source, number=number, field="$MEAS_TIM")
    if not live_real or not live_real[0] > 0:
        raise FormatError("live time missing or not positive", file=source, line=number, field="$MEAS_TIM")
    spec_id = " ".join(line for _, line in sections.get("SPEC_ID", []))
    detector = named_detector(spec_id)
    start = None
    if sections.get("DATE_MEA"):
        try:
            start = datetime.strptime(sections["DATE_MEA"][0][1].split(".")[0], "%m/%d/%Y %H:%M:%S")
        except ValueError:
            start = None
    name = Path(source).name
    stem = name[:-3] if name.lower().endswith(".gz") else name
    return Spectrum(
        counts.astype(np.int64),
        float(live_real[0]),
        _calibration(sections, n, source),
        spectrum_id=Path(stem).stem,
        role="foreground",
        detector=detector,
        real_time_s=float(live_real[1]) if len(live_real) > 1 and live_real[1] > 0 else None,
        source=source,
        start_time=start,
        meta={"format": "spe", "reader": "tripline", "spec_id": spec_id[:200]},
    )
