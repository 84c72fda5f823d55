"""Facts OFAC writes into the free-text ``Remarks`` column, turned into entity properties.

OFAC separates facts with ``"; "``: ``DOB 25 Mar 1973; POB Damascus, Syria; nationality Syria;
Passport 123 (Syria); a.k.a. 'BNC'; IMO 9187629; Registration Number 1027700167110 (Russia)``.
Only the cheap, regular facts are taken; the whole text always goes to ``notes`` too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
_DATE = re.compile(r"^(?:(?P<day>\d{1,2}) )?(?:(?P<mon>[A-Za-z]{3})[a-z]* )?(?P<year>\d{4})$")
_IMO = re.compile(r"\bIMO\s?(\d{7})\b")
_QUOTED = re.compile(r"'([^']+)'")
_ID_WITH_COUNTRY = re.compile(r"^(?P<number>.+?)(?: \((?P<country>[^()]+)\))?\.?$")

# prefix -> property, in the order they are tried (longest, most specific first)
_ID_PREFIXES: tuple[tuple[str, str], ...] = (
    ("Registration Number ", "registrationNumber"),
    ("Registration ID ", "registrationNumber"),
    ("Company Number ", "registrationNumber"),
    ("Tax ID No. ", "taxNumber"),
    ("National ID No. ", "idNumber"),
    ("Identification Number ", "idNumber"),
    ("Cedula No. ", "idNumber"),
    ("Passport ", "passportNumber"),
    ("alt. Passport ", "passportNumber"),
    ("SWIFT/BIC ", "swiftBic"),
    ("Legal Entity Number ", "leiCode"),
    ("IMO ", "imoNumber"),
    ("MMSI ", "mmsi"),
    ("Website ", "website"),
    ("Email Address ", "email"),
    ("Phone Number ", "phone"),
    ("Gender ", "gender"),
    ("Aircraft Tail Number ", "registrationNumber"),
    ("Aircraft Manufacturer's Serial Number (MSN) ", "serialNumber"),
    ("Aircraft Model ", "model"),
    ("Aircraft Manufacture Date ", "buildDate"),
    ("Vessel Registration Identification IMO ", "imoNumber"),
)


def ofac_date(text: str) -> str | None:
    """``25 Mar 1973`` -> ``1973-03-25``; ``Mar 1973`` -> ``1973-03``; ``1973`` -> ``1973``."""
    match = _DATE.match(text.strip().removeprefix("circa ").strip())
    if not match:
        return None
    year = match.group("year")
    mon = match.group("mon")
    if mon is None:
        return year if match.group("day") is None else None
    month = MONTHS.get(mon.lower())
    if month is None:
        return None
    if match.group("day") is None:
        return f"{year}-{month:02d}"
    day = int(match.group("day"))
    if not 1 <= day <= 31:
        return None
    return f"{year}-{month:02d}-{day:02d}"


def split_remarks(remarks: str) -> list[str]:
    return [part.strip().rstrip(".").strip() for part in remarks.split(";") if part.strip()]


def remark_facts(remarks: str) -> Iterator[tuple[str, str]]:
    """Yield ``(property, value)`` pairs found in an OFAC remarks text."""
    for part in split_remarks(remarks):
        yield from _fact(part)


def _fact(part: str) -> Iterator[tuple[str, str]]:
    imo = _IMO.search(part)  # "IMO 9339301", "Identification Number IMO 9339301", "Vessel ... IMO ..."
    if imo:
        yield "imoNumber", imo.group(1)
        return
    lower = part.lower()
    for prefix, prop in (("a.k.a. ", "alias"), ("f.k.a. ", "previousName"), ("n.k.a. ", "alias")):
        if lower.startswith(prefix):
            names = _QUOTED.findall(part)
            for name in names or [part[len(prefix) :]]:
                yield prop, name
            return
    for prefix in ("dob ", "alt. dob "):
        if lower.startswith(prefix):
            for piece in re.split(r" to |, ", part[len(prefix) :]):
                iso = ofac_date(piece)
                if iso:
                    yield "birthDate", iso
            return
    for prefix in ("pob ", "alt. pob "):
        if lower.startswith(prefix):
            yield "birthPlace", part[len(prefix) :]
            return
    for prefix in ("nationality ", "alt. nationality ", "citizen ", "alt. citizen "):
        if lower.startswith(prefix):
            yield "nationality", part[len(prefix) :]
            return
    for prefix, prop in _ID_PREFIXES:
        if part.startswith(prefix):
            value = part[len(prefix) :].strip()
            match = _ID_WITH_COUNTRY.match(value)
            if match and prop not in {"website", "email", "gender", "model"}:
                value = match.group("number").strip()
            if prop in {"buildDate"}:
                iso = ofac_date(value)
                if iso is None:
                    return
                value = iso
            if value:
                yield prop, value
            return
