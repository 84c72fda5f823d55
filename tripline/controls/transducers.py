"""2B230 pressure transducers as invoices describe them: absolute or gauge, full scale, accuracy
in % of full scale or of reading, and the sensing-element material (``data/transducers.yaml``).

2B230 (EU Annex I 2021 / CCL): pressure transducers capable of measuring absolute pressures with
(a) sensing elements and (b) seals of the listed materials and (c) a full scale below 13 kPa with
an accuracy better than 1 % of full scale, or a full scale of 13 kPa or more with an accuracy
better than 130 Pa measured at 13 kPa."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tripline.controls.specfile import load_spec

TRANSDUCERS_FILE = Path(__file__).with_name("data") / "transducers.yaml"
Status = Literal["meets", "below", "unknown"]

_DEVICE = re.compile(
    r"\b(?:pressure (?:transducers?|transmitters?|sensors?)|capacitance (?:manometers?|diaphragm gauges?)|manometers?|"
    r"vacuum (?:gauges?|transducers?|sensors?)|baratron)\b",
    re.IGNORECASE,
)
_ABSOLUTE = re.compile(r"\babsolute\b|\babs\b|\bvacuum\b|\btorr\b|\bcapacitance manometer|\bbaratron", re.IGNORECASE)
_GAUGE_ONLY = re.compile(
    r"\b(?:bar|psi|kpa|mpa)\s*g\b|\bgauge pressure\b|\b(?:bar|kpa|psi)\s+gauge\b|\bdifferential\b", re.I
)
_RANGE = re.compile(
    r"(?:(?:0|0[.,]0+)\s*(?:-|to|…|\.\.\.?)\s*)?(\d+(?:[.,]\d+)?)\s*(torr|mbar|bar|kpa|mpa|pa|psi|mmhg)\b(?!\s*/)",
    re.IGNORECASE,
)
_TO_PA = {
    "torr": 133.322,
    "mmhg": 133.322,
    "mbar": 100.0,
    "bar": 1e5,
    "kpa": 1e3,
    "mpa": 1e6,
    "pa": 1.0,
    "psi": 6894.76,
}
_ACCURACY = re.compile(
    r"(?:accuracy|±|\+/-)\s*(?:of\s*)?(?:±\s*)?(\d+(?:[.,]\d+)?)\s*%\s*(?:of\s*)?(FS|F\.S\.|full[- ]scale|reading|rdg)?"
    r"|(\d+(?:[.,]\d+)?)\s*%\s*(?:of\s*)?(FS|F\.S\.|full[- ]scale|reading|rdg)",
    re.IGNORECASE,
)


class SensingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    names: list[str] = Field(min_length=1)
    ok: bool
    source: str = Field(min_length=10)


class TransducersSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sensing_materials: list[SensingSpec]


@dataclass(frozen=True)
class TransducerDecision:
    status: Status
    evidence: tuple[str, ...]
    questions: tuple[str, ...]


class Transducers:
    def __init__(self, spec: TransducersSpec) -> None:
        self._materials = [
            (m, re.compile("|".join(f"(?:{n})" for n in m.names), re.IGNORECASE)) for m in spec.sensing_materials
        ]

    @classmethod
    def load(cls, path: Path = TRANSDUCERS_FILE) -> Transducers:
        return cls(load_spec(path, TransducersSpec, "transducers"))

    def decide(self, text: str) -> TransducerDecision | None:
        head = re.split(r",|\bfor\b", text, maxsplit=1)[0]
        if _DEVICE.search(head) is None:
            return None
        evidence: list[str] = []
        questions: list[str] = []
        parts: list[Status] = []
        if _GAUGE_ONLY.search(text) and not _ABSOLUTE.search(text):
            evidence.append("2B230: a gauge or differential transducer, not capable of measuring absolute pressure")
            parts.append("below")
        elif not _ABSOLUTE.search(text):
            questions.append("Can it measure absolute pressure? (2B230 covers only such transducers)")
            parts.append("unknown")
        parts.append(self._material(text, evidence, questions))
        parts.append(self._range(text, evidence, questions))
        status: Status = "below" if "below" in parts else "meets" if all(p == "meets" for p in parts) else "unknown"
        return TransducerDecision(status, tuple(evidence), tuple(questions))

    def _material(self, text: str, evidence: list[str], questions: list[str]) -> Status:
        found = [(spec, m.group(0)) for spec, rx in self._materials if (m := rx.search(text))]
        good = [(s, w) for s, w in found if s.ok]
        bad = [(s, w) for s, w in found if not s.ok]
        if good and not bad:
            evidence.append(f"2B230.a: sensing element {good[0][1]} ({good[0][0].source})")
            return "meets"
        if bad and not good:
            evidence.append(f"2B230.a: {bad[0][1]} is none of the sensing-element materials ({bad[0][0].source})")
            return "below"
        questions.append(
            "What is the pressure sensing element made of or protected by? (2B230.a: aluminium, alumina/sapphire,"
            " nickel, nickel alloy > 60 % Ni, fully fluorinated polymers)"
        )
        return "unknown"

    def _range(self, text: str, evidence: list[str], questions: list[str]) -> Status:
        rng = _RANGE.search(text)
        acc = _ACCURACY.search(text)
        if rng is None or acc is None:
            questions.append(
                "What are the full scale and the accuracy? (2B230.c: full scale < 13 kPa with accuracy better than"
                " 1 % of full scale, or >= 13 kPa with accuracy better than 130 Pa at 13 kPa)"
            )
            return "unknown"
        full = float(rng.group(1).replace(",", ".")) * _TO_PA[rng.group(2).lower()]
        pct = float((acc.group(1) or acc.group(3)).replace(",", "."))
        basis = (acc.group(2) or acc.group(4) or "FS").lower()
        of_reading = basis.startswith(("read", "rdg"))
        if full < 13e3:
            ok = pct < 1.0
            than = "better" if ok else "not better"
            evidence.append(f"2B230.c.1: full scale {full:g} Pa < 13 kPa, accuracy {pct:g} % {than} than 1 %")
            return "meets" if ok else "below"
        error_at_13k = pct / 100 * (13e3 if of_reading else full)
        ok = error_at_13k < 130
        evidence.append(
            f"2B230.c.2: full scale {full:g} Pa, {pct:g} % of {'reading' if of_reading else 'full scale'}"
            f" = {error_at_13k:g} Pa at 13 kPa ({'<' if ok else '>='} 130 Pa)"
        )
        return "meets" if ok else "below"
