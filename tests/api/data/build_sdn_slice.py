"""Make the small OFAC SDN slice the console tests screen against (run from the repo root).

Rule: every SDN row under the NPWMD (non-proliferation) programme among the first 60 such rows
of the bundled sdn.csv, plus LIMMT (9749), Shahid Bakeri Industrial Group (9350) and its director
(22265); with their alias and address rows. Rows are copied unchanged (cp1252, no header).
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

SRC = Path("data/watchlists/us_ofac")
OUT = Path(__file__).resolve().parent / "sdn_slice"
ALWAYS = {"9749", "9350", "22265"}


def _lines(name: str) -> list[bytes]:
    path = SRC / name
    raw = path.read_bytes() if path.exists() else gzip.decompress((SRC / f"{name}.gz").read_bytes())
    return raw.splitlines(keepends=True)


def _first_cells(line: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(line.decode("cp1252"))), [])


def main() -> None:
    OUT.mkdir(exist_ok=True)
    sdn = _lines("sdn.csv")
    npwmd = [line for line in sdn if "NPWMD" in [*_first_cells(line), "", "", "", ""][3]][:60]
    keep = {_first_cells(line)[0] for line in npwmd} | ALWAYS
    for name in ("sdn.csv", "alt.csv", "add.csv"):
        lines = [line for line in _lines(name) if (_first_cells(line) or [""])[0] in keep]
        (OUT / name).write_bytes(b"".join(lines))


if __name__ == "__main__":
    main()
