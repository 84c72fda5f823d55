"""2B350 chemical manufacturing equipment decided by wetted materials and sizes
(``data/process_equipment.yaml``): reactors, agitators, tanks, heat exchangers, columns,
valves, multi-walled piping and pumps. The US answer for equipment of austenitic stainless
steel that 2B350 does not cover is 2B999.g/.n (CCL text)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tripline.controls.materials import dimensions
from tripline.controls.specfile import load_spec

PROCESS_FILE = Path(__file__).with_name("data") / "process_equipment.yaml"
Status = Literal["meets", "below", "unknown"]


class MaterialSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    names: list[str] = Field(min_length=1)
    classes: list[str] = Field(min_length=1)
    austenitic: list[str] = Field(default_factory=list)
    source: str = Field(min_length=10)


class SizeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    quantity: Literal["volume", "area", "inner_diameter", "nominal_size", "flow"]
    above: float
    below: float | None = None
    unit: str


class EquipmentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    item: str = Field(pattern=r"^2B350\.[a-j](?:\.\d)?$")
    words: list[str] = Field(min_length=1)
    size: SizeSpec | None = None
    classes: list[str] = Field(min_length=1)
    multi_walled: bool = False
    seals: bool = False


class ProcessSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    materials: list[MaterialSpec]
    equipment: list[EquipmentSpec]


def load_process(path: Path = PROCESS_FILE) -> ProcessSpec:
    return load_spec(path, ProcessSpec, "equipment")


@dataclass(frozen=True)
class ProcessDecision:
    item: str
    status: Status
    eccn: str  # "2B350", or "2B999" for austenitic stainless equipment 2B350 does not cover
    evidence: tuple[str, ...]
    questions: tuple[str, ...]


_NUM = r"(\d{1,3}(?:[ ,]\d{3})+|\d+(?:[.,]\d+)?)"
_VOLUME = re.compile(_NUM + r"\s*(m3|m³|cubic met(?:er|re)s?|l\b|litres?|liters?|ltrs?|gal(?:lons?)?)", re.IGNORECASE)
_AREA = re.compile(_NUM + r"\s*(m2|m²|sq\.? ?m|square met(?:er|re)s?|ft2|sq\.? ?ft)", re.IGNORECASE)
_FLOW = re.compile(_NUM + r"\s*(m3/h|m³/h|m3/hr|l/min|lpm|l/h|gpm|m3/min)", re.IGNORECASE)
_DN = re.compile(
    r"\bDN\s?(\d{1,4})\b|\bNPS\s?(\d+(?:[./]\d+)?)|(\d+(?:[./]\d+)?)\s*(?:\"|”|inch(?:es)?\b|in\b)", re.IGNORECASE
)
_MULTI_WALL = re.compile(r"\b(?:double|twin|multi|dual)[- ]?wall(?:ed)?\b|\bjacketed pipe", re.IGNORECASE)
_SINGLE_WALL = re.compile(r"\bsingle[- ]?wall(?:ed)?\b", re.IGNORECASE)
_LEAK_PORT = re.compile(r"\bleak[- ]detection\b", re.IGNORECASE)
_SEAL_OK = re.compile(
    r"\bseal[- ]?less\b|\bmag(?:netic(?:ally)?)?[- ]?(?:drive|coupled)\b|\bcanned[- ]motor\b|"
    r"\bdouble[- ]mechanical seal|"
    r"\b(?:double|dual|tandem|multiple)[- ]seals?\b|\bdiaphragm pump",
    re.IGNORECASE,
)
_SEAL_SINGLE = re.compile(r"\bsingle (?:mechanical )?seal\b|\bpacked gland\b|\bgland packing\b", re.IGNORECASE)
_LINED = r"(?:[- ](?:lined|clad|coated|lining)\b)"
_TO_M3 = {
    "m3": 1.0,
    "m³": 1.0,
    "l": 1e-3,
    "litre": 1e-3,
    "litres": 1e-3,
    "liter": 1e-3,
    "liters": 1e-3,
    "gal": 3.785e-3,
}


def _num(text: str) -> float:
    return float(text.replace(" ", "").replace(",", "") if re.search(r"[ ,]\d{3}\b", text) else text.replace(",", "."))


def _size(spec: SizeSpec, text: str) -> float | None:
    """The size in the spec's unit, or None when the description does not give it."""
    if spec.quantity == "volume":
        m = _VOLUME.search(text)
        if m is None:
            return None
        unit = m.group(2).lower()
        factor = 1.0 if unit.startswith(("m3", "m³", "cubic")) else 3.785e-3 if unit.startswith("gal") else 1e-3
        return _num(m.group(1)) * factor
    if spec.quantity == "area":
        m = _AREA.search(text)
        if m is None:
            return None
        factor = 0.0929 if "ft" in m.group(2).lower() else 1.0
        return _num(m.group(1)) * factor
    if spec.quantity == "flow":
        m = _FLOW.search(text)
        if m is None:
            return None
        unit = m.group(2).lower()
        factor = {"l/min": 0.06, "lpm": 0.06, "l/h": 1e-3, "gpm": 0.2271, "m3/min": 60.0}.get(unit, 1.0)
        return _num(m.group(1)) * factor
    if spec.quantity == "inner_diameter":
        dims = dimensions(text)
        mm = dims.get("id", dims.get("od"))
        if mm is None:
            dn = _DN.search(text)
            mm = float(dn.group(1)) if dn and dn.group(1) else None
        return None if mm is None else mm / 1000
    dn = _DN.search(text)
    if dn is None:
        return None
    if dn.group(1):
        return float(dn.group(1)) / 1000
    raw = dn.group(2) or dn.group(3)
    inches = float(raw.split("/")[0]) / float(raw.split("/")[1]) if "/" in raw else float(raw)
    return inches * 0.0254


class ProcessIndex:
    def __init__(self, spec: ProcessSpec) -> None:
        self.spec = spec
        self._materials = [
            (m, re.compile("|".join(f"(?:{n})" for n in m.names), re.IGNORECASE)) for m in spec.materials
        ]
        self._austenitic = re.compile(
            "|".join(f"(?:{n})" for m in spec.materials for n in m.austenitic) or r"(?!x)x", re.IGNORECASE
        )
        self._equipment = [
            (e, re.compile(r"\b(?:" + "|".join(e.words) + r")\b", re.IGNORECASE)) for e in spec.equipment
        ]

    @classmethod
    def load(cls, path: Path = PROCESS_FILE) -> ProcessIndex:
        return cls(load_process(path))

    def equipment(self, head: str) -> EquipmentSpec | None:
        """The 2B350 sub-item the goods phrase names (its last equipment word: 'agitator for
        reactor' is an agitator, 'reactor with agitator' a reactor)."""
        best: tuple[int, EquipmentSpec] | None = None
        for spec, rx in self._equipment:
            for m in rx.finditer(head):
                if best is None or m.start() < best[0]:
                    best = (m.start(), spec)
        return best[1] if best else None

    def materials(self, text: str) -> list[tuple[MaterialSpec, str, bool]]:
        """(material, the words, lined/clad: the wetted layer) in text order, longest name first."""
        found: list[tuple[int, MaterialSpec, str, bool]] = []
        taken: list[tuple[int, int]] = []
        for spec, rx in self._materials:
            for m in rx.finditer(text):
                if any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                lined = re.match(_LINED, text[m.end() : m.end() + 10], re.IGNORECASE) is not None or re.search(
                    r"\b(?:lined|clad|coated) with\s*$", text[max(0, m.start() - 20) : m.start()], re.IGNORECASE
                )
                found.append((m.start(), spec, m.group(0), bool(lined)))
        found.sort(key=lambda t: t[0])
        return [(s, w, lined) for _, s, w, lined in found]

    def decide(self, text: str) -> ProcessDecision | None:
        head = re.split(r",|\bfor\b|\(", text, maxsplit=1)[0]
        spec = self.equipment(head)
        if spec is None:
            return None
        evidence: list[str] = []
        questions: list[str] = []
        parts: list[Status] = [self._material_status(spec, text, evidence, questions)]
        if spec.size is not None:
            parts.append(self._size_status(spec, spec.size, text, evidence, questions))
        if spec.multi_walled:
            if _MULTI_WALL.search(text) and _LEAK_PORT.search(text):
                evidence.append(f"{spec.item}: multi-walled with a leak detection port")
                parts.append("meets")
            elif _SINGLE_WALL.search(text) or (not _MULTI_WALL.search(text) and re.search(r"\blined\b", text, re.I)):
                evidence.append(f"{spec.item} covers only multi-walled piping with a leak detection port")
                parts.append("below")
            else:
                questions.append(f"Is the piping multi-walled with a leak detection port? ({spec.item})")
                parts.append("unknown")
        if spec.seals:
            if _SEAL_OK.search(text):
                evidence.append(f"{spec.item}: seal-less or multiple-seal pump")
                parts.append("meets")
            elif _SEAL_SINGLE.search(text):
                evidence.append(f"{spec.item} covers only multiple-seal and seal-less pumps")
                parts.append("below")
            else:
                questions.append(f"Is the pump seal-less or multiple-seal? ({spec.item})")
                parts.append("unknown")
        status: Status = "below" if "below" in parts else "meets" if all(p == "meets" for p in parts) else "unknown"
        eccn = "2B350"
        if (
            status == "below"
            and self._austenitic.search(text)
            and spec.item[:7] in ("2B350.a", "2B350.c", "2B350.g", "2B350.h")
        ):
            eccn = "2B999"
            evidence.append(
                "US: austenitic (304/316) stainless steel valves, piping, tanks and vessels are CCL 2B999.g/.n"
            )
        return ProcessDecision(spec.item, status, eccn, tuple(evidence), tuple(questions))

    def _material_status(self, spec: EquipmentSpec, text: str, evidence: list[str], questions: list[str]) -> Status:
        found = self.materials(text)
        lined = [f for f in found if f[2]]
        wetted = lined or found  # a lining is the wetted surface; the shell behind it is not
        ok = [(m, w) for m, w, _ in wetted if set(m.classes) & set(spec.classes)]
        bad = [(m, w) for m, w, _ in wetted if not set(m.classes) & set(spec.classes)]
        if ok and not bad:
            names = ", ".join(w for _, w in ok)
            evidence.append(f"{spec.item}: wetted material {names} ({'; '.join(m.source for m, _ in ok)[:200]})")
            return "meets"
        if bad and not ok:
            names = ", ".join(w for _, w in bad)
            evidence.append(f"{spec.item}: {names} is none of the materials of {spec.item} ({', '.join(spec.classes)})")
            return "below"
        questions.append(
            f"What are all the surfaces in contact with the chemicals made of? ({spec.item}: {', '.join(spec.classes)})"
        )
        if ok:
            evidence.append(f"{spec.item}: mixed materials ({', '.join(w for _, w in ok + bad)}): which are wetted?")
        return "unknown"

    def _size_status(
        self, spec: EquipmentSpec, size: SizeSpec, text: str, evidence: list[str], questions: list[str]
    ) -> Status:
        value = _size(size, text)
        rule = f"> {size.above:g}" + (f" and < {size.below:g}" if size.below is not None else "") + f" {size.unit}"
        if value is None:
            questions.append(f"What is its {size.quantity.replace('_', ' ')}? ({spec.item}: {rule})")
            return "unknown"
        ok = value > size.above and (size.below is None or value < size.below)
        where = "within" if ok else "outside"
        evidence.append(f"{spec.item}: {size.quantity.replace('_', ' ')} {value:g} {size.unit} {where} {rule}")
        return "meets" if ok else "below"
