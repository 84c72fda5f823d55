"""The US Commerce Control List: the index JSON (one record per ECCN) and the eCFR XML headings.

The JSON gives the full text of each ECCN; :func:`parse_ccl_index` turns it into entries with
reasons for control, "XX applies to ..." rows and the item tree. :func:`ccl_xml_headings` reads
the eCFR XML independently, so that a test can check that no ECCN is dropped.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import structlog

from tripline.controls.items import LABEL_RE, ItemBuilder, is_next_label, note_kind
from tripline.controls.model import Applies, ControlEntry, ItemKind, Source
from tripline.controls.regimes import RegimeBook
from tripline.controls.sources.files import read_text
from tripline.controls.textnorm import clean
from tripline.controls.vocabulary import Vocabulary
from tripline.errors import FormatError

log = structlog.get_logger(__name__)

ECCN_RE = re.compile(r"^\d[A-E]\d{3}$")
_HEADING_RE = re.compile(r"^(?P<eccn>\d[A-E]\d{3})\b")
_APPLIES_RE = re.compile(r"(?m)^(?P<reason>[A-Z]{2}\d?) applies to:?\s+(?P<what>[^|]+?)\s*\|")
_RESERVED = re.compile(r"^\[?reserved\]?\.?$", re.IGNORECASE)


def parse_ccl_index(path: Path, vocabulary: Vocabulary, regimes: RegimeBook) -> tuple[list[ControlEntry], list[str]]:
    """Entries and warnings from ``ccl_index.json(.gz)``; every record gives exactly one entry."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise FormatError(f"not JSON: {exc.msg}", file=path, line=exc.lineno) from exc
    records = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise FormatError("expected an object with an 'entries' list", file=path, field="entries")
    entries: list[ControlEntry] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for index, record in enumerate(records):
        entry, problems = _entry(record, index, path, vocabulary, regimes)
        if entry.code in seen:
            raise FormatError(f"ECCN {entry.code} occurs twice", file=path, field=f"entries[{index}].eccn")
        seen.add(entry.code)
        entries.append(entry)
        warnings.extend(problems)
    declared = data.get("n_entries")
    if isinstance(declared, int) and declared != len(entries):
        raise FormatError(f"file declares {declared} entries but holds {len(entries)}", file=path, field="n_entries")
    return entries, warnings


def _entry(
    record: Any, index: int, path: Path, vocabulary: Vocabulary, regimes: RegimeBook
) -> tuple[ControlEntry, list[str]]:
    where = f"entries[{index}]"
    if not isinstance(record, dict):
        raise FormatError("entry is not an object", file=path, field=where)
    eccn = str(record.get("eccn", ""))
    if not ECCN_RE.match(eccn):
        raise FormatError(f"not an ECCN: {eccn!r}", file=path, field=f"{where}.eccn")
    text = str(record.get("text") or "")
    title = clean(str(record.get("title") or ""))
    if not title:
        raise FormatError("ECCN without title", file=path, field=f"{where}.title")
    reasons = tuple(r.strip() for r in str(record.get("reason_for_control") or "").split(",") if r.strip())
    applies = tuple(Applies(m.group("reason"), clean(m.group("what"))) for m in _APPLIES_RE.finditer(text))
    items, warnings = _items(eccn, text, vocabulary, f"{path}, {where} ({eccn})")
    entry = ControlEntry(
        source=Source.CCL,
        code=eccn,
        title=title,
        text=text,
        reasons=reasons,
        regimes=regimes.for_ccl(eccn, reasons),
        regime_refs=regimes.refs(eccn, wassenaar="NS" in reasons),
        applies=applies,
        items=items,
        is_catchall=bool(record.get("is_catchall")),
    )
    return entry, warnings


def _items(eccn: str, text: str, vocabulary: Vocabulary, where: str) -> tuple[tuple[Any, ...], list[str]]:
    start = text.find("\nItems:")
    if start < 0:
        return (), []
    body = text[start + len("\nItems:") :]
    builder = ItemBuilder(eccn, vocabulary)
    warnings: list[str] = []
    current: str | None = None
    in_note = False
    for raw in re.split(r"\n\s*\n", body):
        para = clean(raw)
        if not para:
            continue
        m = LABEL_RE.match(para)
        if m and is_next_label(m.group("label"), current):
            current = m.group("label")
            in_note = False
            builder.add(f"{eccn}.{current}", ItemKind.ITEM, para[m.end() :], current.count(".") + 1)
            continue
        kind = note_kind(para)
        if kind is not None and ":" in para[:40]:
            _, _, rest = para.partition(":")
            code = f"{eccn}.{current}" if current else eccn
            builder.add(code, kind, rest.strip(), (current.count(".") + 2) if current else 1)
            in_note = True
            continue
        if m and not in_note and not _RESERVED.match(para[m.end() :]):
            warnings.append(f"{where}: item label {m.group('label')!r} out of order after {current!r}; kept as text")
        if not builder.extend_last(para):
            builder.add(eccn, ItemKind.NOTE, para, 1)
    return builder.build(), warnings


def ccl_xml_headings(path: Path) -> dict[str, str]:
    """ECCN -> heading text of every ECCN heading (``<FP-2><B>``) in the eCFR XML."""
    try:
        root = ET.fromstring(read_text(path))
    except ET.ParseError as exc:
        raise FormatError(f"XML not well-formed: {exc}", file=path, line=exc.position[0]) from exc
    out: dict[str, str] = {}
    for fp in root.iter("FP-2"):
        bold = fp.find("B")
        if bold is None:
            continue
        heading = clean("".join(bold.itertext()))
        m = _HEADING_RE.match(heading)
        if m is None:
            continue  # "EAR99 Items subject to the EAR ..." headings
        eccn = m.group("eccn")
        if eccn in out:
            raise FormatError(f"ECCN {eccn} heading occurs twice", file=path, field="FP-2/B")
        out[eccn] = heading
    return out
