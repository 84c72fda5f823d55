"""One party, many list rows: which rows of the loaded lists list the same entity.

Computed once when the index is built; a query then reports a party once, with its other
rows in ``also_listed_as``. Rows are linked, strongest evidence first:

1. **a list reference both carry**: the UN Security Council reference number (the UN list's
   own ``programId``, and "UN Ref KPe.001" in the notes of UK rows), and OFAC's entry
   number (OFAC's own lists, and the ``SDN-9345``-style ids of the Consolidated Screening
   List rows that OFAC supplies);
2. **an identifier that names one entity worldwide**: IMO number, MMSI, LEI, SWIFT/BIC,
   Russian INN/OGRN/OKPO;
3. **a national identifier** (passport, id, registration, tax or VAT number) **and a name**:
   the same number alone is not enough (two people listed with one passport number exist
   on the EU list), the two rows must also share a name, word for word in any order;
4. **the same name on two different lists**, with nothing that disagrees: a person also
   needs the same birth date; an organisation's name needs two words, one distinctive, and
   no conflicting country. A group never gathers rows whose countries (or, for people,
   whose birth dates) conflict, so a row that says less cannot join two different parties.

Two rows of different kinds (a person and a company, a vessel and a company) never link.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tripline.lists.model import ListedEntity
from tripline.screening.entities import clean_identifier
from tripline.screening.normalize import Normaliser

UN_REF = re.compile(r"^[A-Z]{2}[ei]\.\d{3}$")
UN_REF_IN_NOTES = re.compile(r"\bUN\s+Ref(?:erence)?\.?\s*(?:No\.?|Number)?\s*:?\s*([A-Z]{2}[ei]\.\d{3})\b")
OFAC_LISTS = ("us_ofac_sdn", "us_ofac_cons")
CSL_LISTS = ("us_csl", "us_csl_2023_subset")
CSL_OFAC_ID = re.compile(r"^[A-Z][A-Z-]*-(\d{1,7})$")
GLOBAL_IDS = {
    "imoNumber": "IMO number",
    "mmsi": "MMSI",
    "leiCode": "LEI",
    "swiftBic": "SWIFT/BIC",
    "innCode": "INN",
    "ogrnCode": "OGRN",
    "okpoCode": "OKPO",
}
NATIONAL_IDS = {
    "passportNumber": "passport number",
    "idNumber": "id number",
    "registrationNumber": "registration number",
    "taxNumber": "tax number",
    "vatCode": "VAT number",
}
NAME_LINK_PROPS = ("name", "alias", "previousName")


def kind_of(schema: str) -> str:
    """Rows of different kinds never link."""
    if schema == "Person":
        return "person"
    if schema in ("Vessel", "Airplane"):
        return schema.lower()
    return "organisation"


@dataclass
class LinkFacts:
    """What linking needs of one row."""

    source_id: str
    kind: str
    refs: dict[str, str] = field(default_factory=dict)  # key -> how to say it
    global_ids: dict[str, str] = field(default_factory=dict)
    national_ids: dict[str, str] = field(default_factory=dict)
    primary_keys: set[str] = field(default_factory=set)  # names of the "name" property, words sorted
    all_keys: set[str] = field(default_factory=set)  # names and aliases, words sorted
    countries: frozenset[str] = frozenset()
    birth_dates: frozenset[str] = frozenset()


def link_facts(entity: ListedEntity, normaliser: Normaliser) -> LinkFacts:
    props = entity.properties
    facts = LinkFacts(source_id=entity.source_id, kind=kind_of(entity.schema))
    if entity.source_id == "un_sc":
        for value in props.get("programId", ()):
            if UN_REF.match(value.strip()):
                facts.refs[f"un:{value.strip()}"] = f"UN reference {value.strip()}"
    for value in props.get("notes", ()):
        for found in UN_REF_IN_NOTES.finditer(value):
            facts.refs[f"un:{found.group(1)}"] = f"UN reference {found.group(1)}"
    if entity.source_id in OFAC_LISTS and entity.entry_id.isdigit():
        facts.refs[f"ofac:{entity.entry_id}"] = f"OFAC entry {entity.entry_id}"
    if entity.source_id in CSL_LISTS and (m := CSL_OFAC_ID.match(entity.entry_id)):
        facts.refs[f"ofac:{m.group(1)}"] = f"OFAC entry {m.group(1)}"
    for table, out in ((GLOBAL_IDS, facts.global_ids), (NATIONAL_IDS, facts.national_ids)):
        for prop, label in table.items():
            for value in props.get(prop, ()):
                cleaned = clean_identifier(value)
                if cleaned is not None:
                    out[f"{prop}:{cleaned}"] = f"{label} {cleaned}"
    person = facts.kind == "person"
    for prop in NAME_LINK_PROPS:
        for value in props.get(prop, ()):
            form = normaliser.form(value, person=person)
            if len(form.tokens) < 2 or all(t.generic for t in form.tokens):
                continue
            key = " ".join(sorted(t.text for t in form.tokens))
            facts.all_keys.add(key)
            if prop == "name":
                facts.primary_keys.add(key)
    facts.countries = frozenset(c.lower() for p in ("country", "nationality", "flag") for c in props.get(p, ()))
    facts.birth_dates = frozenset(props.get("birthDate", ()))
    return facts


class _Groups:
    """Union-find over row numbers that keeps each group's countries and birth dates."""

    def __init__(self, facts: Sequence[LinkFacts]) -> None:
        self.parent = list(range(len(facts)))
        self.countries = [f.countries for f in facts]
        self.births = [f.birth_dates for f in facts]
        self.reasons = [""] * len(facts)

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def conflicts(self, a: int, b: int, *, births: bool) -> bool:
        ra, rb = self.find(a), self.find(b)
        ca, cb = self.countries[ra], self.countries[rb]
        if ca and cb and not ca & cb:
            return True
        ba, bb = self.births[ra], self.births[rb]
        return births and bool(ba) and bool(bb) and not ba & bb

    def union(self, a: int, b: int, reason: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        for row in (b, a):
            if not self.reasons[row]:
                self.reasons[row] = reason
                break
        self.parent[rb] = ra
        self.countries[ra] |= self.countries[rb]
        self.births[ra] |= self.births[rb]


def _buckets(facts: Sequence[LinkFacts], keys: Iterable[tuple[int, dict[str, str]]]) -> dict[str, list[int]]:
    out: defaultdict[str, list[int]] = defaultdict(list)
    for row, found in keys:
        for key in found:
            out[f"{facts[row].kind}|{key}"].append(row)
    return out


def link_rows(facts: Sequence[LinkFacts]) -> tuple[list[int], list[str]]:
    """The group of every row (numbered 0.. in order of first row) and why each row joined it."""
    groups = _Groups(facts)
    # 1-2: list references and worldwide identifiers link whatever else the rows say
    for attr in ("refs", "global_ids"):
        labelled = [(row, getattr(f, attr)) for row, f in enumerate(facts)]
        for key, rows in _buckets(facts, labelled).items():
            label = getattr(facts[rows[0]], attr)[key.split("|", 1)[1]]
            for row in rows[1:]:
                groups.union(rows[0], row, label)
    # 3: a national identifier and a shared name
    labelled = [(row, f.national_ids) for row, f in enumerate(facts)]
    for key, rows in _buckets(facts, labelled).items():
        label = facts[rows[0]].national_ids[key.split("|", 1)[1]]
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                shared = facts[a].all_keys & facts[b].all_keys
                if shared and not groups.conflicts(a, b, births=facts[a].kind == "person"):
                    groups.union(a, b, f"{label} and the name {min(shared)!r}")
    # 4: the same name on two lists, nothing disagreeing
    names: defaultdict[str, list[int]] = defaultdict(list)
    for row, f in enumerate(facts):
        for key in f.primary_keys:
            names[f"{f.kind}|{key}"].append(row)
    for key, rows in names.items():
        if len({facts[r].source_id for r in rows}) < 2:
            continue
        name = key.split("|", 1)[1]
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                fa, fb = facts[a], facts[b]
                if fa.source_id == fb.source_id or groups.find(a) == groups.find(b):
                    continue
                if fa.kind == "person":
                    same_birth = fa.birth_dates & fb.birth_dates
                    if not same_birth or groups.conflicts(a, b, births=True):
                        continue
                    groups.union(a, b, f"same name {name!r} and birth date {min(same_birth)}")
                elif not groups.conflicts(a, b, births=False):
                    groups.union(a, b, f"same name {name!r} on another list")
    numbers: dict[int, int] = {}
    out = [numbers.setdefault(groups.find(row), len(numbers)) for row in range(len(facts))]
    return out, groups.reasons
