"""EU sanctions annexes of the Official Journal, as transcribed by OpenSanctions (one CSV per act).

Header ``celex,recordId,programKey,annex,measure,startDate,reason,schema,name,alias,...``:
the columns after ``schema`` are FollowTheMoney property names, multiple values separated
by ``"; "``. One row is one designation in one annex: the entry id is
``CELEX/annex/recordId`` (``recordId`` restarts in each annex; rows without one, as in the
Al-Qaida act, use ``CELEX/annex/name``). A key given twice in one
file (a designation split over two rows) is merged into one entry (``report.merged``).
Each act (CELEX number) is the entry's section.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from tripline.errors import FormatError
from tripline.lists.formats import entities as fe
from tripline.lists.formats.csvtools import dict_rows, header_of, split
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits, decode_head
from tripline.lists.formats.values import country_names, dates_in, document_number
from tripline.lists.model import ListEntry, LoadReport, SourceSpec

REQUIRED = ("celex", "recordId", "programKey", "annex", "schema", "name")
META = frozenset({"celex", "recordId", "programKey", "annex", "measure", "startDate", "reason", "schema"})
SINGLE_VALUED = frozenset({"notes", "reason", "name"})  # free text: never split on ';'
DATE_PROPS = frozenset({"birthDate", "incorporationDate"})
COUNTRY_PROPS = frozenset({"country", "nationality", "jurisdiction", "citizenship", "birthCountry"})
DOCUMENT_PROPS = frozenset({"passportNumber", "idNumber"})  # free text around the number: number kept, text to notes
# 29 annex rows are FtM Assets (ports such as Astrakhan, the digital rouble): kept, as LegalEntity, so they count
SCHEMA_FALLBACK = {"Asset": "LegalEntity"}


class EuOjCsvFormat:
    name = "eu_oj_csv"
    title = "EU Official Journal sanctions annexes (OpenSanctions CSV transcription)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return header_of(decode_head(head))[:3] == ["celex", "recordId", "programKey"]

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]:
        for path in paths:
            entries: dict[str, ListEntry] = {}
            for line, row in dict_rows(path, REQUIRED, "EU OJ sanctions CSV", limits=limits):
                report.rows += 1
                item = _entry(spec, row, path, line)
                if item.entry_id in entries:
                    report.merged += 1
                    first = entries[item.entry_id]
                    first.entity = first.entity.merge(item.entity)
                    continue
                entries[item.entry_id] = item
            yield from entries.values()


def _entry(spec: SourceSpec, row: dict[str, str], path: Path, line: int) -> ListEntry:
    celex, annex, record = row["celex"].strip(), row["annex"].strip(), row["recordId"].strip()
    name = fe.clean(row.get("name"))
    if not celex:
        raise FormatError("row without celex", file=path, line=line, field="celex")
    if not name:
        raise FormatError("row without a name", file=path, line=line, field="name")
    schema_name = row["schema"].strip()
    schema_name = SCHEMA_FALLBACK.get(schema_name, schema_name)
    if schema_name not in fe.LIST_SCHEMATA:
        raise FormatError(f"unknown schema {schema_name!r}", file=path, line=line, field="schema")
    # 550 rows (Al-Qaida, Russia Annex IV...) have no recordId: their name is their key
    entry_id = f"{celex}/{annex}/{record}" if record else f"{celex}/{annex}/{name}"
    entity = fe.make(schema_name, spec, entry_id)
    for column, value in row.items():
        if column in META or not value:
            continue
        values = [value] if column in SINGLE_VALUED else split(value)
        if column in DATE_PROPS:
            values = [iso for item in values for iso in dates_in(item)]
        elif column in COUNTRY_PROPS:
            values = [name for item in values for name in country_names(item)]
        elif column in DOCUMENT_PROPS:
            numbers = [document_number(item) or item for item in values]
            fe.add(entity, "notes", [f"{column}: {item}" for item, n in zip(values, numbers, strict=True) if n != item])
            values = numbers
        fe.add(entity, column, values)
    fe.add(entity, "notes", row.get("reason"))
    measure = fe.clean(row.get("measure"))
    started = fe.clean(row.get("startDate"))
    fe.add(entity, "notes", f"{celex} Annex {annex}" + (f": {measure}" if measure else "")
           + (f", listed {started}" if started else ""))  # fmt: skip
    program = fe.clean(row.get("programKey"))
    return fe.entry(entity, spec, entry_id, programs=[program] if program else [], section=celex)


FORMAT = EuOjCsvFormat()
