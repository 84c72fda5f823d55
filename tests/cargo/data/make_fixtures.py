"""Make the small watch-list slice the cargo end-to-end tests screen against.

Real data, cut down: the rows of the bundled OFAC SDN files (data/watchlists/us_ofac) whose
program tag is NPWMD (non-proliferation of weapons of mass destruction), with their aliases
and addresses, bytes unchanged. Run from the repository root:

    .venv/bin/python tests/cargo/data/make_fixtures.py
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "data" / "watchlists" / "us_ofac"
OUT = Path(__file__).resolve().parent / "ofac_npwmd"


def rows(name: str) -> list[str]:
    with gzip.open(SRC / f"{name}.gz", "rb") as handle:
        return handle.read().decode("cp1252").splitlines(keepends=True)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    keep: set[str] = set()
    sdn = []
    for line in rows("sdn.csv"):
        fields = next(csv.reader(io.StringIO(line)), [])
        if len(fields) >= 4 and "NPWMD" in fields[3]:
            keep.add(fields[0])
            sdn.append(line)
    (OUT / "sdn.csv").write_bytes("".join(sdn).encode("cp1252"))
    for name in ("alt.csv", "add.csv"):
        kept = [line for line in rows(name) if line.split(",", 1)[0] in keep]
        (OUT / name).write_bytes("".join(kept).encode("cp1252"))
    print(f"{len(sdn)} SDN entries kept")


if __name__ == "__main__":
    main()
