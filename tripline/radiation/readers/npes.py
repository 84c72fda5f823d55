"""NPES JSON spectra (``.json``): the "Nuclear Physics Energy Spectra" exchange format of the Open
Gamma Project, written by Gamma MCA, the Open Gamma Detector and the Gamma Spectrum Database.

Layout (from the format's own JSON Schemas, MIT-licensed: ``OpenGammaProject/NPES-JSON``,
``schema/npes-1.schema.json`` and ``schema/npes-2.schema.json``; the same files ship with Gamma MCA
as ``assets/npes-{1,2}.schema.json``):

- ``schemaVersion``: ``"NPESv1"`` or ``"NPESv2"``;
- NPESv2: ``data``, a non-empty array of data packages, each ``{deviceData?, sampleInfo?,
  resultData}``; NPESv1: one package whose ``deviceData``, ``sampleInfo``, ``resultData`` sit at
  the top level;
- ``deviceData``: ``deviceName`` (e.g. ``RadiaCode-101``), ``softwareName``;
- ``sampleInfo``: ``name``, ``location``, ``time``, ``weight`` (g), ``volume`` (cm3), ``note``;
- ``resultData``: ``startTime``/``endTime`` (ISO date-time, both or neither) and at least one of
  ``energySpectrum`` and ``backgroundEnergySpectrum``, each ``{numberOfChannels, energyCalibration?
  {polynomialOrder, coefficients (lowest order first, polynomialOrder + 1 of them)},
  validPulseCount?, measurementTime (s, integer >= 1), spectrum (integers >= 0)}``.

What a file yields: per package, the ``energySpectrum`` as a foreground and the
``backgroundEnergySpectrum`` as its background (role ``background``, same ``spectrum_id``, so that
:func:`~tripline.radiation.readers.pair_spectra` pairs them); ``measurementTime`` is the live time
(the format has no separate real time); a detector named in ``deviceName`` sets the model
(``RadiaCode-101``: ``radiacode``). An all-zero calibration counts as none (uncalibrated).

Accepted although odd: ``validPulseCount`` differing from the sum of the counts (kept in ``meta``,
not a reason to refuse: the schema defines it as total minus invalid pulses) and an ``endTime``
before ``startTime`` (the format's own example file has one). Refused with a
:class:`~tripline.errors.FormatError` naming the file, the line for JSON syntax errors and the JSON
path of the field: not UTF-8, not JSON (NaN and Infinity included), an unknown ``schemaVersion``, a
missing or mistyped field, a ``spectrum`` whose length is not ``numberOfChannels``, a count that is
not a non-negative integer, a ``measurementTime`` that is not a positive number, a calibration whose
``coefficients`` do not number ``polynomialOrder + 1``, are not finite, or give energies that do not
increase over the channels, and a ``startTime``/``endTime`` that is not an ISO date-time.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration, Spectrum
from tripline.radiation.readers import named_detector

VERSIONS = ("NPESv1", "NPESv2")
MAX_CHANNELS = 1 << 20
MAX_COUNT = 2**63 - 1
MAX_ORDER = 10


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _load(data: bytes, source: str) -> Any:
    if not data.strip():
        raise FormatError("empty file", file=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text (byte {exc.start})", file=source) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON: {exc.msg} (column {exc.colno})", file=source, line=exc.lineno) from None
    except ValueError as exc:  # NaN/Infinity, or an integer past Python's digit limit
        raise FormatError(f"not valid JSON: {exc}", file=source) from None
    except RecursionError:
        raise FormatError("not valid JSON: nested too deeply", file=source) from None


def _object(value: Any, path: str, source: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """``value`` as a JSON object holding every key of ``required``."""
    if not isinstance(value, dict):
        raise FormatError(f"must be a JSON object, got {type(value).__name__}", file=source, field=path)
    for key in required:
        if key not in value:
            raise FormatError("missing", file=source, field=f"{path}.{key}")
    return value


def _array(value: Any, path: str, source: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise FormatError(f"must be an array of {what}", file=source, field=path)
    return value


def _integer(value: Any, path: str, source: str, *, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(f"must be an integer, got {str(value)[:30]!r}", file=source, field=path)
    if not minimum <= value <= maximum:
        raise FormatError(f"{value} is not in [{minimum}, {maximum}]", file=source, field=path)
    return value


def _text(value: Any, path: str, source: str) -> str:
    if not isinstance(value, str):
        raise FormatError(f"must be a string, got {type(value).__name__}", file=source, field=path)
    return value


def _time(value: Any, path: str, source: str) -> datetime:
    text = _text(value, path, source)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise FormatError(f"not an ISO date-time: {text[:40]!r}", file=source, field=path) from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment


def _calibration(value: Any, path: str, n: int, source: str) -> EnergyCalibration | None:
    cal = _object(value, path, source, ("polynomialOrder", "coefficients"))
    order = _integer(cal["polynomialOrder"], f"{path}.polynomialOrder", source, minimum=1, maximum=MAX_ORDER)
    coefficients = _array(cal["coefficients"], f"{path}.coefficients", source, "numbers")
    if len(coefficients) != order + 1:
        raise FormatError(
            f"polynomialOrder {order} needs {order + 1} coefficients, got {len(coefficients)}",
            file=source,
            field=f"{path}.coefficients",
        )
    values: list[float] = []
    for i, c in enumerate(coefficients):
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c):
            raise FormatError(f"not a finite number: {str(c)[:30]!r}", file=source, field=f"{path}.coefficients[{i}]")
        values.append(float(c))
    if not any(values):
        return None  # never calibrated
    calibration = EnergyCalibration(tuple(values))
    if not calibration.is_monotonic(n):
        raise FormatError(
            f"energies do not increase over the {n} channels (coefficients {values})",
            file=source,
            field=f"{path}.coefficients",
        )
    return calibration


def _spectrum(value: Any, path: str, source: str) -> tuple[np.ndarray, float, EnergyCalibration | None, int | None]:
    spec = _object(value, path, source, ("numberOfChannels", "spectrum", "measurementTime"))
    n = _integer(spec["numberOfChannels"], f"{path}.numberOfChannels", source, minimum=2, maximum=MAX_CHANNELS)
    bins = _array(spec["spectrum"], f"{path}.spectrum", source, "counts")
    if len(bins) != n:
        raise FormatError(
            f"numberOfChannels is {n} but the spectrum holds {len(bins)} counts", file=source, field=f"{path}.spectrum"
        )
    for i, count in enumerate(bins):
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
            raise FormatError(
                f"not a non-negative integer count: {str(count)[:30]!r}", file=source, field=f"{path}.spectrum[{i}]"
            )
    counts = np.asarray(bins, dtype=np.int64)
    live = spec["measurementTime"]
    if isinstance(live, bool) or not isinstance(live, (int, float)) or not (math.isfinite(live) and live > 0):
        raise FormatError(
            f"must be a positive number of seconds, got {str(live)[:30]!r}",
            file=source,
            field=f"{path}.measurementTime",
        )
    calibration = (
        _calibration(spec["energyCalibration"], f"{path}.energyCalibration", n, source)
        if "energyCalibration" in spec
        else None
    )
    pulses = None
    if "validPulseCount" in spec:
        pulses = _integer(spec["validPulseCount"], f"{path}.validPulseCount", source, minimum=0, maximum=MAX_COUNT)
    return counts, float(live), calibration, pulses


def _package(package: dict[str, Any], prefix: str, spectrum_id: str, version: str, source: str) -> list[Spectrum]:
    device = _object(package.get("deviceData", {}), f"{prefix}deviceData", source)
    sample = _object(package.get("sampleInfo", {}), f"{prefix}sampleInfo", source)
    if "resultData" not in package:
        raise FormatError("missing", file=source, field=f"{prefix}resultData")
    result = _object(package["resultData"], f"{prefix}resultData", source)
    device_name = _text(device.get("deviceName", ""), f"{prefix}deviceData.deviceName", source)
    software = _text(device.get("softwareName", ""), f"{prefix}deviceData.softwareName", source)
    sample_name = _text(sample.get("name", ""), f"{prefix}sampleInfo.name", source)
    start = _time(result["startTime"], f"{prefix}resultData.startTime", source) if "startTime" in result else None
    if "endTime" in result:
        _time(result["endTime"], f"{prefix}resultData.endTime", source)
    out: list[Spectrum] = []
    for key, role in (("energySpectrum", "foreground"), ("backgroundEnergySpectrum", "background")):
        if key not in result:
            continue
        path = f"{prefix}resultData.{key}"
        counts, live, calibration, pulses = _spectrum(result[key], path, source)
        out.append(
            Spectrum(
                counts,
                live,
                calibration,
                spectrum_id=spectrum_id,
                role=role,
                detector=named_detector(device_name),
                source=source,
                start_time=start if role == "foreground" else None,
                meta={
                    "format": "npes",
                    "reader": "tripline",
                    "schema": version,
                    "device": device_name[:200],
                    "software": software[:200],
                    "sample": sample_name[:200],
                    "valid_pulse_count": pulses,
                },
            )
        )
    if not out:
        raise FormatError(
            "holds neither energySpectrum nor backgroundEnergySpectrum", file=source, field=f"{prefix}resultData"
        )
    return out


def parse_npes(data: bytes, *, source: str = "<npes>") -> list[Spectrum]:
    """Every spectrum of an NPES JSON file (foregrounds and their backgrounds, package by package)."""
    document = _object(_load(data, source), "$", source)
    version = document.get("schemaVersion")
    if version not in VERSIONS:
        got = "missing" if version is None else repr(str(version)[:30])
        raise FormatError(
            f"schemaVersion {got}: not an NPES JSON file (expected one of {', '.join(VERSIONS)})",
            file=source,
            field="schemaVersion",
        )
    name = Path(source.rsplit("!", 1)[-1]).name
    stem = Path(name[:-3] if name.lower().endswith(".gz") else name).stem
    if version == "NPESv1":
        return _package(document, "", stem, version, source)
    packages = document.get("data")
    if not isinstance(packages, list) or not packages:
        raise FormatError("must be a non-empty array of data packages", file=source, field="data")
    out: list[Spectrum] = []
    for i, package in enumerate(packages):
        spectrum_id = stem if len(packages) == 1 else f"{stem}[{i}]"
        out.extend(_package(_object(package, f"data[{i}]", source), f"data[{i}].", spectrum_id, version, source))
    return out


__all__ = ["parse_npes"]
