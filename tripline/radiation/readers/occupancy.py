"""Portal occupancy records as JSON lines (the layout [cargo] writes beside a manifest).

One object per line::

    {"container": "MSCU1234565", "location": "JPYOK", "time": "2026-01-02T03:04:05Z",
     "occupancy": {"occupancy_id", "slice_s", "gamma_counts": [[...per panel...], ...],
                   "gamma_background_cps": [...], "neutron_counts", "neutron_background_cps",
                   "monitor_alarm"},
     "spectrum": {"counts", "live_time_s", "calibration": [c0, c1, c2] | null, "detector"} | null,
     "background": {...same...} | null}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from tripline.errors import FormatError, TriplineError
from tripline.radiation.model import EnergyCalibration, Occupancy, Spectrum


@dataclass(frozen=True)
class OccupancyRecord:
    occupancy: Occupancy
    spectrum: Spectrum | None
    background: Spectrum | None
    line: int


def _spectrum(data: Any, *, role: str, sid: str, source: str, line: int) -> Spectrum | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise FormatError(f"{role} must be an object", file=source, line=line, field=role)
    try:
        coeffs = data.get("calibration")
        cal = EnergyCalibration(tuple(float(c) for c in coeffs)) if coeffs else None
        counts = np.asarray(data["counts"], dtype=np.float64)
        if counts.ndim != 1 or np.any(counts != np.round(counts)):
            raise FormatError("counts must be a list of integers", file=source, line=line, field=f"{role}.counts")
        return Spectrum(
            counts.astype(np.int64),
            float(data["live_time_s"]),
            cal,
            spectrum_id=sid,
            role=role,
            detector=data.get("detector"),
            source=source,
        )
    except KeyError as exc:
        raise FormatError(f"missing {exc.args[0]!r}", file=source, line=line, field=role) from None
    except TriplineError as exc:
        raise FormatError(exc.reason, file=source, line=line, field=f"{role}.{exc.field or 'value'}") from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise FormatError(f"bad value: {exc}", file=source, line=line, field=role) from None


def parse_occupancies(data: bytes, *, source: str = "<occupancies>") -> list[OccupancyRecord]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text (byte {exc.start})", file=source) from exc
    out: list[OccupancyRecord] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise FormatError(f"not JSON: {exc.msg}", file=source, line=line_no) from None
        if not isinstance(record, dict) or not isinstance(record.get("occupancy"), dict):
            raise FormatError("expected an object with 'occupancy'", file=source, line=line_no, field="occupancy")
        occ = record["occupancy"]
        try:
            occ_id = str(occ.get("occupancy_id") or f"{source}:{line_no}")
            started = record.get("time")
            occupancy = Occupancy(
                occupancy_id=occ_id,
                container_id=record.get("container"),
                slice_s=float(occ["slice_s"]),
                gamma_counts=tuple(tuple(int(v) for v in row) for row in occ["gamma_counts"]),
                gamma_background_cps=tuple(float(v) for v in occ["gamma_background_cps"]),
                neutron_counts=int(occ.get("neutron_counts", 0)),
                neutron_background_cps=float(occ.get("neutron_background_cps", 0.0)),
                monitor_alarm=bool(occ.get("monitor_alarm", False)),
                started_at=datetime.fromisoformat(str(started).replace("Z", "+00:00")) if started else None,
                portal=record.get("location"),
            )
        except KeyError as exc:
            raise FormatError(f"missing {exc.args[0]!r}", file=source, line=line_no, field="occupancy") from None
        except TriplineError as exc:
            raise FormatError(exc.reason, file=source, line=line_no, field=f"occupancy.{exc.field}") from None
        except (TypeError, ValueError, OverflowError) as exc:
            raise FormatError(f"bad value: {exc}", file=source, line=line_no, field="occupancy") from None
        fg = _spectrum(record.get("spectrum"), role="foreground", sid=occ_id, source=source, line=line_no)
        bg = _spectrum(record.get("background"), role="background", sid=occ_id, source=source, line=line_no)
        out.append(OccupancyRecord(occupancy, fg, bg, line_no))
    if not out:
        raise FormatError("no occupancy records", file=source)
    return out
