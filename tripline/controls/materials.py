"""High-strength alloys in semi-finished forms: 1C202 (aluminium, titanium), 1C116 and 1C216
(maraging steel), decided from the alloy designation's published strength (``data/alloys.yaml``)
and the form and dimensions the description gives.

The rules are those of the entries' text (EU Annex I 2021 and CCL, same wording):
- 1C202.a/.b: 'capable of' >= 460 MPa (aluminium) / >= 900 MPa (titanium) at 293 K, AND tubes or
  cylindrical solid forms (including forgings) with an outside diameter > 75 mm;
- 1C116: maraging steel >= 0.9 GPa solution annealed or >= 1.5 GPa precipitation hardened, AND
  sheet, plate or tubing with wall or plate thickness <= 5.0 mm, or tubular forms with wall
  <= 50 mm and inner diameter >= 270 mm;
- 1C216: maraging steel other than 1C116, 'capable of' >= 1 950 MPa; its note: not forms in which
  all linear dimensions are 75 mm or less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tripline.controls.specfile import load_spec

ALLOYS_FILE = Path(__file__).with_name("data") / "alloys.yaml"
NEAR = 0.03  # a published strength within 3 % of a threshold is asked, not decided

Family = Literal["aluminium", "titanium", "maraging"]
Status = Literal["meets", "below", "unknown"]


class AlloySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    family: Family
    patterns: list[str] = Field(min_length=1)
    tempers: dict[str, float] = Field(default_factory=dict)
    capable_of: float = Field(gt=0)
    near: bool = False  # always ask the strength (no published value decides)
    source: str = Field(min_length=10)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"pattern {p!r}: {exc}") from exc
        return patterns


class AlloysSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    alloys: list[AlloySpec]


def load_alloys(path: Path = ALLOYS_FILE) -> AlloysSpec:
    return load_spec(path, AlloysSpec, "alloys")


_FAMILY_WORDS: dict[Family, re.Pattern[str]] = {
    "aluminium": re.compile(r"\balumin(?:i?um)\b|\bAl\b|\bAA\s?\d{4}", re.IGNORECASE),
    "titanium": re.compile(r"\btitanium\b|\bTi\b|\bTi-?\d", re.IGNORECASE),
    "maraging": re.compile(r"\bmaraging\b|\bvascomax\b|18\s?Ni", re.IGNORECASE),
}
_TEMPER = re.compile(r"-?\s?(T\d{1,5}|O|H\d{2,3})\b")
_CYLINDRICAL = re.compile(
    r"\b(?:bars?|rods?|round(?:s| bar)?|billets?|forg(?:ing|ings|ed)|tubes?|tubing|tubular|pipes?|cylinders?|"
    r"shafts?|ring(?:s)?|hollow(?:s)?)\b",
    re.IGNORECASE,
)
_TUBE = re.compile(r"\b(?:tubes?|tubing|tubular|pipes?|hollow|cylinders?)\b", re.IGNORECASE)
_FLAT = re.compile(r"\b(?:sheets?|plates?|strips?|foils?|coils?|flat bars?)\b", re.IGNORECASE)
_OTHER_FORM = re.compile(r"\b(?:powders?|wires?|ingots?|profiles?|angles?|scrap|castings?)\b", re.IGNORECASE)
_NUM = r"(\d+(?:[.,]\d+)?)"
_UNIT = r"\s*(mm|cm|m|in(?:ch(?:es)?)?|\"|”)?"
_DIM_AFTER = r"\s*[:=]?\s*(?:of\s+)?(?:Ø\s*)?" + _NUM + _UNIT
_DIMS: dict[str, list[re.Pattern[str]]] = {
    "od": [
        re.compile(r"\b(?:outside|outer|external)\s+diameter" + _DIM_AFTER, re.IGNORECASE),
        re.compile(r"\bO\.?D\.?" + _DIM_AFTER),
        re.compile(r"(?<!inner )(?<!inside )(?<!internal )\b(?:diameter|dia\.?|diam\.?)" + _DIM_AFTER, re.IGNORECASE),
        re.compile(r"Ø\s*" + _NUM + _UNIT),
        re.compile(_NUM + _UNIT + r"\s*(?:outside |outer )?(?:diameter|dia\b|diam\b|OD\b|O\.D\.)", re.IGNORECASE),
    ],
    "id": [
        re.compile(r"\b(?:inside|inner|internal)\s+diameter" + _DIM_AFTER, re.IGNORECASE),
        re.compile(r"\bI\.?D\.?" + _DIM_AFTER),
        re.compile(_NUM + _UNIT + r"\s*(?:inside|inner|internal)\s+diameter", re.IGNORECASE),
        re.compile(_NUM + _UNIT + r"\s*(?:ID|I\.D\.)\b"),
    ],
    "wall": [
        re.compile(r"\bwall(?:\s+thickness)?" + _DIM_AFTER, re.IGNORECASE),
        re.compile(_NUM + _UNIT + r"\s*wall\b", re.IGNORECASE),
    ],
    "thickness": [
        re.compile(r"(?<!wall )\bthickness" + _DIM_AFTER, re.IGNORECASE),
        re.compile(_NUM + _UNIT + r"\s*(?:thick|thickness)\b", re.IGNORECASE),
    ],
}
_TO_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4, "inch": 25.4, "inches": 25.4, '"': 25.4, "”": 25.4}


def dimensions(text: str) -> dict[str, float]:
    """Outside/inside diameter, wall and plate thickness in mm, where the description names them."""
    out: dict[str, float] = {}
    for key, patterns in _DIMS.items():
        for p in patterns:
            m = p.search(text)
            if m is None:
                continue
            unit = (m.group(2) or "mm").lower()
            out[key] = float(m.group(1).replace(",", ".")) * _TO_MM.get(unit, 1.0)
            break
    return out


@dataclass(frozen=True)
class AlloyHit:
    spec: AlloySpec
    text: str
    temper: str | None

    @property
    def strength(self) -> float | None:
        if self.temper is None:
            return None
        return self.spec.tempers.get(self.temper.upper())


@dataclass(frozen=True)
class MaterialDecision:
    code: str  # the entry that decides ("1C202", "1C116", "1C216")
    item: str
    status: Status
    evidence: tuple[str, ...]
    questions: tuple[str, ...]


class AlloyIndex:
    def __init__(self, spec: AlloysSpec) -> None:
        self.spec = spec
        self._res = [(a, re.compile("|".join(f"(?:{p})" for p in a.patterns), re.IGNORECASE)) for a in spec.alloys]

    @classmethod
    def load(cls, path: Path = ALLOYS_FILE) -> AlloyIndex:
        return cls(load_alloys(path))

    def find(self, text: str) -> AlloyHit | None:
        """The first alloy designation in the text whose family the description also names (so
        '2024' as a year, or 'Grade 5' of a bolt, is not an alloy)."""
        best: tuple[int, AlloyHit] | None = None
        for spec, rx in self._res:
            m = rx.search(text)
            if m is None:
                continue
            if not (_FAMILY_WORDS[spec.family].search(text) or _TEMPER.match(text, m.end())):
                continue
            tm = _TEMPER.match(text, m.end())
            hit = AlloyHit(spec, m.group(0), tm.group(1) if tm else None)
            if best is None or m.start() < best[0]:
                best = (m.start(), hit)
        return best[1] if best else None


def _strength(hit: AlloyHit, threshold: float, label: str) -> tuple[Status, str, str | None]:
    spec = hit.spec
    named = f"{hit.text}{'-' + hit.temper if hit.temper else ''}"
    temper = f"; {hit.temper}: {hit.strength:g} MPa" if hit.strength else ""
    why = f"{named}: {spec.id} capable of {spec.capable_of:g} MPa{temper} ({spec.source})"
    if spec.near or abs(spec.capable_of - threshold) <= NEAR * threshold:
        q = (
            f"What ultimate tensile strength is the {spec.id} capable of after heat treatment?"
            f" ({label} >= {threshold:g} MPa)"
        )
        return "unknown", why + f"; too close to {threshold:g} MPa to decide", q
    if spec.capable_of >= threshold:
        return "meets", why + f" >= {threshold:g} MPa ({label})", None
    return "below", why + f" < {threshold:g} MPa ({label})", None


def _all(statuses: list[Status]) -> Status:
    if "below" in statuses:
        return "below"
    return "meets" if all(s == "meets" for s in statuses) else "unknown"


def decide_alloy(index: AlloyIndex, text: str) -> MaterialDecision | None:
    """The decision for an alloy in a semi-finished form, or None when the description names no
    listed-family alloy or names it only as the material of some other article."""
    hit = index.find(text)
    if hit is None:
        return None
    head = re.split(r",|\bfor\b|\bwith\b", text, maxsplit=1)[0]
    form_words = _CYLINDRICAL.search(head) or _FLAT.search(head) or _OTHER_FORM.search(head)
    material_head = re.search(r"(?:alloy|steel|alumin\w+|titanium|\b(?:T\d+|Grade \d+))\s*$", head.strip(), re.I)
    if form_words is None and material_head is None:
        return None  # "Ti-6Al-4V impeller": an article made of the alloy, not the alloy itself
    dims = dimensions(text)
    evidence: list[str] = []
    questions: list[str] = []
    if hit.spec.family in ("aluminium", "titanium"):
        threshold, item = (460.0, "1C202.a") if hit.spec.family == "aluminium" else (900.0, "1C202.b")
        s_status, why, q = _strength(hit, threshold, f"{item}.1")
        evidence.append(why)
        if q:
            questions.append(q)
        f_status = _form_1c202(text, head, dims, item, evidence, questions)
        return MaterialDecision("1C202", item, _all([s_status, f_status]), tuple(evidence), tuple(questions))
    return _maraging(hit, text, head, dims)


def _form_1c202(
    text: str, head: str, dims: dict[str, float], item: str, evidence: list[str], questions: list[str]
) -> Status:
    flat = _FLAT.search(head) or _OTHER_FORM.search(head)
    if flat is not None:
        evidence.append(f"{item}.2: not a tube or cylindrical solid form ({flat[0]!r})")
        return "below"
    if not _CYLINDRICAL.search(text):
        questions.append(
            "Is it a tube or a cylindrical solid form (bar, rod, forging), and of what outside diameter?"
            f" ({item}.2: > 75 mm)"
        )
        return "unknown"
    od = dims.get("od")
    if od is None:
        questions.append(f"What is the outside diameter? ({item}.2: tubes or cylindrical solid forms > 75 mm)")
        return "unknown"
    if od > 75:
        evidence.append(f"{item}.2: outside diameter {od:g} mm > 75 mm")
        return "meets"
    evidence.append(f"{item}.2: outside diameter {od:g} mm is not more than 75 mm")
    return "below"


def _maraging(hit: AlloyHit, text: str, head: str, dims: dict[str, float]) -> MaterialDecision:
    evidence = [f"{hit.text}: {hit.spec.id}, aged about {hit.spec.capable_of:g} MPa ({hit.spec.source})"]
    questions: list[str] = []
    # 1C116: every 18Ni grade reaches 1.5 GPa when precipitation hardened (the lowest, 18Ni(200), ~1.5 GPa)
    strength_116: Status = "meets" if hit.spec.capable_of >= 1500 * (1 + NEAR) else "unknown"
    form_116: Status
    if _FLAT.search(head) and not _TUBE.search(head):
        t = dims.get("thickness") or dims.get("wall")
        form_116 = "unknown" if t is None else "meets" if t <= 5.0 else "below"
        if t is not None:
            evidence.append(f"1C116.b.1: sheet/plate {t:g} mm {'<=' if t <= 5 else '>'} 5.0 mm")
    elif _TUBE.search(head):
        wall, inner = dims.get("wall"), dims.get("id")
        if wall is not None and wall <= 5.0:
            form_116 = "meets"
            evidence.append(f"1C116.b.1: tubing wall {wall:g} mm <= 5.0 mm")
        elif wall is not None and inner is not None:
            form_116 = "meets" if wall <= 50 and inner >= 270 else "below"
            evidence.append(f"1C116.b.2: wall {wall:g} mm (<= 50), inner diameter {inner:g} mm (>= 270)")
        else:
            form_116 = "unknown"
            questions.append(
                "What are the tube's wall thickness and inner diameter?"
                " (1C116.b: wall <= 5 mm, or wall <= 50 mm with ID >= 270 mm)"
            )
    else:
        form_116 = "below" if _CYLINDRICAL.search(head) else "unknown"
        if form_116 == "below":
            evidence.append("1C116.b: a bar or forging is none of the forms of 1C116 (sheet, plate, tubing)")
    s116 = _all([strength_116, form_116])
    if s116 == "meets":
        return MaterialDecision("1C116", "1C116", "meets", tuple(evidence), tuple(questions))
    s_status, why, q = _strength(hit, 1950.0, "1C216")
    evidence.append(why)
    if q:
        questions.append(q)
    sizes = [v for k, v in dims.items() if k in ("od", "thickness", "wall", "id")]
    if sizes and max(sizes) > 75:
        size_status: Status = "meets"
    elif sizes and not re.search(r"\b\d+(?:[.,]\d+)?\s*(?:mm|m)\b(?!.*(?:dia|thick|wall|ID|OD))", text):
        size_status = "below"
        evidence.append("1C216 Note: all linear dimensions 75 mm or less")
    else:
        size_status = "meets" if re.search(r"\b\d{3,}\s*mm\b|\b\d+(?:[.,]\d+)?\s*m\b", text) else "unknown"
        if size_status == "unknown":
            questions.append("Are all linear dimensions 75 mm or less? (1C216 Note excludes such forms)")
    s216 = _all([s_status, size_status])
    if s216 == "meets":
        return MaterialDecision("1C216", "1C216", "meets", tuple(evidence), tuple(questions))
    if s116 == "unknown":
        return MaterialDecision("1C116", "1C116", "unknown", tuple(evidence), tuple(questions))
    if s216 == "unknown":
        return MaterialDecision("1C216", "1C216", "unknown", tuple(evidence), tuple(questions))
    return MaterialDecision("1C216", "1C216", "below", tuple(evidence), tuple(questions))
