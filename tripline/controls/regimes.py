"""Which regime stands behind an entry, and the regime's own item number (``data/regimes.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tripline.controls.model import Regime, RegimeRef
from tripline.controls.specfile import load_spec

REGIMES_FILE = Path(__file__).with_name("data") / "regimes.yaml"
RegimeName = Literal["WA", "MTCR", "NSG", "AG", "CWC"]


class RangeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min: int = Field(ge=0, le=999)
    max: int = Field(ge=0, le=999)
    regime: RegimeName


class RefSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^\d[A-E]\d{3}$")
    regime: RegimeName
    ref: str = Field(min_length=3)
    source: str = Field(min_length=10)


class RegimesSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    numbering: list[RangeSpec]
    nuclear_category: RegimeName
    ccl_reasons: dict[str, RegimeName]
    wassenaar_rule_source: str
    references: list[RefSpec]


class RegimeBook:
    """Regimes by EU numbering or CCL reason, and regime item references."""

    def __init__(self, spec: RegimesSpec) -> None:
        self.spec = spec
        self._refs: dict[str, list[RegimeRef]] = {}
        for row in spec.references:
            self._refs.setdefault(row.code, []).append(RegimeRef(Regime(row.regime), row.ref, row.source))

    @classmethod
    def load(cls, path: Path = REGIMES_FILE) -> RegimeBook:
        return cls(load_spec(path, RegimesSpec, "regimes file"))

    def by_number(self, code: str) -> Regime | None:
        """The regime of an EU Annex I code by its numbering convention."""
        if code[0] == "0":
            return Regime(self.spec.nuclear_category)
        number = int(code[2:5])
        for row in self.spec.numbering:
            if row.min <= number <= row.max:
                return Regime(row.regime)
        return None

    def for_ccl(self, code: str, reasons: tuple[str, ...]) -> tuple[Regime, ...]:
        out: list[Regime] = []
        for reason in reasons:
            name = self.spec.ccl_reasons.get(reason.rstrip("0123456789"))
            if name is not None and Regime(name) not in out:
                out.append(Regime(name))
        return tuple(out) or (Regime.US,)

    def refs(self, code: str, *, wassenaar: bool = True) -> tuple[RegimeRef, ...]:
        """Stated references, plus the Wassenaar item number of an x0xx entry if ``wassenaar``."""
        out = list(self._refs.get(code, []))
        if wassenaar and code[0] != "0" and int(code[2:5]) < 100 and not any(r.regime is Regime.WA for r in out):
            out.insert(
                0, RegimeRef(Regime.WA, f"{code[0]}.{code[1]}.{int(code[2:5])}", self.spec.wassenaar_rule_source)
            )
        return tuple(out)
