"""UN Security Council Consolidated List XML (``CONSOLIDATED_LIST`` with INDIVIDUALS and ENTITIES).

Streamed with ``iterparse``: each INDIVIDUAL or ENTITY element is turned into an entity and
then cleared, so memory stays flat whatever the size. ``dateGenerated`` on the root gives
``report.published``; the file's own count is the number of INDIVIDUAL and ENTITY elements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from tripline.errors import FormatError, TooLargeError
from tripline.lists.formats import entities as fe
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits, decode_head, open_bytes
from tripline.lists.model import ListEntry, LoadReport, SourceSpec

ROOT = "CONSOLIDATED_LIST"
RECORDS = {"INDIVIDUAL": "Person", "ENTITY": "LegalEntity"}
ALIAS_PROPS = {"good": "alias", "a.k.a.": "alias", "low": "weakAlias", "f.k.a.": "previousName"}
_ROOT_RE = re.compile(r"<CONSOLIDATED_LIST[\s>]")


class UnXmlFormat:
    name = "un_xml"
    title = "UN Security Council Consolidated List XML"

    def sniff(self, path: Path, head: bytes) -> bool:
        return bool(_ROOT_RE.search(decode_head(head)))

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]:
        for path in paths:
            yield from _parse_file(path, spec, report, limits)


def _parse_file(path: Path, spec: SourceSpec, report: LoadReport, limits: ReadLimits) -> Iterator[ListEntry]:
    stack: list[str] = []
    parents: list[ET.Element] = []
    count = 0
    seen: set[str] = set()
    with open_bytes(path, limits) as stream:
        parser = ET.iterparse(stream, events=("start", "end"))
        try:
            for event, elem in parser:
                if event == "start":
                    if not stack and elem.tag != ROOT:
                        raise FormatError(
                            f"not a UN consolidated list: root element is <{elem.tag}>, expected <{ROOT}>",
                            file=path,
                            line=1,
                            field=elem.tag,
                        )
                    if not stack:
                        report.published = _date(elem.get("dateGenerated")) or report.published
                    stack.append(elem.tag)
                    parents.append(elem)
                    continue
                stack.pop()
                parents.pop()
                if elem.text is not None and len(elem.text) > limits.max_line_bytes:
                    raise TooLargeError(f"text of <{elem.tag}> is longer than {limits.max_line_bytes} characters",
                                        file=path, field=elem.tag)  # fmt: skip
                if elem.tag in RECORDS and len(stack) == 2:
                    count += 1
                    report.rows += 1
                    item = _record(elem, spec, path)
                    if item.entry_id in seen:
                        report.merged += 1
                    else:
                        seen.add(item.entry_id)
                        yield item
                    elem.clear()
                    parents[-1].remove(elem)  # keep memory flat: drop the record from its parent
        except ET.ParseError as exc:
            line, column = exc.position
            where = "/".join(stack) or "document"
            raise FormatError(
                f"malformed or truncated XML inside <{where}> (column {column}): {_reason(exc)}",
                file=path,
                line=line,
                field=stack[-1] if stack else None,
            ) from exc
    if count == 0:
        raise FormatError("no INDIVIDUAL or ENTITY elements in the UN list", file=path)
    report.declared_count = (report.declared_count or 0) + count


def _reason(exc: ET.ParseError) -> str:
    return str(exc).split(":")[0]


def _texts(elem: ET.Element, path: str) -> list[str]:
    return [text for node in elem.findall(path) if (text := fe.clean(node.text))]


def _text(elem: ET.Element, path: str) -> str | None:
    return fe.clean(elem.findtext(path))


def _record(elem: ET.Element, spec: SourceSpec, path: Path) -> ListEntry:
    data_id = _text(elem, "DATAID")
    if data_id is None:
        raise FormatError(f"<{elem.tag}> without DATAID", file=path, field="DATAID")
    schema = RECORDS[elem.tag]
    entity = fe.make(schema, spec, data_id)
    parts = [_text(elem, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    fe.add(entity, "name", " ".join(p for p in parts if p))
    if schema == "Person":
        fe.add(entity, "firstName", parts[0])
        fe.add(entity, "secondName", parts[1])
        fe.add(entity, "title", _texts(elem, "TITLE/VALUE"))
        fe.add(entity, "position", _texts(elem, "DESIGNATION/VALUE"))
        fe.add(entity, "nationality", _texts(elem, "NATIONALITY/VALUE"))
        fe.add(entity, "gender", _text(elem, "GENDER"))
    fe.add(entity, "alias", _texts(elem, "NAME_ORIGINAL_SCRIPT"))
    fe.add(entity, "notes", _text(elem, "COMMENTS1"))
    fe.add(entity, "programId", _text(elem, "REFERENCE_NUMBER"))
    prefix = elem.tag
    for alias in elem.findall(f"{prefix}_ALIAS"):
        quality = (_text(alias, "QUALITY") or "good").lower()
        fe.add(entity, ALIAS_PROPS.get(quality, "alias"), _text(alias, "ALIAS_NAME"))
        if schema == "Person":
            fe.add(entity, "birthDate", _text(alias, "DATE_OF_BIRTH"))
    for address in elem.findall(f"{prefix}_ADDRESS"):
        fields = [_text(address, tag) for tag in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
        fe.add(entity, "address", ", ".join(p for p in fields if p))
        fe.add(entity, "country", fields[-1])
    for dob in elem.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        fe.add(entity, "birthDate", [_text(dob, "DATE"), _text(dob, "YEAR"), _text(dob, "FROM_YEAR"),
                                     _text(dob, "TO_YEAR")])  # fmt: skip
    for pob in elem.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
        fields = [_text(pob, tag) for tag in ("CITY", "STATE_PROVINCE", "COUNTRY")]
        fe.add(entity, "birthPlace", ", ".join(p for p in fields if p))
        fe.add(entity, "birthCountry", fields[-1])
    for doc in elem.findall("INDIVIDUAL_DOCUMENT"):
        kind = (_text(doc, "TYPE_OF_DOCUMENT") or "").lower()
        fe.add(entity, "passportNumber" if "passport" in kind else "idNumber", _text(doc, "NUMBER"))
    program = _text(elem, "UN_LIST_TYPE")
    return fe.entry(entity, spec, data_id, programs=[f"UN-{program}"] if program else [], section=program)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


FORMAT = UnXmlFormat()
