"""ANSI N42.42 XML (2006 ``N42InstrumentData`` and 2011 ``RadInstrumentData``).

Read: every spectrum with its live/real time, energy calibration (polynomial coefficients),
measurement class (Foreground/Background) and detector kind; ``CountedZeroes`` compression is
expanded. Elements are matched by local name, so any namespace (or none) is accepted.
Parsing goes through ``defusedxml`` (no entity expansion, no external references).
Write: the 2011 form, one ``RadMeasurement`` per spectrum.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from xml.etree.ElementTree import Element, SubElement, tostring

import numpy as np
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration, Spectrum

NS_2011 = "http://physics.nist.gov/N42/2011/N42"
_DURATION = re.compile(
    r"^\s*P(?:(\d+(?:\.\d*)?)D)?(?:T(?:(\d+(?:\.\d*)?)H)?(?:(\d+(?:\.\d*)?)M)?(?:(\d+(?:\.\d*)?)S)?)?\s*$"
)
_KINDS = {
    "nai": "nai",
    "csi": "csi",
    "labr": "labr",
    "labr3": "labr",
    "hpge": "hpge",
    "ge": "hpge",
    "pvt": "plastic",
    "plastic": "plastic",
}
MAX_CHANNELS = 1 << 20
REMARK_ID = "tripline:spectrum_id="


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if _local(c.tag) == name]


def _child_text(el: Element, name: str) -> str | None:
    for c in el:
        if _local(c.tag) == name:
            return (c.text or "").strip()
    return None


def parse_duration(text: str, *, source: str, field: str) -> float:
    """Seconds of an xs:duration such as ``PT59.5S`` or ``PT1M0.5S``."""
    m = _DURATION.match(text)
    if not m or not any(m.groups()):
        raise FormatError(f"not an ISO 8601 duration: {text[:40]!r}", file=source, field=field)
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in m.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _numbers(text: str, *, source: str, field: str) -> list[float]:
    try:
        values = [float(v) for v in text.replace(",", " ").split()]
    except ValueError as exc:
        raise FormatError(f"non-numeric value in {field}", file=source, field=field) from exc
    if not all(math.isfinite(v) for v in values):
        raise FormatError(f"non-finite value in {field}", file=source, field=field)
    return values


def _channel_data(el: Element, *, source: str) -> np.ndarray:
    values = _numbers(el.text or "", source=source, field="ChannelData")
    if el.get("compressionCode", el.get("Compression", "None")) == "CountedZeroes":
        expanded: list[float] = []
        i = 0
        while i < len(values):
            if values[i] == 0:
                if i + 1 >= len(values):
                    raise FormatError("CountedZeroes: a zero without its count", file=source, field="ChannelData")
                run = values[i + 1]
                if run < 1 or run != int(run) or len(expanded) + run > MAX_CHANNELS:
                    raise FormatError(
                        f"CountedZeroes: bad run length {run:g} after the zero at value {i + 1}",
                        file=source,
                        field="ChannelData",
                    )
                zeros = int(run)
                expanded.extend([0.0] * zeros)
                i += 2
            else:
                expanded.append(values[i])
                i += 1
        values = expanded
    if len(values) < 2 or len(values) > MAX_CHANNELS:
        raise FormatError(f"ChannelData has {len(values)} channels", file=source, field="ChannelData")
    arr = np.asarray(values, dtype=np.float64)
    if np.any(arr < 0) or np.any(arr != np.round(arr)) or np.any(arr > 2**53):
        raise FormatError("channel counts must be non-negative integers", file=source, field="ChannelData")
    return arr.astype(np.int64)


def _calibration(coeffs: list[float], *, source: str) -> EnergyCalibration | None:
    if len(coeffs) < 2:
        return None
    return EnergyCalibration(tuple(coeffs))


def _start(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_n42(data: bytes, *, source: str = "<n42>") -> list[Spectrum]:
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise FormatError(f"not well-formed XML: {exc}", file=source) from exc
    name = _local(root.tag)
    if name == "RadInstrumentData":
        spectra = _parse_2011(root, source)
    elif name == "N42InstrumentData":
        spectra = _parse_2006(root, source)
    elif name == "ResultDataFile":
        from tripline.radiation.readers.radiacode import parse_radiacode

        spectra = parse_radiacode(root, source)
    else:
        raise FormatError(
            f"root element {name!r} is not RadInstrumentData, N42InstrumentData or ResultDataFile (RadiaCode)",
            file=source,
            field=name,
        )
    if not spectra:
        raise FormatError("no spectrum in the document", file=source, field="Spectrum")
    return spectra


def _parse_2011(root: Element, source: str) -> list[Spectrum]:
    cals: dict[str, list[float]] = {}
    for el in root.iter():
        if _local(el.tag) == "EnergyCalibration":
            text = _child_text(el, "CoefficientValues")
            if text is not None:
                cals[el.get("id", "")] = _numbers(text, source=source, field="CoefficientValues")
    # a RadiaCode instrument's CsI is its own 1 cm3 crystal on a SiPM (detector model "radiacode"),
    # not the generic hand-held CsI: RadInstrumentModelName names it (RadiaCode-101/102/103/110)
    models = " ".join(
        (_child_text(el, "RadInstrumentModelName") or "").lower()
        for el in root.iter()
        if _local(el.tag) == "RadInstrumentInformation"
    )
    kinds: dict[str, str] = {}
    for el in root.iter():
        if _local(el.tag) == "RadDetectorInformation":
            kind = (_child_text(el, "RadDetectorKindCode") or "").lower()
            if kind in _KINDS:
                kinds[el.get("id", "")] = _KINDS[kind]
                if _KINDS[kind] == "csi" and "radiacode" in models:
                    kinds[el.get("id", "")] = "radiacode"
    out: list[Spectrum] = []
    for m_index, meas in enumerate(el for el in root.iter() if _local(el.tag) == "RadMeasurement"):
        klass = (_child_text(meas, "MeasurementClassCode") or "Foreground").lower()
        real_text = _child_text(meas, "RealTimeDuration")
        real = parse_duration(real_text, source=source, field="RealTimeDuration") if real_text else None
        start = _start(_child_text(meas, "StartDateTime"))
        meas_id = meas.get("id") or f"measurement-{m_index + 1}"
        for remark in _children(meas, "Remark"):
            if (remark.text or "").startswith(REMARK_ID):
                meas_id = (remark.text or "")[len(REMARK_ID) :].strip() or meas_id
        for s_index, spec in enumerate(_children(meas, "Spectrum")):
            where = f"RadMeasurement {meas_id!r} Spectrum {s_index + 1}"
            live_text = _child_text(spec, "LiveTimeDuration")
            if live_text is None and real is None:
                raise FormatError("spectrum without LiveTimeDuration", file=source, field=where)
            live = parse_duration(live_text, source=source, field="LiveTimeDuration") if live_text else real
            data_el = next((c for c in spec if _local(c.tag) == "ChannelData"), None)
            if data_el is None:
                raise FormatError("spectrum without ChannelData", file=source, field=where)
            counts = _channel_data(data_el, source=source)
            cal_ref = spec.get("energyCalibrationReference")
            coeffs = cals.get(cal_ref or "") if cal_ref else (next(iter(cals.values())) if len(cals) == 1 else None)
            role = "background" if klass == "background" else "foreground"
            sid = meas_id if len(_children(meas, "Spectrum")) == 1 else f"{meas_id}-{s_index + 1}"
            out.append(
                _spectrum(
                    counts,
                    live,
                    coeffs,
                    sid,
                    role,
                    kinds.get(spec.get("radDetectorInformationReference", "")),
                    real,
                    start,
                    source,
                    where,
                )
            )
    return out


def _parse_2006(root: Element, source: str) -> list[Spectrum]:
    out: list[Spectrum] = []
    for index, spec in enumerate(el for el in root.iter() if _local(el.tag) == "Spectrum"):
        where = f"Spectrum {index + 1}"
        live_text = _child_text(spec, "LiveTime")
        real_text = _child_text(spec, "RealTime")
        if live_text is None:
            raise FormatError("spectrum without LiveTime", file=source, field=where)
        live = parse_duration(live_text, source=source, field="LiveTime")
        real = parse_duration(real_text, source=source, field="RealTime") if real_text else None
        data_el = next((c for c in spec if _local(c.tag) == "ChannelData"), None)
        if data_el is None:
            raise FormatError("spectrum without ChannelData", file=source, field=where)
        counts = _channel_data(data_el, source=source)
        coeffs = None
        for cal in spec.iter():
            if _local(cal.tag) == "Calibration" and cal.get("Type", "Energy") == "Energy":
                for eq in cal.iter():
                    if _local(eq.tag) == "Coefficients":
                        coeffs = _numbers(eq.text or "", source=source, field="Coefficients")
        source_type = (_child_text(spec, "SourceType") or "").lower()
        role = "background" if source_type == "background" else "foreground"
        sid = spec.get("ID") or f"spectrum-{index + 1}"
        out.append(
            _spectrum(
                counts, live, coeffs, sid, role, None, real, _start(_child_text(spec, "StartTime")), source, where
            )
        )
    return out


def _spectrum(
    counts: np.ndarray,
    live: float | None,
    coeffs: list[float] | None,
    sid: str,
    role: str,
    detector: str | None,
    real: float | None,
    start: datetime | None,
    source: str,
    where: str,
) -> Spectrum:
    if live is None or not live > 0:
        raise FormatError("live time must be positive", file=source, field=where)
    calibration = _calibration(coeffs, source=source) if coeffs else None
    if calibration is not None and not calibration.is_monotonic(counts.size):
        calibration = None
    return Spectrum(
        counts,
        live,
        calibration,
        spectrum_id=sid,
        role=role,
        detector=detector,
        real_time_s=real,
        source=source,
        start_time=start,
    )


def _duration(seconds: float) -> str:
    return f"PT{seconds:.6g}S" if "e" not in f"{seconds:.6g}" else f"PT{seconds:.6f}S"


def write_n42(spectra: list[Spectrum], *, instrument: str = "Tripline simulator") -> bytes:
    """An N42.42-2011 document holding the spectra (one RadMeasurement each)."""
    root = Element("RadInstrumentData", {"xmlns": NS_2011})
    info = SubElement(root, "RadInstrumentInformation", {"id": "instrument"})
    SubElement(info, "RadInstrumentManufacturerName").text = "Tripline"
    SubElement(info, "RadInstrumentModelName").text = instrument
    SubElement(info, "RadInstrumentClassCode").text = "Radiation Portal Monitor"
    detectors = sorted({s.detector or "unknown" for s in spectra})
    reverse = {"nai": "NaI", "csi": "CsI", "labr": "LaBr3", "hpge": "HPGe", "plastic": "PVT"}
    for name in detectors:
        det = SubElement(root, "RadDetectorInformation", {"id": f"det-{name}"})
        SubElement(det, "RadDetectorCategoryCode").text = "Gamma"
        SubElement(det, "RadDetectorKindCode").text = reverse.get(name, "Other")
    for i, s in enumerate(spectra):
        if s.calibration is not None:
            cal = SubElement(root, "EnergyCalibration", {"id": f"ecal-{i + 1}"})
            SubElement(cal, "CoefficientValues").text = " ".join(repr(float(c)) for c in s.calibration.coefficients)
    for i, s in enumerate(spectra):
        meas = SubElement(root, "RadMeasurement", {"id": f"measurement-{i + 1}"})
        SubElement(meas, "Remark").text = f"{REMARK_ID}{s.spectrum_id}"
        SubElement(meas, "MeasurementClassCode").text = "Background" if s.role == "background" else "Foreground"
        if s.start_time is not None:
            SubElement(meas, "StartDateTime").text = s.start_time.isoformat()
        SubElement(meas, "RealTimeDuration").text = _duration(s.real_time_s or s.live_time_s)
        attrs = {"id": f"spectrum-{i + 1}", "radDetectorInformationReference": f"det-{s.detector or 'unknown'}"}
        if s.calibration is not None:
            attrs["energyCalibrationReference"] = f"ecal-{i + 1}"
        spec = SubElement(meas, "Spectrum", attrs)
        SubElement(spec, "LiveTimeDuration").text = _duration(s.live_time_s)
        SubElement(spec, "ChannelData", {"compressionCode": "None"}).text = " ".join(str(int(v)) for v in s.counts)
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
