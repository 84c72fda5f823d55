"""ORTEC integer ``.Spc`` spectra, read natively (becquerel's numba import costs 10-40 s per CLI
call).

The file is a sequence of 128-byte records. Record 1 holds 16-bit little-endian record pointers
(1-based) and sizes: word 0 ``INFTYP`` and word 1 ``FILTYP`` (1 and 1: an integer spectrum
file), word 2 of bytes 8-9 ``ACQIRP`` (acquisition record: ASCII start date and time), bytes
34-35 ``CALRP1`` (energy calibration record), bytes 60-61 ``SPCTRP`` (first spectrum record),
62-63 ``SPCRCN`` (spectrum records), 64-65 ``SPCCHN`` (channels), then real and live time as
32-bit floats at bytes 90 and 94. Counts are 32-bit little-endian integers, 32 per record from
``SPCTRP``. The calibration record holds E = c0 + c1 ch + c2 ch^2 as three 32-bit floats from
byte 20 (the layout becquerel reads; its values are identical on the bundled sample).
"""

from __future__ import annotations

import math
import struct
from datetime import datetime
from pathlib import Path

import numpy as np

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration, Spectrum

RECORD = 128
CAL_OFFSET = 20
MAX_CHANNELS = 65536


def _record(data: bytes, pointer: int, source: str, field: str) -> int:
    """Byte offset of 1-based record ``pointer``; FormatError if outside the file."""
    if pointer < 1 or pointer * RECORD > len(data):
        raise FormatError(f"record pointer {pointer} outside the file", file=source, field=field)
    return (pointer - 1) * RECORD


def parse_spc(data: bytes, *, source: str = "<spc>") -> Spectrum:
    """One spectrum from the bytes of an ORTEC integer SPC file."""
    if len(data) < 2 * RECORD or len(data) % RECORD:
        raise FormatError("not a whole number of 128-byte records (truncated SPC file?)", file=source)
    words = struct.unpack_from("<34H", data, 0)
    if words[0] != 1 or words[1] != 1:
        raise FormatError(
            f"not an ORTEC integer spectrum (INFTYP {words[0]}, FILTYP {words[1]})", file=source, field="INFTYP"
        )
    acq_ptr, cal_ptr, spc_ptr, spc_records, n = words[4], words[17], words[30], words[31], words[32]
    if not 0 < n <= MAX_CHANNELS or spc_records * 32 < n:
        raise FormatError(f"bad channel count {n} in {spc_records} records", file=source, field="SPCCHN")
    start = _record(data, spc_ptr, source, "SPCTRP")
    if start + 4 * n > len(data):
        raise FormatError(f"spectrum of {n} channels runs past the end of the file", file=source, field="counts")
    counts = np.frombuffer(data, dtype="<u4", count=n, offset=start).astype(np.int64)
    real, live = struct.unpack_from("<ff", data, 90)
    if not (math.isfinite(live) and math.isfinite(real) and 0 < live <= real * 1.0001):
        raise FormatError(f"live time {live:g} s not in (0, real time {real:g} s]", file=source, field="live_time")
    calibration = None
    if cal_ptr:
        at = _record(data, cal_ptr, source, "CALRP1") + CAL_OFFSET
        coefficients = struct.unpack_from("<3f", data, at)
        if all(math.isfinite(c) for c in coefficients) and coefficients[1] != 0.0:
            cal = EnergyCalibration(tuple(float(c) for c in coefficients))
            calibration = cal if cal.is_monotonic(n) else None
    return Spectrum(
        counts,
        float(live),
        calibration,
        spectrum_id=Path(source).stem,
        role="foreground",
        real_time_s=float(real),
        source=source,
        start_time=_start(data, acq_ptr),
        meta={"format": "spc", "reader": "tripline"},
    )


def _start(data: bytes, acq_ptr: int) -> datetime | None:
    """Start of acquisition from the ASCII ``DD-MMM-YYC`` date (C = 1 for 20YY) and ``HH:MM:SS``."""
    if acq_ptr < 1 or acq_ptr * RECORD > len(data):
        return None
    at = (acq_ptr - 1) * RECORD
    date = data[at + 16 : at + 28].decode("latin-1").strip("\x00 ")
    time = data[at + 28 : at + 38].decode("latin-1").strip("\x00 ")
    try:
        century = "20" if date[9:10] == "1" else "19"
        return datetime.strptime(f"{date[:7]}{century}{date[7:9]} {time}", "%d-%b-%Y %H:%M:%S")
    except ValueError:
        return None


__all__ = ["parse_spc"]
