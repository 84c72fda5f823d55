"""What the index keeps of a listed entity and of each of its names (decoded on access)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tripline.screening.normalize import NameForm

NAME_PROPS = (("name", "name"), ("alias", "alias"), ("previousName", "previous name"), ("abbreviation", "alias"))
WEAK_PROPS = (("weakAlias", "weak alias"),)
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry", "flag")
ID_PROPS = (
    "imoNumber",
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "idNumber",
    "passportNumber",
    "leiCode",
    "swiftBic",
    "mmsi",
    "vatCode",
    "okpoCode",
)
WEAK_FACTOR = 0.9
ONE_WORD_PERSON_FACTOR = 0.75
_ID_CLEAN = re.compile(r"[^0-9A-Z]")


def clean_identifier(value: str) -> str | None:
    """Identifiers compare as upper-case letters and digits; at least 5 of them, one a digit."""
    out = _ID_CLEAN.sub("", value.upper())
    if len(out) < 5 or not any(ch.isdigit() for ch in out):
        return None
    return out


@dataclass(frozen=True, slots=True)
class IndexedEntity:
    entity_id: str
    caption: str
    schema: str
    source_id: str
    entry_id: str
    person: bool
    countries: frozenset[str]
    birth_dates: tuple[str, ...]
    identifiers: tuple[tuple[str, str], ...]  # (property, cleaned value)


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity_no: int
    text: str
    kind: str  # "name", "alias", "previous name", "weak alias"
    form: NameForm


def _name_factor(name: IndexedName, entity: IndexedEntity) -> float:
    """Weak aliases and one-word names of people ("Ali", "Mohammad") count for less."""
    factor = WEAK_FACTOR if name.kind == "weak alias" else 1.0
    if entity.person and len(name.form.tokens) == 1:
        factor *= ONE_WORD_PERSON_FACTOR
    return factor
