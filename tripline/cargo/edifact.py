"""EDIFACT CUSCAR (Customs cargo report, directory D.95B) manifests, parsed with pydifact.

One interchange holds one or more messages (one per vessel call); each consignment is a
``CNI`` group (one bill of lading). The subset read and written is documented in
``docs/manifest-schema.md``:

- message level: ``BGM+85``, ``DTM+132`` (arrival), ``TDT+20`` (vessel name and IMO number
  in C222: ``IMO:146:11:NAME``), ``EQD+CN`` (containers on board);
- consignment (``CNI+seq+B/L``): ``RFF+BM``, ``DTM+133`` (departure), ``LOC`` (88 receipt,
  9 loading, 13 transshipment, 11 discharge, 7 delivery/final destination), ``NAD`` (CZ
  consignor = shipper, CN consignee, N1 notify party, UC ultimate consignee = end user;
  name in C080, country in 3207);
- goods item (``GID``): ``FTX+AAA`` description, ``PIA+5+code:HS``, ``MEA+AAE+G+KGM:n``,
  ``MOA+40:n:USD``, ``QTY+1:n``, ``SGP+container``.

Errors carry the line of the offending segment and the segment/field name.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydifact.exceptions import EDISyntaxError, MissingImplementationWarning
from pydifact.segmentcollection import Interchange, Message
from pydifact.segments import Segment

from tripline.cargo.model import Role, Shipment
from tripline.cargo.reference import ReferenceData
from tripline.cargo.validate import LoadResult, build_shipment
from tripline.errors import FormatError
from tripline.lists.formats.reader import text_lines

NAD_ROLES = {"CZ": Role.SHIPPER, "CN": Role.CONSIGNEE, "N1": Role.NOTIFY, "UC": Role.END_USER}
ROLE_NAD = {v: k for k, v in NAD_ROLES.items()}
LOC_FIELDS = {"88": "place_of_receipt", "9": "port_of_loading", "11": "port_of_discharge", "7": "final_destination"}

FIELD_NAMES: dict[tuple[str, ...], str] = {
    ("bill_of_lading",): "CNI document number",
    ("containers",): "SGP equipment identifier",
    ("goods", "description"): "FTX+AAA text",
    ("goods", "hs_code"): "PIA item number",
    ("goods", "quantity"): "QTY quantity",
    ("goods", "weight_kg"): "MEA measure",
    ("goods", "value_usd"): "MOA amount",
    ("goods",): "GID",
    ("route", "place_of_receipt"): "LOC+88 location",
    ("route", "port_of_loading"): "LOC+9 location",
    ("route", "transshipment"): "LOC+13 location",
    ("route", "port_of_discharge"): "LOC+11 location",
    ("route", "final_destination"): "LOC+7 location",
    ("route",): "LOC",
    ("vessel", "imo"): "TDT transport identification",
    ("vessel", "name"): "TDT transport means name",
    ("departure_date",): "DTM+133",
    ("arrival_date",): "DTM+132",
    ("parties",): "NAD",
}
for _q, _role in NAD_ROLES.items():
    FIELD_NAMES[("parties", _role.value, "country")] = f"NAD+{_q} country"


def _segment_lines(text: str, release: str = "?", terminator: str = "'") -> list[int]:
    """1-based line on which each segment starts (UNA excluded), honouring the release character."""
    lines: list[int] = []
    line = 1
    start = True
    i = 0
    if text.startswith("UNA"):
        release, terminator = text[6], text[8]
        i = 9
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
        elif start and not ch.isspace():
            lines.append(line)
            start = False
        if ch == release:
            i += 2
            continue
        if ch == terminator:
            start = True
        i += 1
    return lines


def _el(segment: Segment, index: int, component: int = 0) -> str:
    """Component ``component`` of element ``index`` ('' when absent)."""
    if index >= len(segment.elements):
        return ""
    value = segment.elements[index]
    if isinstance(value, list):
        return str(value[component]) if component < len(value) and value[component] is not None else ""
    return str(value) if component == 0 and value is not None else ""


def _date(value: str) -> str | None:
    if len(value) >= 8 and value[:8].isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:8]}"
    return value or None


class _Consignment:
    def __init__(self, line: int, number: str, vessel: dict[str, str] | None, arrival: str | None) -> None:
        self.line = line
        self.record: dict[str, Any] = {
            "bill_of_lading": number,
            "containers": [],
            "parties": [],
            "goods": [],
            "route": {"transshipment": []},
            "arrival_date": arrival,
        }
        if vessel:
            self.record["vessel"] = vessel
        self.lines: dict[tuple[str, ...], int] = {("bill_of_lading",): line}


def _read_text(path: Path) -> str:
    """The whole file as text, read through the lists' bounded reader (gzip, BOM, size limits, and
    a decoding error naming its line); an empty file is refused."""
    text = "".join(text_lines(path))
    if not text.strip():
        raise FormatError("empty file: no EDIFACT interchange", file=path, line=1)
    return text


_UNZ = re.compile(r"UNZ\+(\d+)(?:\+[^']*)?'?\s*$")


def _check_counts(path: Path, segments: Sequence[Segment], lines: Sequence[int], offset: int, text: str) -> None:
    """Refuse an interchange unless every message is complete: each UNH closed by a UNT whose
    segment count and reference agree, and the UNZ message count, when an UNB opens it."""
    opened: tuple[int, str, int] | None = None  # (index, reference, line) of the open UNH
    messages = 0
    for index, seg in enumerate(segments):
        line = lines[index + offset]
        if seg.tag == "UNH":
            if opened is not None:
                raise FormatError(
                    "message not terminated by UNT before the next UNH", file=path, line=line, field="UNT"
                )
            opened = (index, _el(seg, 0), line)
        elif seg.tag == "UNT":
            if opened is None:
                raise FormatError("UNT without a UNH", file=path, line=line, field="UNT")
            start, reference, _ = opened
            counted = index - start + 1
            declared = _el(seg, 0)
            if declared != str(counted):
                raise FormatError(
                    f"UNT says {declared or 'nothing'} segments, the message has {counted}: truncated or altered",
                    file=path,
                    line=line,
                    field="UNT.0074",
                )
            if _el(seg, 1) != reference:
                raise FormatError(
                    f"UNT reference {_el(seg, 1)!r} does not match UNH reference {reference!r}",
                    file=path,
                    line=line,
                    field="UNT.0062",
                )
            opened = None
            messages += 1
    if opened is not None:
        raise FormatError(
            "message not terminated by UNT: the file is truncated; nothing was stored",
            file=path,
            line=opened[2],
            field="UNT",
        )
    if offset:
        unz = _UNZ.search(text)
        if unz is None:
            raise FormatError("interchange not terminated by UNZ: the file is truncated", file=path, field="UNZ")
        if int(unz.group(1)) != messages:
            raise FormatError(
                f"UNZ says {unz.group(1)} messages, the interchange has {messages}",
                file=path,
                line=text.count("\n", 0, unz.start()) + 1,
                field="UNZ.0036",
            )


def read_cuscar(path: Path, ref: ReferenceData) -> LoadResult:
    """Read a CUSCAR interchange; refused whole (FormatError) unless every message is complete."""
    text = _read_text(path)
    try:
        with warnings.catch_warnings():
            # pydifact ships no service-segment definitions to validate UNB/UNH against
            warnings.simplefilter("ignore", MissingImplementationWarning)
            interchange = Interchange.from_str(text)
    except (EDISyntaxError, ValueError, IndexError, TypeError, StopIteration) as exc:
        raise FormatError(f"not a valid EDIFACT interchange: {exc or 'no segments'}", file=path) from None
    segments = list(interchange.segments)
    lines = _segment_lines(text)
    # pydifact keeps UNB/UNZ out of .segments: align from the end of the header
    offset = 1 if text.lstrip().startswith(("UNB", "UNA")) else 0
    if len(lines) < len(segments) + offset:
        lines = list(range(1, len(segments) + offset + 1))
    _check_counts(path, segments, lines, offset, text)
    result = LoadResult()
    vessel: dict[str, str] | None = None
    arrival: str | None = None
    current: _Consignment | None = None
    in_message = False

    def finish() -> None:
        nonlocal current
        if current is not None:
            build_shipment(
                current.record,
                file=path,
                line=current.line,
                ref=ref,
                result=result,
                field_names=FIELD_NAMES,
                line_of=current.lines,
            )
        current = None

    for index, seg in enumerate(segments):
        line = lines[index + offset]
        tag = seg.tag
        if tag == "UNH":
            finish()
            in_message = True
            vessel, arrival = None, None
            if _el(seg, 1, 0) != "CUSCAR":
                raise FormatError(f"message type {_el(seg, 1, 0)!r} is not CUSCAR", file=path, line=line, field="UNH")
        elif tag == "UNT":
            finish()
            in_message = False
        elif not in_message:
            continue
        elif tag == "TDT" and current is None:
            imo, name = _el(seg, 7, 0), _el(seg, 7, 3)
            vessel = {"name": name, "imo": imo} if (imo or name) else None
        elif tag == "DTM" and current is None and _el(seg, 0, 0) == "132":
            arrival = _date(_el(seg, 0, 1))
        elif tag == "CNI":
            finish()
            current = _Consignment(line, _el(seg, 1), vessel, arrival)
            if vessel:
                current.lines[("vessel",)] = line
        elif current is None:
            continue
        else:
            _consignment_segment(current, seg, line)
    finish()
    return result


def _consignment_segment(current: _Consignment, seg: Segment, line: int) -> None:
    rec = current.record
    tag = seg.tag
    goods: list[dict[str, Any]] = rec["goods"]
    if tag == "DTM" and _el(seg, 0, 0) == "133":
        rec["departure_date"] = _date(_el(seg, 0, 1))
    elif tag == "LOC":
        qualifier, code = _el(seg, 0), _el(seg, 1, 0)
        if qualifier == "13":
            rec["route"]["transshipment"].append(code)
            current.lines.setdefault(("route", "transshipment"), line)
        elif qualifier in LOC_FIELDS:
            rec["route"][LOC_FIELDS[qualifier]] = code
            current.lines[("route", LOC_FIELDS[qualifier])] = line
    elif tag == "NAD":
        role = NAD_ROLES.get(_el(seg, 0))
        if role is not None:
            name = " ".join(c for c in (_el(seg, 3, i) for i in range(5)) if c)
            rec["parties"].append({"role": role.value, "name": name, "country": _el(seg, 8) or None})
            current.lines[("parties", role.value, "country")] = line
            current.lines.setdefault(("parties",), line)
    elif tag == "GID":
        goods.append({"description": "", "hs_code": "", "quantity": None})
        current.lines.setdefault(("goods",), line)
    elif not goods:
        return
    elif tag == "FTX" and _el(seg, 0) == "AAA":
        goods[-1]["description"] = " ".join(c for c in (_el(seg, 3, i) for i in range(5)) if c)
        current.lines.setdefault(("goods", "description"), line)
    elif tag == "PIA":
        goods[-1]["hs_code"] = _el(seg, 1, 0)
        current.lines.setdefault(("goods", "hs_code"), line)
    elif tag == "MEA" and _el(seg, 1) == "G":
        goods[-1]["weight_kg"] = _el(seg, 2, 1) or None
        current.lines.setdefault(("goods", "weight_kg"), line)
    elif tag == "MOA":
        goods[-1]["value_usd"] = _el(seg, 0, 1) or None
        current.lines.setdefault(("goods", "value_usd"), line)
    elif tag == "QTY":
        goods[-1]["quantity"] = _el(seg, 0, 1) or None
        current.lines.setdefault(("goods", "quantity"), line)
    elif tag == "SGP":
        container = _el(seg, 0)
        if container not in rec["containers"]:
            rec["containers"].append(container)
        current.lines.setdefault(("containers",), line)


def _chunks(text: str, size: int = 70) -> list[str]:
    """Split at spaces into at most 5 components of ``size`` characters (the reader joins them with a space)."""
    parts: list[str] = []
    current = ""
    for word in text.split(" "):
        while len(word) > size:  # a word longer than a component: cut it
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:size])
            word = word[size:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= size:
            current += " " + word
        else:
            parts.append(current)
            current = word
    parts.append(current)
    if len(parts) > 5:
        raise ValueError(f"text too long for 5 components of {size} characters")
    return parts


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value}"


def _consignment_segments(seq: int, s: Shipment) -> list[Segment]:
    out = [Segment("CNI", str(seq), s.bill_of_lading), Segment("RFF", ["BM", s.bill_of_lading])]
    if s.departure_date:
        out.append(Segment("DTM", ["133", s.departure_date.strftime("%Y%m%d"), "102"]))
    r = s.route
    if r.place_of_receipt:
        out.append(Segment("LOC", "88", [r.place_of_receipt, "", "6"]))
    out.append(Segment("LOC", "9", [r.port_of_loading, "", "6"]))
    out.extend(Segment("LOC", "13", [code, "", "6"]) for code in r.transshipment)
    out.append(Segment("LOC", "11", [r.port_of_discharge, "", "6"]))
    if r.final_destination:
        out.append(Segment("LOC", "7", [r.final_destination, "", "6"]))
    for party in s.parties:
        out.append(
            Segment("NAD", ROLE_NAD[party.role], "", "", _chunks(party.name, 35), "", "", "", "", party.country or "")
        )
    for i, g in enumerate(s.goods, start=1):
        out.append(Segment("GID", str(i)))
        out.append(Segment("FTX", "AAA", "", "", _chunks(g.description)))
        out.append(Segment("PIA", "5", [g.hs_code, "HS"]))
        if g.quantity is not None:
            out.append(Segment("QTY", ["1", _num(g.quantity)]))
        if g.weight_kg is not None:
            out.append(Segment("MEA", "AAE", "G", ["KGM", _num(g.weight_kg)]))
        if g.value_usd is not None:
            out.append(Segment("MOA", ["40", _num(g.value_usd), "USD"]))
        if i == 1:
            out.extend(Segment("SGP", c) for c in s.containers)
    return out


def write_cuscar(shipments: Sequence[Shipment] | Iterable[Shipment], *, sender: str = "TRIPLINE") -> str:
    """Serialise shipments as one CUSCAR interchange, one message per vessel and arrival date."""
    groups: dict[tuple[str, str, str], list[Shipment]] = {}
    for s in shipments:
        key = (s.vessel.imo if s.vessel else "", s.vessel.name if s.vessel else "", str(s.arrival_date or ""))
        groups.setdefault(key, []).append(s)
    stamp = dt.datetime(2026, 1, 1, 0, 0)
    interchange = Interchange(sender, "CUSTOMS", "1", ("UNOC", 3), timestamp=stamp)
    for number, ((imo, name, arrival), items) in enumerate(groups.items(), start=1):
        message = Message(str(number), ["CUSCAR", "D", "95B", "UN"])
        message.add_segment(Segment("BGM", "85", f"M{number:06d}", "9"))
        if arrival:
            message.add_segment(Segment("DTM", ["132", arrival.replace("-", ""), "102"]))
        if imo or name:
            message.add_segment(Segment("TDT", "20", "", "1", "", "", "", "", [imo, "146", "11", name]))
        for s in items:
            for c in s.containers:
                message.add_segment(Segment("EQD", "CN", c))
        for seq, s in enumerate(items, start=1):
            message.add_segments(_consignment_segments(seq, s))
        interchange.add_segment(message.get_header_segment())
        interchange.add_segments(message.segments)
        interchange.add_segment(message.get_footer_segment())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingImplementationWarning)
        return interchange.serialize(break_lines=True)
