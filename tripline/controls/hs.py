"""HS 2022 nomenclature: validate a declared code and use its heading as evidence."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from tripline import yamlfile
from tripline.controls.sources.files import read_text
from tripline.errors import ConfigError, InputError

HS_FILE = Path("reference/harmonized_system/harmonized-system.csv")
EVIDENCE_FILE = Path(__file__).with_name("data") / "hs_evidence.yaml"


class HsEvidenceRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    hs: str = Field(pattern=r"^\d{4}(\d{2})?$")
    codes: list[str] = Field(min_length=1)
    why: str = Field(min_length=10)


@dataclass(frozen=True)
class HsMatch:
    code: str  # the declared code, digits only
    subheading: str | None  # 6-digit subheading found in HS 2022
    heading: str  # 4 digits
    description: str  # of the most precise level found
    supports: dict[str, str]  # control code -> why


class HsNomenclature:
    """Headings and subheadings of HS 2022 from the bundled CSV, with evidence rows."""

    def __init__(self, descriptions: dict[str, str], evidence: list[HsEvidenceRow]) -> None:
        self.descriptions = descriptions
        self.evidence = evidence

    @classmethod
    def load(cls, data_dir: Path, evidence_file: Path = EVIDENCE_FILE) -> HsNomenclature:
        text = read_text(data_dir / HS_FILE)
        descriptions = {row["hscode"]: row["description"] for row in csv.DictReader(io.StringIO(text))}
        try:
            rows = TypeAdapter(list[HsEvidenceRow]).validate_python(
                yamlfile.safe_load(evidence_file.read_text("utf-8"))
            )
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ConfigError(f"invalid HS evidence: {err['msg']}", file=evidence_file, field=str(err["loc"])) from exc
        for row in rows:
            if row.hs not in descriptions:
                raise ConfigError(f"HS {row.hs} is not in HS 2022", file=evidence_file, field="hs")
        return cls(descriptions, rows)

    def match(self, declared: str) -> HsMatch:
        """Validate a declared HS/CN/HTS code (4-10 digits); InputError if its heading or
        subheading is not in HS 2022. Digits past 6 are national and not checked."""
        digits = re.sub(r"[\s.\-]", "", declared)
        if not re.fullmatch(r"\d{4,10}", digits):
            raise InputError(f"HS code must be 4 to 10 digits, got {declared!r}", field="hs_code")
        heading = digits[:4]
        if heading not in self.descriptions:
            raise InputError(f"HS heading {heading} does not exist in HS 2022", field="hs_code")
        sub = digits[:6] if len(digits) >= 6 else None
        if sub is not None and sub not in self.descriptions:
            raise InputError(f"HS subheading {sub} does not exist in HS 2022 (heading {heading})", field="hs_code")
        supports: dict[str, str] = {}
        for row in self.evidence:
            if digits.startswith(row.hs):
                for code in row.codes:
                    supports.setdefault(code, f"HS {row.hs}: {row.why}")
        desc = self.descriptions[sub] if sub else self.descriptions[heading]
        return HsMatch(digits, sub, heading, desc, supports)
