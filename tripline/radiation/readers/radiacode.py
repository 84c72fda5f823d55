"""RadiaCode XML exports (``ResultDataFile``, the RadiaCode app and Becquerel Monitor format).

Layout (format version 120920)::

    ResultDataFile/ResultDataList/ResultData
        DeviceConfigReference/Name            e.g. RadiaCode-101 (a 10 mm CsI(Tl) cube on a SiPM)
        StartTime, EndTime
        EnergySpectrum                        the foreground
            NumberOfChannels, SpectrumName, SerialNumber
            EnergyCalibration/Coefficients/Coefficient*   E(ch) = c0 + c1 ch + c2 ch^2 (keV)
            MeasurementTime                   seconds
            Spectrum/DataPoint*               counts per channel
        BackgroundEnergySpectrum              optional, same children

Every spectrum is tagged with the detector model ``radiacode`` (detectors.yaml), unless the device
name (``DeviceConfigReference/Name``: Becquerel Monitor files come from other probes too) names
another detector type: NaI, CsI (other than a RadiaCode), LaBr or HPGe. A malformed element raises
:class:`~tripline.errors.FormatError` naming the element.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

import numpy as np

from tripline.errors import FormatError
from tripline.radiation.model import Spectrum
from tripline.radiation.readers import named_detector
from tripline.radiation.readers.n42 import MAX_CHANNELS, _child_text, _children, _local, _numbers, _spectrum, _start

ROOT = "ResultDataFile"
DETECTOR = "radiacode"


def device_detector(name: str | None) -> str:
    """Detector model for a ``DeviceConfigReference/Name``: ``radiacode`` unless it names another type."""
    lowered = (name or "").lower()
    if re.search(r"\brc-?1\d\d", lowered):  # a RadiaCode unit by its model number (RC-102, rc103)
        return DETECTOR
    return named_detector(lowered) or DETECTOR


def _counts(spec: Element, *, source: str, where: str) -> np.ndarray:
    holders = _children(spec, "Spectrum")
    if not holders:
        raise FormatError("no Spectrum element", file=source, field=f"{where}.Spectrum")
    points = _children(holders[0], "DataPoint")
    if len(points) < 2 or len(points) > MAX_CHANNELS:
        raise FormatError(f"{len(points)} DataPoint elements", file=source, field=f"{where}.Spectrum")
    values = _numbers(" ".join((p.text or "").strip() or "x" for p in points), source=source, field=where)
    arr = np.asarray(values, dtype=np.float64)
    if np.any(arr < 0) or np.any(arr != np.round(arr)) or np.any(arr > 2**53):
        raise FormatError("counts must be non-negative integers", file=source, field=f"{where}.DataPoint")
    declared = _child_text(spec, "NumberOfChannels")
    if declared and declared.isdigit() and int(declared) != arr.size:
        raise FormatError(
            f"NumberOfChannels is {declared} but {arr.size} DataPoint elements were found",
            file=source,
            field=f"{where}.NumberOfChannels",
        )
    return arr.astype(np.int64)


def _coefficients(spec: Element, *, source: str, where: str) -> list[float] | None:
    for cal in _children(spec, "EnergyCalibration"):
        for holder in _children(cal, "Coefficients"):
            text = " ".join((c.text or "").strip() for c in _children(holder, "Coefficient"))
            values = _numbers(text, source=source, field=f"{where}.EnergyCalibration")
            return values or None
    return None


def _one(spec: Element, *, role: str, sid: str, start: str | None, source: str, detector: str) -> Spectrum:
    where = _local(spec.tag)
    counts = _counts(spec, source=source, where=where)
    live_text = _child_text(spec, "MeasurementTime")
    try:
        live = float(live_text) if live_text else None
    except ValueError:
        raise FormatError(
            f"MeasurementTime is not a number: {(live_text or '')[:30]!r}", file=source, field=where
        ) from None
    coeffs = _coefficients(spec, source=source, where=where)
    return _spectrum(counts, live, coeffs, sid, role, detector, None, _start(start), source, f"{where}.MeasurementTime")


def parse_radiacode(root: Element, source: str) -> list[Spectrum]:
    """Every foreground (and background) spectrum of a ``ResultDataFile`` document."""
    out: list[Spectrum] = []
    for holder in _children(root, "ResultDataList"):
        for index, data in enumerate(_children(holder, "ResultData")):
            fg = _children(data, "EnergySpectrum")
            if not fg:
                raise FormatError("ResultData without EnergySpectrum", file=source, field="EnergySpectrum")
            name = _child_text(fg[0], "SpectrumName") or f"spectrum-{index + 1}"
            sid = " ".join(name.split())[:200] or f"spectrum-{index + 1}"
            start = _child_text(data, "StartTime")
            device = _children(data, "DeviceConfigReference")
            detector = device_detector(_child_text(device[0], "Name") if device else None)
            out.append(_one(fg[0], role="foreground", sid=sid, start=start, source=source, detector=detector))
            for bg in _children(data, "BackgroundEnergySpectrum"):
                out.append(_one(bg, role="background", sid=sid, start=None, source=source, detector=detector))
    return out
