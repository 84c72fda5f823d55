"""Amptek MCA text spectra (``.mca``), written by Amptek's DppMCA/ADMCA/PMCA software and by hobbyist
MCA programs that copy the layout (Gamma Spectacular and BecqMoni-type tools).

Layout (Amptek's "MCA File Format" description in the DP5/PX5 programmer's documentation, and the
files these programs write): ASCII text, one item a line, sections opened by ``<<NAME>>``:

- ``<<PMCA SPECTRUM>>`` (first line): ``KEY - value`` lines; used here ``TAG``, ``DESCRIPTION``,
  ``LIVE_TIME`` (s, required, > 0), ``REAL_TIME`` (s), ``START_TIME`` (``MM/DD/YYYY HH:MM:SS``);
- ``<<CALIBRATION>>`` (optional): ``LABEL - unit`` then ``channel energy`` pairs (at least two);
  the file does not state a polynomial order, so two points give the line through them and three or
  more the least-squares quadratic (the choice Amptek's software offers); energies in keV unless the
  label is ``eV`` or ``MeV``;
- ``<<DATA>>``: one count per line, channel 0 first, closed by ``<<END>>``;
- further blocks (``<<ROI>>``, ``<<DP5 CONFIGURATION>>`` ... ``<<DP5 CONFIGURATION END>>``,
  ``<<DPP STATUS>>`` ...) are skipped, except that a ``MCAC=N;`` line of the DP5 configuration (the
  number of MCA channels the device was set to) must agree with the number of counts.

Refused with a :class:`~tripline.errors.FormatError` naming file, line and field: an empty or binary
file (NUL bytes), a first line other than ``<<PMCA SPECTRUM>>``, no ``<<DATA>>`` or no ``<<END>>``
after it (cut short), fewer than 2 counts, a count that is not a non-negative integer, a missing,
non-numeric or non-positive ``LIVE_TIME``, a non-numeric ``REAL_TIME``, a calibration point that is
not two finite numbers, fewer than two points, repeated channels, or points whose fit does not
increase over the channels, and an ``MCAC`` that disagrees with the counts. Text is read as UTF-8,
else as Windows-1252 (free-text ``DESCRIPTION`` lines written on Windows); an unparseable
``START_TIME`` leaves the start time unknown (kept in ``meta``).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import Path

import numpy as np

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration, Spectrum
from tripline.radiation.readers import named_detector

MAX_CHANNELS = 1 << 20
MAX_COUNT = 2**63 - 1
_COUNT = re.compile(r"[0-9]{1,19}")
_SECTION = re.compile(r"<<(.+)>>")
_MCAC = re.compile(r"MCAC\s*=\s*([0-9]{1,9})\s*;", re.IGNORECASE)
_UNITS = {"ev": 1e-3, "kev": 1.0, "mev": 1e3}


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise FormatError("empty file", file=source)
    if b"\x00" in data:
        raise FormatError("binary content (NUL bytes), not MCA text", file=source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _number(text: str, *, source: str, line: int, field: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FormatError(f"not a number: {text[:30]!r}", file=source, line=line, field=field) from None
    if not math.isfinite(value):
        raise FormatError(f"not a finite number: {text[:30]!r}", file=source, line=line, field=field)
    return value


def _calibration(points: list[tuple[int, str]], label: str, n: int, source: str, line: int) -> EnergyCalibration:
    channels: list[float] = []
    energies: list[float] = []
    scale = _UNITS.get(label.strip().lower(), 1.0)
    for number, text in points:
        parts = text.split()
        if len(parts) != 2:
            raise FormatError(
                f"calibration point is not 'channel energy': {text[:40]!r}",
                file=source,
                line=number,
                field="CALIBRATION",
            )
        channels.append(_number(parts[0], source=source, line=number, field="CALIBRATION"))
        energies.append(scale * _number(parts[1], source=source, line=number, field="CALIBRATION"))
    if len(channels) < 2:
        raise FormatError(
            f"<<CALIBRATION>> needs at least two channel/energy points, got {len(channels)}",
            file=source,
            line=line,
            field="CALIBRATION",
        )
    if len(set(channels)) != len(channels):
        raise FormatError("the same channel is calibrated twice", file=source, line=line, field="CALIBRATION")
    degree = 1 if len(channels) == 2 else 2
    x, y = np.asarray(channels), np.asarray(energies)
    try:
        coefficients = np.polynomial.polynomial.polyfit(x, y, degree)
    except (np.linalg.LinAlgError, ValueError) as exc:
        raise FormatError(
            f"calibration points cannot be fitted: {exc}", file=source, line=line, field="CALIBRATION"
        ) from None
    if not np.all(np.isfinite(coefficients)):
        raise FormatError("calibration points cannot be fitted", file=source, line=line, field="CALIBRATION")
    calibration = EnergyCalibration(tuple(float(c) for c in coefficients))
    if not calibration.is_monotonic(n):
        raise FormatError(
            f"calibration energies do not increase over the {n} channels", file=source, line=line, field="CALIBRATION"
        )
    return calibration


def parse_mca(data: bytes, *, source: str = "<mca>") -> Spectrum:
    """One spectrum from the bytes of an Amptek ``.mca`` file; FormatError naming file, line, field if not."""
    lines = _decode(data, source).splitlines()
    first = next((i for i, raw in enumerate(lines) if raw.strip()), 0)
    if lines[first].strip().upper() != "<<PMCA SPECTRUM>>":
        raise FormatError(
            f"first line is not <<PMCA SPECTRUM>> (not an Amptek MCA file): {lines[first].strip()[:40]!r}",
            file=source,
            line=first + 1,
            field="PMCA SPECTRUM",
        )
    header: dict[str, tuple[int, str]] = {}
    cal_points: list[tuple[int, str]] = []
    cal_label, cal_line = "keV", 0
    counts: list[int] = []
    data_line = end_line = 0
    mcac: tuple[int, int] | None = None
    section = "PMCA SPECTRUM"
    for index in range(first + 1, len(lines)):
        number, text = index + 1, lines[index].strip()
        match = _SECTION.fullmatch(text)
        if match:
            name = match.group(1).strip().upper()
            if section == "DATA" and name != "END":
                raise FormatError(
                    f"<<DATA>> not closed by <<END>> before <<{name}>>", file=source, line=number, field="DATA"
                )
            if name == "DATA":
                if data_line:
                    raise FormatError("a second <<DATA>> section", file=source, line=number, field="DATA")
                data_line = number
            elif name == "END" and section == "DATA":
                end_line = number
            elif name == "CALIBRATION":
                cal_line = number
            section = name
            continue
        if not text:
            continue
        if section == "PMCA SPECTRUM":
            key, sep, value = text.partition(" - ")
            if not sep and text.endswith(" -"):
                key, value = text[:-2], ""
            header.setdefault(key.strip().upper(), (number, value.strip()))
        elif section == "CALIBRATION":
            if text.upper().startswith("LABEL"):
                cal_label = text.partition("-")[2].strip() or "keV"
            else:
                cal_points.append((number, text))
        elif section == "DATA":
            if not _COUNT.fullmatch(text):
                raise FormatError(
                    f"not a non-negative integer count: {text[:30]!r}", file=source, line=number, field="DATA"
                )
            counts.append(int(text))
            if len(counts) > MAX_CHANNELS:
                raise FormatError(f"more than {MAX_CHANNELS} channels", file=source, line=number, field="DATA")
        elif section == "DP5 CONFIGURATION" and mcac is None:
            found = _MCAC.match(text)
            if found:
                mcac = (number, int(found.group(1)))
    if not data_line:
        raise FormatError("no <<DATA>> section", file=source, field="DATA")
    if not end_line:
        raise FormatError(
            "<<DATA>> not closed by <<END>> (file cut short?)", file=source, line=len(lines), field="DATA"
        )
    n = len(counts)
    if n < 2:
        raise FormatError(f"<<DATA>> holds {n} counts, at least 2 needed", file=source, line=data_line, field="DATA")
    if mcac is not None and mcac[1] != n:
        raise FormatError(
            f"the DP5 configuration sets {mcac[1]} channels but <<DATA>> holds {n} counts",
            file=source,
            line=mcac[0],
            field="MCAC",
        )
    if "LIVE_TIME" not in header:
        raise FormatError("no LIVE_TIME", file=source, field="LIVE_TIME")
    number, text = header["LIVE_TIME"]
    live = _number(text, source=source, line=number, field="LIVE_TIME")
    if live <= 0:
        raise FormatError(f"live time {live:g} s is not positive", file=source, line=number, field="LIVE_TIME")
    real = None
    if "REAL_TIME" in header and header["REAL_TIME"][1]:
        number, text = header["REAL_TIME"]
        real = _number(text, source=source, line=number, field="REAL_TIME")
    start = None
    start_text = header.get("START_TIME", (0, ""))[1]
    for pattern in ("%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            start = datetime.strptime(start_text, pattern)
            break
        except ValueError:
            continue
    calibration = _calibration(cal_points, cal_label, n, source, cal_line) if cal_line else None
    description = " ".join(header.get(k, (0, ""))[1] for k in ("TAG", "DESCRIPTION")).strip()
    name = Path(source.rsplit("!", 1)[-1]).name
    stem = name[:-3] if name.lower().endswith(".gz") else name
    return Spectrum(
        np.asarray(counts, dtype=np.int64),
        live,
        calibration,
        spectrum_id=Path(stem).stem,
        role="foreground",
        detector=named_detector(description),
        real_time_s=real if real is not None and real > 0 else None,
        source=source,
        start_time=start,
        meta={
            "format": "mca",
            "reader": "tripline",
            "tag": header.get("TAG", (0, ""))[1][:200],
            "description": header.get("DESCRIPTION", (0, ""))[1][:200],
            "start_time_text": start_text[:40],
        },
    )


__all__ = ["parse_mca"]
