"""US Consolidated Screening List CSV (trade.gov): one file, many lists, each row keeps its source.

UTF-8 with a BOM, one header (a partial copy repeats it: repeats are skipped). Each row is
one entry of one source list (Entity List, DPL, UVL, MEU, SDN, SSI, ISN, DTC, ...): the
source's short code (``EL``, ``DPL``...) is the entry's ``section`` and the source its first
programme, so a person on two lists is two entries. The same ``_id`` given twice for the same
source (it happens once in the 2022 file) is one entry (``report.merged``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from followthemoney.proxy import EntityProxy

from tripline.lists.formats import entities as fe
from tripline.lists.formats.csvtools import dict_rows, header_of, split
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits, decode_head
from tripline.lists.model import ListEntry, LoadReport, SourceSpec

REQUIRED = ("_id", "source", "name", "type", "programs", "alt_names", "addresses")
_CODE = re.compile(r"\(([^()]+)\)")
TOPICS = {
    "EL": ("export.control",),
    "MEU": ("export.control",),
    "UVL": ("export.control",),
    "DPL": ("export.control", "debarment"),
    "DTC": ("debarment",),
    "ISN": ("sanction",),
}
_ID_TYPES: tuple[tuple[str, str], ...] = (
    ("imo", "imoNumber"),
    ("mmsi", "mmsi"),
    ("passport", "passportNumber"),
    ("registration", "registrationNumber"),
    ("company number", "registrationNumber"),
    ("tax id", "taxNumber"),
    ("national id", "idNumber"),
    ("identification", "idNumber"),
    ("cedula", "idNumber"),
    ("swift", "swiftBic"),
    ("website", "website"),
    ("email", "email"),
    ("phone", "phone"),
    ("gender", "gender"),
    ("legal entity number", "leiCode"),
)


class CslCsvFormat:
    name = "csl_csv"
    title = "US Consolidated Screening List CSV (trade.gov)"

    def sniff(self, path: Path, head: bytes) -> bool:
        header = header_of(decode_head(head))
        return header[:3] == ["_id", "source", "entity_number"]

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]:
        seen: set[str] = set()
        for path in paths:

            def truncated(line: int, path: Path = path) -> None:
                report.skipped += 1
                report.warnings.append(f"{path.name}: the last row (line {line}) is cut off (file truncated?); skipped")

            rows = dict_rows(
                path, REQUIRED, "Consolidated Screening List CSV", limits=limits, on_truncated_tail=truncated
            )
            for _, row in rows:
                report.rows += 1
                code = source_code(row["source"])
                entry_id = f"{code}-{row['_id'].strip()}"
                if entry_id in seen:
                    report.merged += 1
                    continue
                seen.add(entry_id)
                yield _entry(spec, row, code, entry_id)


def source_code(source: str) -> str:
    """``Entity List (EL) - Bureau of Industry and Security`` -> ``EL``."""
    match = _CODE.search(source)
    code = match.group(1) if match else source.split(" - ")[0]
    return code.removesuffix(" List").strip() or "unknown"


def _entry(spec: SourceSpec, row: dict[str, str], code: str, entry_id: str) -> ListEntry:
    schema = fe.schema_for(row.get("type"), default="LegalEntity")
    entity = fe.make(schema, spec, code, row["_id"].strip())
    fe.add(entity, "name", row["name"])
    fe.add(entity, "alias", split(row.get("alt_names")))
    for address in split(row.get("addresses")):
        fe.add(entity, "address", address)
        tail = address.rsplit(",", 1)[-1].strip()
        if len(tail) == 2 and tail.isalpha():
            fe.add(entity, "country", tail)
    if schema == "Person":
        fe.add(entity, "position", row.get("title"))
        fe.add(entity, "nationality", split(row.get("nationalities")) + split(row.get("citizenships")))
        fe.add(entity, "birthDate", split(row.get("dates_of_birth")))
        fe.add(entity, "birthPlace", split(row.get("places_of_birth")))
    else:
        fe.add(entity, "country", split(row.get("nationalities")) + split(row.get("citizenships")))
    if schema == "Vessel":
        fe.add(entity, "callSign", row.get("call_sign"))
        fe.add(entity, "type", row.get("vessel_type"))
        fe.add(entity, "tonnage", row.get("gross_tonnage"))
        fe.add(entity, "grossRegisteredTonnage", row.get("gross_registered_tonnage"))
        fe.add(entity, "flag", row.get("vessel_flag"))
    for item in split(row.get("ids")):
        _add_id(entity, item)
    fe.add(entity, "notes", [row.get("remarks"), row.get("license_requirement"), row.get("federal_register_notice")])
    fe.add(entity, "sourceUrl", [row.get("source_information_url"), row.get("source_list_url")])
    programs = [row["source"].strip(), *split(row.get("programs"))]
    return fe.entry(entity, spec, entry_id, programs=programs, section=code, topics=TOPICS.get(code, ("sanction",)))


def _add_id(entity: EntityProxy, item: str) -> None:
    parts = [part.strip() for part in item.split(",")]
    lowered = [part.lower() for part in parts]
    for key, prop in _ID_TYPES:
        for index, part in enumerate(lowered):
            if key in part:
                values = [p for i, p in enumerate(parts) if i != index and not (len(p) == 2 and p.isupper())]
                if values:
                    fe.add(entity, prop, values[0])
                return


FORMAT = CslCsvFormat()
