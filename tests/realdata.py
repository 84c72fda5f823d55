"""Real measured spectra for evaluation: ``tests/data/radiation_real.csv`` and where its files are.

The RadiaCode community spectra have no licence upstream, so they are not bundled: they are read
from ``../shared/data/radiation/radiacode_community/`` next to the repository (the nearest
ancestor folder holding ``shared/data``; ``TRIPLINE_SHARED_DATA`` overrides). Used by the tests,
by ``bench/radiation.py`` and by ``tests/data/build_radiation_real.py``.
"""

from __future__ import annotations

import csv
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tripline.radiation.model import Spectrum, Verdict
from tripline.radiation.readers import pair_spectra, read_spectra
from tripline.radiation.readers.n42 import parse_n42
from tripline.settings import REPO_DIR

CASES_FILE = REPO_DIR / "tests" / "data" / "radiation_real.csv"
BUNDLED = REPO_DIR / "data"


def shared_data() -> Path | None:
    """The ``shared/data`` folder of this checkout, or None when it is not there."""
    env = os.environ.get("TRIPLINE_SHARED_DATA")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for parent in REPO_DIR.parents:
        candidate = parent / "shared" / "data"
        if (candidate / "radiation").is_dir():
            return candidate
    return None


@dataclass(frozen=True)
class RealCase:
    case_id: str
    split: str
    kind: str
    accept: frozenset[Verdict]
    nuclides: tuple[str, ...]
    store: str  # shared | bundled
    file: str
    member: str
    source: str
    what: str

    @property
    def group(self) -> str:
        """Reporting group: NORM, background (ambient and cosmic), man-made (industrial, medical)."""
        if self.kind.startswith("NORM"):
            return "NORM"
        if self.kind in ("background", "cosmic"):
            return "background"
        return "man-made"

    def spectra(self, shared: Path | None = None) -> list[tuple[Spectrum, Spectrum | None]]:
        """(foreground, in-file background or None) pairs of the case's file."""
        root = BUNDLED if self.store == "bundled" else (shared or shared_data())
        if root is None:
            raise FileNotFoundError("shared/data not found (set TRIPLINE_SHARED_DATA)")
        path = root / self.file
        if self.member:
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == self.member]
                if len(names) != 1:
                    raise FileNotFoundError(f"{self.member} not in {path}")
                data = archive.read(names[0])
            return pair_spectra(parse_n42(data, source=f"{path.name}!{self.member}"))
        return pair_spectra(read_spectra(path))


def load_cases(path: Path = CASES_FILE) -> list[RealCase]:
    with path.open(encoding="utf-8") as fh:
        return [
            RealCase(
                case_id=row["case_id"],
                split=row["split"],
                kind=row["kind"],
                accept=frozenset(Verdict(v) for v in row["accept"].split("|")),
                nuclides=tuple(n for n in row["nuclides"].split("|") if n),
                store=row["store"],
                file=row["file"],
                member=row["member"],
                source=row["source"],
                what=row["what"],
            )
            for row in csv.DictReader(fh)
        ]
