"""BIS Denied Persons List (``dpl.txt``): tab-separated, quoted, with a header.

One row per denial order and address. Rows of the same party under the same order
(same ``Name`` and ``Effective_Date``) are one entry with all its addresses
(``report.merged`` counts the folded rows). The whole list is grouped in memory: it is
small (under a thousand rows) and not sorted by party. ``report.published`` is the latest
``Last_Update`` that is not in the future (the file holds a typo dated 3033).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from tripline.lists.formats import entities as fe
from tripline.lists.formats.csvtools import dict_rows, header_of
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits, decode_head
from tripline.lists.model import ListEntry, LoadReport, SourceSpec

REQUIRED = ("Name", "Street_Address", "City", "Country", "Effective_Date", "FR_Citation")


class BisDplFormat:
    name = "bis_dpl"
    title = "BIS Denied Persons List (tab-separated dpl.txt)"

    def sniff(self, path: Path, head: bytes) -> bool:
        header = header_of(decode_head(head), delimiter="\t")
        return header[:2] == ["Name", "Street_Address"]

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]:
        groups: dict[str, list[dict[str, str]]] = {}
        latest: date | None = None
        for path in paths:
            for _, row in dict_rows(path, REQUIRED, "BIS Denied Persons List", limits=limits, delimiter="\t"):
                report.rows += 1
                key = f"{fe.clean(row['Name']) or ''}|{row['Effective_Date'].strip()}"
                if key in groups:
                    report.merged += 1
                groups.setdefault(key, []).append(row)
                updated = _iso(row.get("Last_Update"))
                if updated and updated <= date.today() and (latest is None or updated > latest):
                    latest = updated
        if latest is not None:
            report.published = latest
        for key, rows in groups.items():
            yield _entry(spec, key, rows)


def _iso(value: str | None) -> date | None:
    text = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _entry(spec: SourceSpec, key: str, rows: list[dict[str, str]]) -> ListEntry:
    first = rows[0]
    entity = fe.make("LegalEntity", spec, key)
    fe.add(entity, "name", first["Name"])
    for row in rows:
        parts = [row.get(col) for col in ("Street_Address", "City", "State", "Postal_Code", "Country")]
        fe.add(entity, "address", ", ".join(p for p in (fe.clean(x) for x in parts) if p))
        fe.add(entity, "country", row.get("Country"))
    effective = _iso(first.get("Effective_Date"))
    expiry = _iso(first.get("Expiration_Date"))
    notes = [f"Denial order effective {effective or first.get('Effective_Date')}"
             + (f", expires {expiry}" if expiry else "")
             + (" (standard order)" if first.get("Standard_Order", "").strip() == "Y" else ""),
             f"Federal Register: {first.get('FR_Citation', '').strip()}"]  # fmt: skip
    fe.add(entity, "notes", notes)
    return fe.entry(entity, spec, key, section="DPL")


FORMAT = BisDplFormat()
