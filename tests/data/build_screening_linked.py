"""Write ``screening_linked_rows.jsonl``: real rows of the bundled lists for the linking tests.

Run after ``tripline lists load --bundled`` (it reads the current snapshots of the database
that ``TRIPLINE_VAR_DIR`` / ``TRIPLINE_DATABASE_URL`` name)::

    .venv/bin/python tests/data/build_screening_linked.py

The rows are copied as stored (properties as parsed from the list files); nothing is edited.
Which rows, and why, is in ``README.md`` next to this script.
"""

from __future__ import annotations

import json
from pathlib import Path

from tripline.lists.store import current_entities
from tripline.settings import Settings
from tripline.store.db import Database

OUT = Path(__file__).resolve().parent / "screening_linked_rows.jsonl"

# (list, the list's own entry id)
ROWS = [
    # Korea Mining Development Trading Corporation (KOMID): UN KPe.001, OFAC SDN 9345, UK 10892, EU XIII.B/1
    ("un_sc", "690735"),
    ("us_ofac_sdn", "9345"),
    ("us_csl", "SDN-9345"),
    ("us_csl", "ISN-50723cae952f93ac4fa9a86dfadd78135fd95459"),
    ("gb_hmt", "10892"),
    ("eu_oj", "32017R1509/XIII.B/1"),
    # RYU Jin (UN KPi.027) and KIL Jong Hun, whom the EU row lists with RYU Jin's passport number
    ("un_sc", "6908514"),
    ("us_ofac_sdn", "17616"),
    ("gb_hmt", "13337"),
    ("eu_oj", "32017R1509/XIII.A/27"),
    ("us_ofac_sdn", "17619"),
    ("eu_oj", "32017R1509/XVI.A/29"),
    # two people named KIM Yong Chol: born 1962-02-18 (UN KPi.024) and born 1946/1947 (OFAC 12211, UK, EU)
    ("un_sc", "6908511"),
    ("us_ofac_sdn", "17614"),
    ("gb_hmt", "13334"),
    ("eu_oj", "32017R1509/XIII.A/24"),
    ("us_ofac_sdn", "12211"),
    ("gb_hmt", "12439"),
    ("eu_oj", "32017R1509/XV.A/7"),
    # the UK list gives "UN Ref KPe.023" to two different companies (KNIC and Kangbong)
    ("gb_hmt", "13355"),
    ("gb_hmt", "13484"),
    ("un_sc", "6908594"),
    ("us_ofac_sdn", "20580"),
    # Ministry of Interior: Syria's on the UK list, Cuba's on OFAC's
    ("gb_hmt", "12692"),
    ("us_ofac_sdn", "30976"),
    # Mahan Air (Iran): OFAC SDN 12927 and its CSL copy, EU
    ("us_ofac_sdn", "12927"),
    ("us_csl", "SDN-12927"),
    ("eu_oj", "32023R1529/III.B/11"),
]


def main() -> None:
    db = Database.from_settings(Settings())
    wanted = set(ROWS)
    found = {}
    with db.transaction() as session:
        for entity in current_entities(session, sorted({source for source, _ in ROWS})):
            if (entity.source_id, entity.entry_id) in wanted:
                found[(entity.source_id, entity.entry_id)] = entity
    missing = wanted - set(found)
    if missing:
        raise SystemExit(f"not in the loaded lists: {sorted(missing)}")
    with OUT.open("w", encoding="utf-8") as fh:
        for key in ROWS:
            e = found[key]
            row = {
                "entity_id": e.entity_id,
                "source_id": e.source_id,
                "entry_id": e.entry_id,
                "schema": e.schema,
                "caption": e.caption,
                "properties": e.properties,
            }
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(ROWS)} rows written to {OUT}")


if __name__ == "__main__":
    main()
