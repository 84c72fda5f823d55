"""Build tripline/screening/data/company_words.tsv.gz: how many companies' names use each word.

A word many unrelated companies put in their names ("pacific", "star", "golden") says little
about which company is meant; the scorer (`tripline/screening/scorer.py`) lets no such word
carry a company match alone. The counts come from real names only:

* every organisation (not a person, vessel or aircraft) of the bundled sanctions and export
  lists (`data/watchlists`, parsed by Tripline's own list parsers, as `tripline lists load`
  does), one count per entity and word;
* the companies of the ISO 6346 container-owner register
  (`data/reference/iso6346/bic_owner_codes.csv.gz`, BIC), one count per distinct name and word.

(The manifest samples in `data/reference/manifest_samples` are anonymised: no names to count.)
Each name goes through the matcher's own normaliser for organisations; legal forms and the
vocabulary's generic words are left out (they are discounted already). Only words used by at
least MIN_COUNT companies are written. Run again when the bundled lists change:

    .venv/bin/python scripts/build_company_words.py
"""

from __future__ import annotations

import csv
import gzip
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tripline" / "screening" / "data" / "company_words.tsv.gz"
ISO6346 = ROOT / "data" / "reference" / "iso6346" / "bic_owner_codes.csv.gz"
MIN_COUNT = 5
NOT_COMPANIES = frozenset({"Person", "Vessel", "Airplane"})


def _words(normaliser: object, name: str) -> tuple[set[str], str]:
    """The distinctive words of a company name, and the first of them ("" if none)."""
    form = normaliser.form(name)  # type: ignore[attr-defined]
    words = [t.text for t in form.tokens if not t.generic and t.text.isalpha() and len(t.text) >= 3]
    return set(words), words[0] if words else ""


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.screening.real_cases import bundled_entities  # the lists as `tripline lists load` parses them
    from tripline.screening.normalize import Normaliser

    normaliser = Normaliser()
    lists: Counter[str] = Counter()
    heads: Counter[str] = Counter()
    entities = bundled_entities()
    organisations = 0
    for entity in entities.values():
        if entity.schema in NOT_COMPANIES:
            continue
        organisations += 1
        words: set[str] = set()
        first: set[str] = set()
        for prop in ("name", "alias", "previousName"):
            for name in entity.properties.get(prop, []):
                found, head = _words(normaliser, name)
                words |= found
                first.add(head)
        lists.update(words)
        heads.update(first & words)
    owners: Counter[str] = Counter()
    with gzip.open(ISO6346, "rt", encoding="utf-8") as fh:
        names = {row[1].strip() for row in csv.reader(fh, delimiter=";") if len(row) > 1 and row[1].strip()}
    for name in names:
        owners.update(_words(normaliser, name)[0])
    total = lists + owners
    lines = [
        f"# word\tcompanies\tlisted\tlisted_first\towners  ({organisations} listed organisations of the bundled lists, "
        f"{len(names)} ISO 6346 owner names; words of {MIN_COUNT}+ companies)"
    ]
    for word, count in sorted(total.items(), key=lambda kv: (-kv[1], kv[0])):
        if count >= MIN_COUNT:
            lines.append(f"{word}\t{count}\t{lists[word]}\t{heads[word]}\t{owners[word]}")
    OUT.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{OUT}: {len(lines) - 1} words ({organisations} organisations, {len(names)} owner names)")


if __name__ == "__main__":
    main()
