"""CSV spectra of issue 5: one spectrum per row.

Columns ``spectrum_id, role, live_time_s, ecal_c0_keV, ecal_c1_keV_per_ch, ecal_c2_keV_per_ch2,
ch000, ch001, ...``; role is ``foreground`` or ``background`` (paired by spectrum_id); energy
calibration ``E = c0 + c1*ch + c2*ch^2``.

Also the two-column ``energy,counts`` layout many hobbyist tools export (one row per channel, the
channel's energy in keV then its counts), with ``# key,value`` comment lines before the header;
the live time comes from a ``MeasurementTime``, ``LiveTime`` or ``live_time_s`` comment, and the
energy calibration is the quadratic through the energy column (refused unless it reproduces every
row's energy to within ``ENERGY_COLUMN_TOLERANCE_KEV``).
"""

from __future__ import annotations

import csv
import io
import math
import re

import numpy as np

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration, Spectrum
from tripline.radiation.readers import named_detector

HEADER = ("spectrum_id", "role", "live_time_s", "ecal_c0_keV", "ecal_c1_keV_per_ch", "ecal_c2_keV_per_ch2")
ROLES = ("foreground", "background")
_CHANNEL = re.compile(r"^ch(\d+)$")
LIVE_TIME_KEYS = ("measurementtime", "livetime", "live_time_s", "live time", "live_time")
ENERGY_COLUMN_TOLERANCE_KEV = 0.05
_DETECTOR_KEYS = ("name", "device", "detector", "instrument")


def _number(value: str, source: str, line: int, field: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise FormatError(f"not a number: {value[:40]!r}", file=source, line=line, field=field) from exc
    if not math.isfinite(number):
        raise FormatError(f"not a finite number: {value[:40]!r}", file=source, line=line, field=field)
    return number


def parse_csv(data: bytes, *, source: str = "<csv>") -> list[Spectrum]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text (byte {exc.start})", file=source) from exc
    if _is_energy_column_layout(text):
        return [_parse_energy_column(text, source)]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FormatError("empty file: expected a header row", file=source, line=1) from None
    except csv.Error as exc:
        raise FormatError(f"invalid CSV: {exc}", file=source, line=1) from exc
    header = [h.strip() for h in header]
    if tuple(header[: len(HEADER)]) != HEADER:
        raise FormatError(f"header must start with {', '.join(HEADER)}", file=source, line=1, field="header")
    channel_cols = header[len(HEADER) :]
    if len(channel_cols) < 2:
        raise FormatError("at least two channel columns (ch000, ch001) are needed", file=source, line=1)
    for i, name in enumerate(channel_cols):
        m = _CHANNEL.match(name)
        if not m or int(m.group(1)) != i:
            raise FormatError(
                f"channel column {i} must be named ch{i:03d}, got {name!r}", file=source, line=1, field=name
            )
    out: list[Spectrum] = []
    seen: set[tuple[str, str]] = set()
    width = len(header)
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != width:
                raise FormatError(f"expected {width} columns, got {len(row)}", file=source, line=line)
            spectrum_id = row[0].strip()
            role = row[1].strip().lower()
            if not spectrum_id:
                raise FormatError("spectrum_id is empty", file=source, line=line, field="spectrum_id")
            if role not in ROLES:
                raise FormatError(
                    f"role must be foreground or background, got {row[1]!r}", file=source, line=line, field="role"
                )
            if (spectrum_id, role) in seen:
                raise FormatError(
                    f"duplicate {role} for spectrum {spectrum_id!r}", file=source, line=line, field="spectrum_id"
                )
            seen.add((spectrum_id, role))
            live = _number(row[2], source, line, "live_time_s")
            if live <= 0:
                raise FormatError("live time must be positive", file=source, line=line, field="live_time_s")
            coeffs = tuple(_number(row[3 + i], source, line, HEADER[3 + i]) for i in range(3))
            counts = np.empty(len(channel_cols), dtype=np.int64)
            for i, cell in enumerate(row[len(HEADER) :]):
                value = _number(cell, source, line, channel_cols[i])
                if value < 0 or value != int(value) or value > 2**53:
                    raise FormatError(
                        f"counts must be non-negative integers, got {cell[:20]!r}",
                        file=source,
                        line=line,
                        field=channel_cols[i],
                    )
                counts[i] = int(value)
            calibration = EnergyCalibration(coeffs)
            if not calibration.is_monotonic(counts.size):
                raise FormatError(
                    "energy calibration is not increasing over the channels",
                    file=source,
                    line=line,
                    field="ecal_c1_keV_per_ch",
                )
            out.append(Spectrum(counts, live, calibration, spectrum_id=spectrum_id, role=role, source=source))
    except csv.Error as exc:
        raise FormatError(f"invalid CSV: {exc}", file=source, line=reader.line_num) from exc
    if not out:
        raise FormatError("no spectrum rows", file=source, line=2)
    return out


def _is_energy_column_layout(text: str) -> bool:
    """Whether the first line that is neither blank nor a ``#`` comment is an ``energy,counts`` header."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        cells = [c.strip().lower() for c in stripped.split(",")]
        return len(cells) == 2 and cells[0].startswith("energy") and cells[1].startswith("count")
    return False


def _parse_energy_column(text: str, source: str) -> Spectrum:
    metadata: dict[str, tuple[str, int]] = {}
    energies: list[float] = []
    counts: list[int] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, _, text_value = stripped.lstrip("#").partition(",")
            metadata.setdefault(key.strip().lower(), (text_value.strip(), number))
            continue
        if not header_seen:
            header_seen = True
            continue
        cells = stripped.split(",")
        if len(cells) != 2:
            raise FormatError(f"expected 2 columns (energy, counts), got {len(cells)}", file=source, line=number)
        energy = _number(cells[0], source, number, "energy")
        value = _number(cells[1], source, number, "counts")
        if value < 0 or value != int(value) or value > 2**53:
            raise FormatError(
                f"counts must be non-negative integers, got {cells[1].strip()[:20]!r}",
                file=source,
                line=number,
                field="counts",
            )
        if energies and energy <= energies[-1]:
            raise FormatError(
                f"energy {energy:g} keV does not increase over the previous row ({energies[-1]:g} keV)",
                file=source,
                line=number,
                field="energy",
            )
        energies.append(energy)
        counts.append(int(value))
    if len(counts) < 3:
        raise FormatError(f"{len(counts)} channel rows, at least 3 are needed", file=source)
    live = next((metadata[k] for k in LIVE_TIME_KEYS if k in metadata), None)
    if live is None:
        raise FormatError(
            "no live time: expected a '# MeasurementTime,<seconds>' or '# LiveTime,<seconds>' comment line",
            file=source,
            field="live time",
        )
    live_s = _number(live[0], source, live[1], "live time")
    if live_s <= 0:
        raise FormatError("live time must be positive", file=source, line=live[1], field="live time")
    channels = np.arange(len(energies), dtype=np.float64)
    observed = np.asarray(energies, dtype=np.float64)
    coeffs = np.polynomial.polynomial.polyfit(channels, observed, 2)
    residual = np.abs(np.polynomial.polynomial.polyval(channels, coeffs) - observed)
    worst = int(np.argmax(residual))
    if residual[worst] > ENERGY_COLUMN_TOLERANCE_KEV:
        raise FormatError(
            f"the energy column is not a quadratic function of the channel: {residual[worst]:.3g} keV off "
            f"at channel {worst}, more than {ENERGY_COLUMN_TOLERANCE_KEV} keV",
            file=source,
            field="energy",
        )
    calibration = EnergyCalibration(tuple(float(c) for c in coeffs))
    if not calibration.is_monotonic(len(counts)):
        raise FormatError("energy calibration is not increasing over the channels", file=source, field="energy")
    name = metadata.get("spectrumname", ("", 0))[0] or source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    detector = named_detector(" ".join(metadata[k][0] for k in _DETECTOR_KEYS if k in metadata))
    return Spectrum(
        np.asarray(counts, dtype=np.int64), live_s, calibration, spectrum_id=name, detector=detector, source=source
    )


def write_csv(spectra: list[Spectrum]) -> str:
    """CSV text of spectra (same channel count, quadratic calibrations) in the issue's layout."""
    if not spectra:
        raise FormatError("nothing to write")
    n = spectra[0].n_channels
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*HEADER, *[f"ch{i:03d}" for i in range(n)]])
    for s in spectra:
        if s.n_channels != n or s.calibration is None or len(s.calibration.coefficients) > 3:
            raise FormatError("CSV needs equal channel counts and quadratic calibrations", field=s.spectrum_id)
        c = (*s.calibration.coefficients, 0.0, 0.0)[:3]
        writer.writerow(
            [s.spectrum_id, s.role, repr(s.live_time_s), *(repr(float(x)) for x in c), *(str(int(v)) for v in s.counts)]
        )
    return buf.getvalue()
