"""ORTEC ``.chn`` binary spectra (MAESTRO's integer channel files), read natively.

Layout (ORTEC's CHN description, as restated by public readers: a Python reader unpacking the header
as ``h h h 2s i i 8s 4s h h``, INL's ``SFChnFile.h`` naming the tags -1 (header), -101 (trailer) and
-102 ("applies when energy calibration is quadratic"), xylib's ``ortec_chn.cpp``; no code copied; no
real ``.chn`` file could be read here, see data/radiation/SOURCES.md). Little endian:

- header, 32 bytes: i16 file type ``-1``; i16 MCA number; i16 segment; 2 ASCII characters, the
  start second; i32 real time and i32 live time in 20-ms ticks; 8 ASCII characters, the start date
  ``DDMMMYY*`` (``*`` = ``1`` for years from 2000); 4 ASCII characters, the start time ``HHMM``;
  i16 first channel (channel offset); u16 number of channels;
- the counts: one u32 per channel;
- an optional trailer (512 bytes): i16 tag ``-102`` (energy calibration E = c0 + c1 ch + c2 ch^2,
  three float32 from byte 4) or ``-101`` (older, linear: c0 and c1 only), then FWHM calibration
  floats; the detector description at byte 256 (length byte + up to 63 characters) and the sample
  description at byte 320 (same; both used only to name the detector model). Calibration channels
  count from the channel offset.

Refused with a :class:`~tripline.errors.FormatError` naming the file and field: shorter than the
header, a file type other than -1, fewer than 2 channels, counts cut short, a trailer of fewer than
16 bytes or with another tag, non-finite coefficients or energies that do not increase over the
channels (an all-zero calibration counts as none), a live time of 0 or above the real time. An
unreadable start date/time leaves the start time unknown.
"""

from __future__ import annotations

import math
import struct
from datetime import datetime
from pathlib import Path

import numpy as np

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration, Spectrum
from tripline.radiation.readers import named_detector

HEADER = struct.Struct("<hhh2sii8s4shH")
TICK_S = 0.02
TRAILER_TAGS = {-101: 2, -102: 3}  # tag -> number of energy coefficients


def _start(date: bytes, hhmm: bytes, seconds: bytes) -> datetime | None:
    try:
        text = date.decode("ascii")
        year = int(text[5:7]) + (2000 if text[7] == "1" else 1900)
        moment = datetime.strptime(f"{text[:5]}{year} {hhmm.decode('ascii')}{seconds.decode('ascii')}", "%d%b%Y %H%M%S")
    except (UnicodeDecodeError, ValueError, IndexError):
        return None
    return moment


def _description(trailer: bytes, at: int) -> str:
    if len(trailer) < at + 1:
        return ""
    size = min(trailer[at], 63)
    return trailer[at + 1 : at + 1 + size].decode("latin-1").strip("\x00 ")


def _calibration(trailer: bytes, offset: int, n: int, source: str) -> EnergyCalibration | None:
    if len(trailer) < 16:
        raise FormatError(f"trailer of {len(trailer)} bytes, at least 16 needed", file=source, field="trailer")
    (tag,) = struct.unpack_from("<h", trailer, 0)
    if tag not in TRAILER_TAGS:
        raise FormatError(f"trailer tag {tag}, expected -101 or -102", file=source, field="trailer")
    coefficients = list(struct.unpack_from(f"<{TRAILER_TAGS[tag]}f", trailer, 4))
    if not all(math.isfinite(c) for c in coefficients):
        raise FormatError(f"non-finite energy calibration {coefficients}", file=source, field="calibration")
    if not any(coefficients):
        return None
    if offset:  # the polynomial is in absolute channels; the counts start at the offset
        shifted = np.polynomial.Polynomial(coefficients)(np.polynomial.Polynomial([float(offset), 1.0]))
        coefficients = [float(c) for c in shifted.coef]
        coefficients += [0.0] * (2 - len(coefficients))
    calibration = EnergyCalibration(tuple(float(c) for c in coefficients))
    if not calibration.is_monotonic(n):
        raise FormatError(
            f"energy calibration does not increase over the {n} channels", file=source, field="calibration"
        )
    return calibration


def parse_chn(data: bytes, *, source: str = "<chn>") -> Spectrum:
    """One spectrum from the bytes of an ORTEC ``.chn`` file; FormatError naming file and field if not."""
    if len(data) < HEADER.size:
        raise FormatError(f"{len(data)} bytes, shorter than the 32-byte CHN header", file=source, field="header")
    kind, mca, segment, seconds, real_ticks, live_ticks, date, hhmm, offset, n = HEADER.unpack_from(data, 0)
    if kind != -1:
        raise FormatError(f"file type {kind}, expected -1 (not an ORTEC CHN file)", file=source, field="header")
    if n < 2:
        raise FormatError(f"{n} channels, at least 2 needed", file=source, field="channels")
    end = HEADER.size + 4 * n
    if len(data) < end:
        raise FormatError(
            f"{n} channels need {4 * n} bytes of counts, the file holds {len(data) - HEADER.size}",
            file=source,
            field="counts",
        )
    if live_ticks <= 0:
        raise FormatError(f"live time {live_ticks} ticks is not positive", file=source, field="live_time")
    if real_ticks > 0 and live_ticks > real_ticks:
        raise FormatError(
            f"live time {live_ticks * TICK_S:g} s exceeds real time {real_ticks * TICK_S:g} s",
            file=source,
            field="live_time",
        )
    counts = np.frombuffer(data, dtype="<u4", count=n, offset=HEADER.size).astype(np.int64)
    trailer = data[end:]
    calibration = _calibration(trailer, offset, n, source) if trailer else None
    detector_text = _description(trailer, 256)
    sample_text = _description(trailer, 320)
    name = Path(source.rsplit("!", 1)[-1]).name
    stem = name[:-3] if name.lower().endswith(".gz") else name
    return Spectrum(
        counts,
        live_ticks * TICK_S,
        calibration,
        spectrum_id=Path(stem).stem,
        role="foreground",
        detector=named_detector(f"{detector_text} {sample_text}"),
        real_time_s=real_ticks * TICK_S if real_ticks > 0 else None,
        source=source,
        start_time=_start(date, hhmm, seconds),
        meta={
            "format": "chn",
            "reader": "tripline",
            "mca": mca,
            "segment": segment,
            "channel_offset": offset,
            "detector_description": detector_text,
            "sample_description": sample_text,
        },
    )


__all__ = ["parse_chn"]
