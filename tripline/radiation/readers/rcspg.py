"""RadiaCode spectrograms (``.rcspg``), written by the RadiaCode app and by ``ckuethe/radiacode-tools``.

Layout (learnt from the MIT-licensed ``ckuethe/radiacode-tools``: ``src/radiacode_tools/rc_files.py``,
class ``RcSpectrogram``, and its sample ``tests/K40.rcspg``, a RadiaCode-102 recording written by the
app). UTF-8 text, one record a line, fields separated by tabs:

1. Header: ``Spectrogram: NAME``, ``Time: YYYY-MM-DD HH:MM:SS`` (the phone's local time),
   ``Timestamp: FILETIME`` (UTC, 100-ns ticks since 1601-01-01), ``Accumulation time: SECONDS``,
   ``Channels: N``, ``Device serial: RC-...``, ``Flags: F`` (bit 0 unset: the recording was paused
   and resumed), ``Comment: TEXT``.
2. ``Spectrum:`` then hex bytes (two digits each, space separated) of a little-endian record:
   u32 seconds, three float32 energy-calibration coefficients (E = c0 + c1 ch + c2 ch^2, keV), then
   N u32 counts. It is the device's accumulated spectrum *when the recording started* (since its last
   reset: 1586387 s, about 18 days, in the sample, whose recording lasted 43510 s), not the recording.
3. One line per time slice: ``FILETIME<TAB>SECONDS<TAB>count<TAB>count...``; the counts are what the
   slice added (differences of the device's cumulative spectrum), trailing zero channels omitted.

What a file yields: ONE foreground spectrum with the calibration of the ``Spectrum:`` line, detector
model ``radiacode``, start time from ``Timestamp``:

- with slice lines, the recording: the channel-wise sum of the slices, live time the sum of their
  durations (the ``Spectrum:`` counts are parsed and checked, :attr:`Spectrogram.device_counts`, but
  not added: they are whatever the device saw before the recording);
- without slice lines, the device's accumulated spectrum of the ``Spectrum:`` line, live time its
  seconds, named ``NAME [device spectrum]`` so that it is not taken for a recording.

A complete file ends with a newline (every line the writers print does); one that does not is
refused as cut, since a slice line cut between two counts would still parse.

Anything malformed raises :class:`~tripline.errors.FormatError` naming the file, line and field.
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration, Spectrum

DETECTOR = "radiacode"
MAX_CHANNELS = 1 << 16
HEADER_BYTES = 16  # u32 seconds + 3 float32 coefficients
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
MAX_FILETIME = 2_650_467_743_999_999_999  # 9999-12-31 23:59:59.9999999 UTC
MAX_SLICE_S = 10**9
MAX_COUNT = 2**32 - 1  # u32, as the device counts
_UINT = re.compile(r"[0-9]{1,20}")
_ROW = re.compile(r"[0-9]{1,20}(?:\t[0-9]{1,20})+")
_HEX_BYTE = re.compile(r"[0-9A-Fa-f]{2}")


@dataclass(frozen=True)
class Slice:
    """One time slice: start (UTC), duration in seconds and the counts it added (trailing zeros cut)."""

    start: datetime
    seconds: int
    counts: tuple[int, ...]


@dataclass(frozen=True)
class Spectrogram:
    """Everything an ``.rcspg`` file states, parsed and checked."""

    name: str
    header: dict[str, str]
    channels: int
    accumulation_s: int | None
    started: datetime | None
    serial: str
    calibration: EnergyCalibration
    device_seconds: int
    device_counts: npt.NDArray[np.int64]
    slices: tuple[Slice, ...]

    def slice_sum(self) -> npt.NDArray[np.int64]:
        """Channel-wise sum of the slices' counts (the recording's spectrum)."""
        total = np.zeros(self.channels, dtype=np.int64)
        for s in self.slices:
            total[: len(s.counts)] += np.asarray(s.counts, dtype=np.int64)
        return total

    @property
    def live_time_s(self) -> int:
        return sum(s.seconds for s in self.slices)


def _filetime(value: int) -> datetime:
    return FILETIME_EPOCH + timedelta(microseconds=value // 10)


def _uint(token: str, *, source: str, line: int, field: str, limit: int) -> int:
    if not _UINT.fullmatch(token):
        what = "more than 20 digits" if token.isascii() and token.isdigit() else "not a non-negative integer"
        raise FormatError(f"{what}: {token[:30]!r}", file=source, line=line, field=field)
    value = int(token)
    if value > limit:
        raise FormatError(f"{value} exceeds {limit}", file=source, line=line, field=field)
    return value


def _header(line: str, source: str) -> dict[str, str]:
    if not line.startswith("Spectrogram:"):
        raise FormatError(
            f"first line does not start with 'Spectrogram:' (not a RadiaCode spectrogram): {line[:40]!r}",
            file=source,
            line=1,
            field="Spectrogram",
        )
    fields: dict[str, str] = {}
    parts = line.split("\t")
    for index, part in enumerate(parts):
        key, sep, value = part.partition(":")
        if not sep:
            raise FormatError(f"header field without 'Key:': {part[:40]!r}", file=source, line=1, field="header")
        key = key.strip()
        if key == "Comment":  # free text, last: keep any tabs it holds
            fields[key] = "\t".join([value, *parts[index + 1 :]]).strip()
            break
        fields[key] = value.strip()
    return fields


def _device_record(line: str, channels: int, source: str) -> tuple[int, EnergyCalibration, npt.NDArray[np.int64]]:
    tokens = line[len("Spectrum:") :].split()
    for index, token in enumerate(tokens):
        if not _HEX_BYTE.fullmatch(token):
            raise FormatError(
                f"byte {index} is not two hex digits: {token[:20]!r}", file=source, line=2, field="Spectrum"
            )
    expected = HEADER_BYTES + 4 * channels
    if len(tokens) != expected:
        raise FormatError(
            f"{len(tokens)} bytes, expected {expected} (16 + 4 x Channels {channels})",
            file=source,
            line=2,
            field="Spectrum",
        )
    raw = bytes.fromhex("".join(tokens))
    seconds, c0, c1, c2 = struct.unpack_from("<I3f", raw, 0)
    counts = np.frombuffer(raw, dtype="<u4", count=channels, offset=HEADER_BYTES).astype(np.int64)
    coefficients = (float(c0), float(c1), float(c2))
    if not all(math.isfinite(c) for c in coefficients):
        raise FormatError(
            f"energy calibration coefficients not finite: {coefficients}", file=source, line=2, field="calibration"
        )
    calibration = EnergyCalibration(coefficients)
    if not (c1 > 0 and calibration.is_monotonic(channels)):
        raise FormatError(
            f"energy calibration {coefficients} does not increase over {channels} channels",
            file=source,
            line=2,
            field="calibration",
        )
    return int(seconds), calibration, counts


def _slice(line: str, number: int, channels: int, source: str) -> Slice:
    tokens = line.split("\t")
    if len(tokens) < 2:
        raise FormatError("a slice needs a timestamp and a duration", file=source, line=number, field="slice")
    if len(tokens) - 2 > channels:
        raise FormatError(
            f"{len(tokens) - 2} counts, more than Channels {channels}", file=source, line=number, field="counts"
        )
    if _ROW.fullmatch(line):  # fast path: digits and tabs only, then the limits at once
        values = list(map(int, tokens))
        if values[0] <= MAX_FILETIME and values[1] <= MAX_SLICE_S and max(values[2:], default=0) <= MAX_COUNT:
            return Slice(_filetime(values[0]), values[1], tuple(values[2:]))
    ticks = _uint(tokens[0].strip(), source=source, line=number, field="timestamp", limit=MAX_FILETIME)
    seconds = _uint(tokens[1].strip(), source=source, line=number, field="duration", limit=MAX_SLICE_S)
    counts = tuple(
        _uint(t.strip(), source=source, line=number, field=f"channel {i}", limit=MAX_COUNT)
        for i, t in enumerate(tokens[2:])
    )
    return Slice(_filetime(ticks), seconds, counts)


def read_spectrogram(data: bytes, *, source: str = "<rcspg>") -> Spectrogram:
    """Parse and check every line of an ``.rcspg`` file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormatError(f"not UTF-8 text (byte {exc.start})", file=source, line=line) from None
    if not text.strip():
        raise FormatError("empty file", file=source)
    lines = [raw.rstrip("\r") for raw in text.split("\n")]
    if lines[-1].strip():
        raise FormatError(
            "last line does not end with a newline (file cut short?)", file=source, line=len(lines), field="end"
        )
    while lines and not lines[-1].strip():
        lines.pop()
    header = _header(lines[0], source)
    for key in ("Spectrogram", "Channels"):
        if key not in header:
            raise FormatError(f"header has no '{key}:' field", file=source, line=1, field=key)
    channels = _uint(header["Channels"], source=source, line=1, field="Channels", limit=MAX_CHANNELS)
    if channels < 2:
        raise FormatError(f"Channels is {channels}, need at least 2", file=source, line=1, field="Channels")
    accumulation = None
    if "Accumulation time" in header:
        accumulation = _uint(
            header["Accumulation time"], source=source, line=1, field="Accumulation time", limit=10**10
        )
    started = None
    if header.get("Timestamp"):
        started = _filetime(_uint(header["Timestamp"], source=source, line=1, field="Timestamp", limit=MAX_FILETIME))
    if len(lines) < 2 or not lines[1].startswith("Spectrum:"):
        raise FormatError("second line is not the 'Spectrum:' line", file=source, line=2, field="Spectrum")
    seconds, calibration, device_counts = _device_record(lines[1], channels, source)
    slices = tuple(
        _slice(line, number, channels, source) for number, line in enumerate(lines[2:], start=3) if line.strip()
    )
    return Spectrogram(
        name=header["Spectrogram"],
        header=header,
        channels=channels,
        accumulation_s=accumulation,
        started=started,
        serial=header.get("Device serial", ""),
        calibration=calibration,
        device_seconds=seconds,
        device_counts=device_counts,
        slices=slices,
    )


def parse_rcspg(data: bytes, *, source: str = "<rcspg>") -> list[Spectrum]:
    """The recording of an ``.rcspg`` file as one spectrum (the sum of its time slices), or the
    device spectrum of its ``Spectrum:`` line when it has no slice lines."""
    spg = read_spectrogram(data, source=source)
    name = " ".join(spg.name.split())[:180] or Path(source).stem
    meta = {
        "format": "rcspg",
        "reader": "tripline",
        "serial": spg.serial,
        "slices": len(spg.slices),
        "accumulation_time_s": spg.accumulation_s,
        "device_spectrum_s": spg.device_seconds,
    }
    if spg.slices:
        counts, live, sid = spg.slice_sum(), spg.live_time_s, name
        if live <= 0:
            raise FormatError("the time slices' durations sum to 0 s", file=source, line=3, field="duration")
    else:
        counts, live, sid = spg.device_counts, spg.device_seconds, f"{name} [device spectrum]"
        if live <= 0:
            raise FormatError(
                "no time slices and the device spectrum's duration is 0 s", file=source, line=2, field="Spectrum"
            )
    return [
        Spectrum(
            counts,
            float(live),
            spg.calibration,
            spectrum_id=sid,
            role="foreground",
            detector=DETECTOR,
            source=source,
            start_time=spg.started,
            meta=meta,
        )
    ]


__all__ = ["Slice", "Spectrogram", "parse_rcspg", "read_spectrogram"]
