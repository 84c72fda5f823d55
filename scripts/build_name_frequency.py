"""Build tripline/screening/data/name_frequency.tsv.gz from the PyPI package names-dataset.

names-dataset 3.3.1 (Philippe Remy, https://github.com/philipperemy/name-dataset; built from
the 2021 Facebook leak of 533M profiles, 106 countries) ships, for each first and last name,
its rank among the names of each country where it is frequent. This keeps, per ASCII token,
its best rank as a given name and as a family name and the country of that rank, for ranks up
to MAX_RANK. Run once when the package version changes:

    pip install names-dataset==3.3.1
    .venv/bin/python scripts/build_name_frequency.py
"""

from __future__ import annotations

import gzip
import importlib.util
import pickle
import sys
from pathlib import Path

from rigour.text.translit import ascii_text

MAX_RANK = 100  # frequency.COMMON_RANK: rarer names are never decisive
OUT = Path(__file__).resolve().parents[1] / "tripline" / "screening" / "data" / "name_frequency.tsv.gz"


def _table(path: Path) -> dict[str, tuple[int, str]]:
    with gzip.open(path, "rb") as fh:
        raw = pickle.load(fh)
    best: dict[str, tuple[int, str]] = {}
    for name, info in raw.items():
        ranks = {cc: r for cc, r in (info.get("rank") or {}).items() if r is not None and r <= MAX_RANK}
        if not ranks:
            continue
        token = ascii_text(str(name)).lower().strip()
        if not token.isalpha() or not token.isascii():
            continue
        country, rank = min(ranks.items(), key=lambda kv: (kv[1], kv[0]))
        if token not in best or (rank, country) < best[token]:
            best[token] = (rank, country)
    return best


def main() -> None:
    spec = importlib.util.find_spec("names_dataset")
    if spec is None or spec.origin is None:
        sys.exit("pip install names-dataset==3.3.1")
    base = Path(spec.origin).resolve().parent / "v3"
    given = _table(base / "first_names.pkl.gz")
    family = _table(base / "last_names.pkl.gz")
    lines = ["# token\tkind\tbest_rank\tcountry  (names-dataset 3.3.1; kind g=given, f=family)"]
    for kind, table in (("g", given), ("f", family)):
        lines.extend(f"{t}\t{kind}\t{r}\t{c}" for t, (r, c) in sorted(table.items()))
    OUT.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{OUT}: {len(given)} given, {len(family)} family names")


if __name__ == "__main__":
    main()
