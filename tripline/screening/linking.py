"""One party, many list rows: which rows of the loaded lists list the same entity.

Computed once when the index is built; a query then reports a party once, with its other
rows in ``also_listed_as``. Rows are linked, strongest evidence first:

1. **a list reference both carry**: the UN Security Council reference number (the UN list's
   own ``programId``, and "UN Ref KPe.001" in the notes of UK rows), and OFAC's entry
   number (OFAC's own lists, and the ``SDN-9345``-style ids of the Consolidated Screening
   List rows that OFAC supplies);
2. **an identifier that names one entity worldwide**: IMO number, MMSI, LEI, SWIFT/BIC,
   Russian INN/OGRN/OKPO;
3. **a national identifier** (passport, id, registration, tax or VAT number, whichever of
   these properties each list files it under) **and a name**: the same number alone is not
   enough (two people listed with one passport number exist on the EU list), the two rows must
   also share a name, as the matcher compares names (``LINK_NAME_MIN`` or better: "BEN PAZI,
   Neriya" / "Neria BEN PAZI", "OOO SOKHRA" / "Sohra LLC");
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
from tripline.screening.normalize import NameForm, Normaliser
from tripline.screening.scorer import NameScorer

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
LINK_NAME_MIN = 0.9  # name score two rows sharing a national identifier need to be linked


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
    forms: list[NameForm] = field(default_factory=list)  # names and aliases as the matcher compares them
    countries: frozenset[str] = frozenset()
    birth_dates: frozenset[str] = frozenset()


def link_facts(entity: ListedEntity, normaliser: Normaliser) -> LinkFacts:
    props = entity.properties
    facts = LinkFacts(source_id=entity.source_id, kind=kind_of(entity.schema))
    un_refs: list[str] = []
    if entity.source_id == "un_sc":
        un_refs += [v.strip() for v in props.get("programId", ()) if UN_REF.match(v.strip())]
    else:
        un_refs += [m.group(1) for value in props.get("notes", ()) for m in UN_REF_IN_NOTES.finditer(value)]
    for ref in un_refs:
        # the letter after the regime code says what is listed: "i" a person, "e" an entity
        if (ref[2] == "i") == (facts.kind == "person"):
            facts.refs[f"un:{ref}"] = f"UN reference {ref}"
    if entity.source_id in OFAC_LISTS and entity.entry_id.isdigit():
        facts.refs[f"ofac:{entity.entry_id}"] = f"OFAC entry {entity.entry_id}"
    if entity.source_id in CSL_LISTS and (m := CSL_OFAC_ID.match(entity.entry_id)):
        facts.refs[f"ofac:{m.group(1)}"] = f"OFAC entry {m.group(1)}"
    for table, out in ((GLOBAL_IDS, facts.global_ids), (NATIONAL_IDS, facts.national_ids)):
        for prop, label in table.items():
            for value in props.get(prop, ()):
                cleaned = clean_identifier(value)
                if cleaned is not None:  # a national number is one key whatever property holds it
                    out[f"{prop}:{cleaned}" if table is GLOBAL_IDS else f"national:{cleaned}"] = f"{label} {cleaned}"
    person = facts.kind == "person"
    for prop in NAME_LINK_PROPS:
        for value in props.get(prop, ()):
            form = normaliser.form(value, person=person)
            if form.tokens and not all(t.generic for t in form.tokens):
                facts.forms.append(form)
            if len(form.tokens) < 2 or all(t.generic for t in form.tokens):
                continue
            key = " ".join(sorted(t.text for t in form.tokens))
            facts.all_keys.add(key)
            if prop == "name":
                facts.primary_keys.add(key)
    facts.countries = frozenset(c.lower() for p in ("country", "nationality", "flag") for c in props.get(p, ()))
    facts.birth_dates = frozenset(props.get("birthDate", ()))
    return facts


def agreeing_dates(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """The dates of `a` equal to a date of `b` to the precision both give ("1963" ~ "1963-04-19")."""
    others = list(b)
    return sorted(x for x in a if any(x[: min(len(x), len(y))] == y[: min(len(x), len(y))] for y in others))


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
        return births and bool(ba) and bool(bb) and not agreeing_dates(ba, bb)

    def union(self, a: int, b: int, reason: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        for row in (a, b):  # each row keeps the first link it took part in
            if not self.reasons[row]:
                self.reasons[row] = reason
        self.parent[rb] = ra
        self.countries[ra] |= self.countries[rb]
        self.births[ra] |= self.births[rb]


def _buckets(facts: Sequence[LinkFacts], keys: Iterable[tuple[int, dict[str, str]]]) -> dict[str, list[int]]:
    out: defaultdict[str, list[int]] = defaultdict(list)
    for row, found in keys:
        for key in found:
            out[f"{facts[row].kind}|{key}"].append(row)
    return out


def _unambiguous(facts: Sequence[LinkFacts], rows: list[int]) -> list[int]:
    """`rows` without those of a list that gives the same UN reference to several rows (the UK
    list gives "KPe.023" to two different DPRK companies): that list's copy says nothing."""
    per_source: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        per_source[facts[row].source_id] += 1
    return [row for row in rows if per_source[facts[row].source_id] == 1]


def _shared_name(a: LinkFacts, b: LinkFacts, scorer: NameScorer) -> str:
    """A name of `a` that is a name of `b` as the matcher compares names, or ""."""
    if shared := a.all_keys & b.all_keys:
        return min(shared)
    for fa in a.forms:
        for fb in b.forms:
            if scorer.compare_forms(fa, fb).score >= LINK_NAME_MIN:
                return fa.key
    return ""


def link_rows(facts: Sequence[LinkFacts], scorer: NameScorer | None = None) -> tuple[list[int], list[str]]:
    """The group of every row (numbered 0.. in order of first row) and why each row joined it."""
    scorer = scorer or NameScorer()
    groups = _Groups(facts)
    # 1-2: list references and worldwide identifiers link whatever else the rows say
    for attr in ("refs", "global_ids"):
        labelled = [(row, getattr(f, attr)) for row, f in enumerate(facts)]
        for key, rows in _buckets(facts, labelled).items():
            label = getattr(facts[rows[0]], attr)[key.split("|", 1)[1]]
            if key.split("|", 1)[1].startswith("un:"):
                rows = _unambiguous(facts, rows)
            for row in rows[1:]:
                groups.union(rows[0], row, label)
    # 3: a national identifier and a shared name
    labelled = [(row, f.national_ids) for row, f in enumerate(facts)]
    for key, rows in _buckets(facts, labelled).items():
        label = facts[rows[0]].national_ids[key.split("|", 1)[1]]
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if groups.find(a) == groups.find(b) or groups.conflicts(a, b, births=facts[a].kind == "person"):
                    continue
                if shared := _shared_name(facts[a], facts[b], scorer):
                    groups.union(a, b, f"{label} and the name {shared!r}")
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
                    same_birth = agreeing_dates(fa.birth_dates, fb.birth_dates)
                    if not same_birth or groups.conflicts(a, b, births=True):
                        continue
                    groups.union(a, b, f"same name {name!r} and birth date {same_birth[0]}")
                elif not groups.conflicts(a, b, births=False):
                    groups.union(a, b, f"same name {name!r} on another list")
    numbers: dict[int, int] = {}
    out = [numbers.setdefault(groups.find(row), len(numbers)) for row in range(len(facts))]
    return out, groups.reasons
