"""Canberra ``.cnf`` (Genie-2000 CAM) spectra, read natively: becquerel's numba import costs
10-40 s per CLI call, which a portal operator's ``tripline radiation identify`` cannot wait.

Layout (as documented by the open-source xylib project, ``canberra_cnf.cpp``): a table of
48-byte section headers from byte 112; byte 0 of a header is the section kind (0 acquisition,
1 sample, 5 channel data), bytes 10-13 the section's offset (little endian). In the acquisition
section: the number of channels is 256 x the 16-bit word at +48+128+10 (after the ``PHA``
keyword), the times block starts at +48+(word at +36)+1 (start date, real time, live time as
64-bit values; times are the bitwise complement of a count of 100-ns ticks), and the energy
calibration at +48+32+(word at +34) holds four DEC PDP-11 single-precision floats from byte 36
(E = c0 + c1 ch + c2 ch^2 + c3 ch^3). Channel data: 32-bit little-endian counts from +512; the
first two channels may hold the times, and are then zero.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration, Spectrum

HEADER_TABLE_START = 112
HEADER_SIZE = 48
HEADER_TABLE_END = 128 * 1024
# CAM dates count 100-ns ticks from 1858-11-17 (the Smithsonian/VMS epoch)
CAM_EPOCH = datetime(1858, 11, 17, tzinfo=UTC)


def _u(data: bytes, at: int, size: int) -> int:
    return int.from_bytes(data[at : at + size], "little")


def _pdp11(data: bytes, at: int) -> float:
    """A DEC PDP-11 32-bit float (word-swapped VAX F_floating, exponent bias 128)."""
    b0, b1, b2, b3 = data[at : at + 4]
    exponent = ((b1 & 0x7F) << 1) | (b0 >> 7)
    if exponent == 0:
        return 0.0
    mantissa = ((b0 & 0x7F) | 0x80) / 256.0 + b3 / 65536.0 + b2 / 16777216.0
    sign = -1.0 if b1 & 0x80 else 1.0
    return sign * mantissa * 2.0 ** (exponent - 128)


def _duration(data: bytes, at: int) -> float:
    ticks = (~_u(data, at, 8)) & 0xFFFFFFFFFFFFFFFF
    return ticks * 1e-7


def _sections(data: bytes, source: str) -> dict[int, list[int]]:
    offsets: dict[int, list[int]] = {}
    end = min(HEADER_TABLE_END, len(data) - HEADER_SIZE)
    for at in range(HEADER_TABLE_START, end, HEADER_SIZE):
        kind, b1, b2 = data[at], data[at + 1], data[at + 2]
        if (b1 == 0x20 and b2 == 0x01) or b1 == 0 or b2 == 0:
            offset = _u(data, at + 10, 4)
            if 0 < offset < len(data):
                offsets.setdefault(kind, []).append(offset)
        if all(k in offsets for k in (0, 1, 5)):
            break
    for kind, name in ((0, "acquisition"), (5, "channel data")):
        if kind not in offsets:
            raise FormatError(f"no {name} section (not a Canberra CNF file)", file=source, field=name)
    return offsets


def parse_cnf(data: bytes, *, source: str = "<cnf>") -> Spectrum:
    """One spectrum from the bytes of a CNF file; FormatError naming the file and field if not."""
    if len(data) < HEADER_TABLE_START + HEADER_SIZE:
        raise FormatError("file too short for a CNF header", file=source)
    offsets = _sections(data, source)
    acq = offsets[0][0]
    encoding = offsets[0][1] if len(offsets[0]) > 1 else acq
    pha = acq + HEADER_SIZE + 128
    if pha + 12 > len(data) or data[acq : acq + 2] != b"\x00\x20" or data[pha : pha + 3] != b"PHA":
        raise FormatError("acquisition section without its PHA block", file=source, field="acquisition")
    n = 256 * _u(data, pha + 10, 2)
    if not 256 <= n <= 65536:
        raise FormatError(f"unexpected number of channels {n}", file=source, field="channels")
    times = acq + HEADER_SIZE + _u(data, acq + 36, 2) + 1
    if times + 24 > len(data):
        raise FormatError("times block beyond the end of the file", file=source, field="live_time")
    real, live = _duration(data, times + 8), _duration(data, times + 16)
    if not 0 < live <= real:
        raise FormatError(f"live time {live:g} s not in (0, real time {real:g} s]", file=source, field="live_time")
    try:
        start: datetime | None = CAM_EPOCH + timedelta(microseconds=_u(data, times, 8) / 10)
    except OverflowError:
        start = None
    chan = offsets[5][0]
    if data[chan : chan + 2] != b"\x05\x20" or chan + 512 + 4 * n > len(data):
        raise FormatError(f"channel data ({n} channels) missing or truncated", file=source, field="counts")
    counts = np.frombuffer(data, dtype="<u4", count=n, offset=chan + 512).astype(np.int64)
    for i in (0, 1):
        if counts[i] in (int(real), int(live)):
            counts[i] = 0
    return Spectrum(
        counts,
        live,
        _calibration(data, encoding, acq, n),
        spectrum_id=Path(source[:-3] if source.lower().endswith(".gz") else source).stem,
        role="foreground",
        real_time_s=real,
        source=source,
        start_time=start.replace(tzinfo=None) if start is not None else None,
        meta={"format": "cnf", "reader": "tripline"},
    )


def _calibration(data: bytes, encoding: int, acq: int, n: int) -> EnergyCalibration | None:
    shift = _u(data, acq + 34, 2)
    for base in (encoding + HEADER_SIZE + 32 + shift, encoding + HEADER_SIZE + 32):
        if base + 36 + 16 > len(data):
            continue
        coefficients = [_pdp11(data, base + 36 + 4 * i) for i in range(4)]
        if coefficients[1] != 0.0:
            while len(coefficients) > 2 and coefficients[-1] == 0.0:
                coefficients.pop()
            calibration = EnergyCalibration(tuple(coefficients))
            return calibration if calibration.is_monotonic(n) else None
    return None


__all__ = ["parse_cnf"]
