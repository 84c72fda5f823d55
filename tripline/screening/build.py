"""Building the screening index: listed entities in, named arrays out.

The builder normalises every name, fills the inverted index and the token table, links the
rows that list one party (``linking.py``), and turns it all into arrays
(:meth:`Screener.from_arrays <tripline.screening.screener.Screener.from_arrays>` reads them
back, from memory or mapped from a file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from tripline.lists.model import ListedEntity
from tripline.screening.columns import Arrays, Postings, Ragged, StringIds, Strings, encode_records
from tripline.screening.entities import (
    COUNTRY_PROPS,
    ID_PROPS,
    NAME_PROPS,
    WEAK_PROPS,
    IndexedEntity,
    IndexedName,
    _name_factor,
    clean_identifier,
)
from tripline.screening.index import NameIndex, name_keys
from tripline.screening.linking import LinkFacts, link_facts, link_rows
from tripline.screening.normalize import NameForm, Normaliser
from tripline.screening.prefilter import TokenTable
from tripline.screening.scorer import NameScorer
from tripline.screening.scripts import ScriptReader
from tripline.screening.state import export_state


class Builder:
    """Collects entities (:meth:`add`), then gives the index as arrays (:meth:`finish`)."""

    def __init__(self, normaliser: Normaliser) -> None:
        self.normaliser = normaliser
        self.reader = ScriptReader(normaliser)  # Hangul, Han and Kana names: their readings' keys too
        self.entities: list[IndexedEntity] = []
        self.facts: list[LinkFacts] = []
        self.names: list[IndexedName] = []
        self.index = NameIndex()
        self.identifiers: dict[str, list[int]] = {}
        self.snapshot_ids: dict[str, int] = {}
        self.name_start: list[int] = [0]
        self.by_id: dict[str, int] = {}
        self.schemas: list[str] = []

    def add(self, entity: ListedEntity) -> None:
        props = entity.properties
        person = entity.schema == "Person"
        entity_no = len(self.entities)
        ids: list[tuple[str, str]] = []
        for prop in ID_PROPS:
            for value in props.get(prop, ()):
                cleaned = clean_identifier(value)
                if cleaned is not None:
                    ids.append((prop, cleaned))
                    self.identifiers.setdefault(cleaned, []).append(entity_no)
        self.entities.append(
            IndexedEntity(
                entity_id=entity.entity_id,
                caption=entity.caption,
                schema=entity.schema,
                source_id=entity.source_id,
                entry_id=entity.entry_id,
                person=person,
                countries=frozenset(c.lower() for p in COUNTRY_PROPS for c in props.get(p, ())),
                birth_dates=tuple(props.get("birthDate", ())),
                identifiers=tuple(ids),
            )
        )
        self.facts.append(link_facts(entity, self.normaliser))
        if entity.schema not in self.schemas:
            self.schemas.append(entity.schema)
        self.snapshot_ids.setdefault(entity.source_id, entity.snapshot_id)
        self.by_id.setdefault(entity.entity_id, entity_no)
        seen: set[str] = set()
        for props_kinds in (NAME_PROPS, WEAK_PROPS):
            for prop, kind in props_kinds:
                for value, own_kind in _with_bracketed_names(props.get(prop, ()), person, self.normaliser):
                    if value in seen:
                        continue
                    seen.add(value)
                    form = self.normaliser.form(value, person=person)
                    if not form.tokens:
                        continue
                    name_no = len(self.names)
                    self.names.append(IndexedName(entity_no, value, own_kind or kind, form))
                    self.index.add(name_no, name_keys(form, self.normaliser, self.reader))
        self.name_start.append(len(self.names))

    def finish(self, candidate_limit: int) -> tuple[Arrays, dict[str, Any]]:
        """The index as named arrays and a JSON-able description of them."""
        entities, names = self.entities, self.names
        self.index.freeze()
        table = TokenTable(names, entities, [_name_factor(n, entities[n.entity_no]) for n in names], self.normaliser)
        arrays: Arrays = {}
        table_arrays, table_meta = export_state(table, "table")
        index_arrays, index_meta = export_state(self.index, "index")
        arrays.update(table_arrays)
        arrays.update(index_arrays)
        arrays.update(encode_records(entities, IndexedEntity, "entities"))
        token_no = table.vocab.__getitem__
        arrays.update(encode_records([n.form for n in names], NameForm, "forms", refs={"Token": token_no}))
        arrays.update(encode_records(names, IndexedName, "names", nested={"form": lambda values, col: {}}))
        arrays.update(Postings.encode(self.identifiers, "identifiers"))
        arrays.update(StringIds.encode(self.by_id, "by_id"))
        arrays["entity.name_start"] = np.array(self.name_start, dtype=np.int64)
        arrays["entity.schema"] = np.array([self.schemas.index(e.schema) for e in entities], dtype=np.int64)
        groups, reasons = link_rows(self.facts, NameScorer(self.normaliser))
        arrays["entity.group"] = np.array(groups, dtype=np.int64)
        members: list[list[int]] = [[] for _ in range(max(groups, default=-1) + 1)]
        for entity_no, group in enumerate(groups):
            members[group].append(entity_no)
        arrays.update(Ragged.encode(members, "groups"))
        arrays.update(Strings.encode(reasons, "entity.link"))
        meta: dict[str, Any] = {
            "candidate_limit": candidate_limit,
            "table": table_meta,
            "index": index_meta,
            "snapshot_ids": self.snapshot_ids,
            "schemas": self.schemas,
            "entities": len(entities),
            "names": len(names),
        }
        return arrays, meta


# "KOREAN NATIONAL INSURANCE CORPORATION (KNIC)", "Beijing Megvii Technology Co., Ltd. (Megvii)",
# "PSB Bank (formerly. PROMSVYAZBANK)": a name followed by another of its names in brackets
_TRAILING_BRACKET = re.compile(r"^(?P<name>.*\S)\s*\((?P<inner>[^()]{2,80})\)[\s*.]*$")
_PREVIOUSLY = re.compile(
    r"^(?:formerly(?: known as)?|previously(?: known as)?|f\.?k\.?a\.?|a\.?k\.?a\.?|also known as)[.:,]?\s+",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"^[A-ZА-ЯЁ][A-ZА-ЯЁ0-9&.\-]{1,11}$")  # "KNIC", "NIIET", "ISIL-K", "ЦНИИ"
ACRONYM_MIN_LETTERS = 3  # a bracketed acronym shorter than this ("JI") is not indexed on its own


def _with_bracketed_names(values: Iterable[str], person: bool, normaliser: Normaliser) -> list[tuple[str, str | None]]:
    """Each name as printed, and for an organisation's name that ends in a bracketed other name
    of the party, the two apart: the name without the brackets, and what the brackets hold when
    it is a name of its own (a kind, or None for the kind of the name it came from):

    * an acronym ("(AMD)", "(NIIET)": capitals, not a country) is a weak alias;
    * a short name sharing a distinctive word with the name ("(Megvii)") is an alias;
    * a name announced as earlier or other ("(formerly PROMSVYAZBANK)") is an alias.

    Brackets of a person's name (birth dates, places, a nickname) are left alone."""
    from followthemoney.types import registry  # the whole FtM model: imported when an index is built, not to screen

    out: list[tuple[str, str | None]] = []
    for value in values:
        out.append((value, None))
        m = _TRAILING_BRACKET.match(value)
        if m is None or person:
            continue
        name, inner = m["name"].strip(" ,;-"), m["inner"].strip()
        letters = re.sub(r"[^\w]|_", "", inner)
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z0-9]+", name)).upper()
        acronym = _ACRONYM.match(inner) is not None and registry.country.clean(inner) is None
        if acronym and len(letters) >= 2 and _is_subsequence(letters.upper(), initials):
            out.append((name, None))  # the acronym of the name's own words: the name without it
        marked = _PREVIOUSLY.match(inner)
        other = inner[marked.end() :].strip() if marked else inner
        form = normaliser.form(other)
        if form.only_legal or all(t.generic for t in form.tokens) or registry.country.clean(other) is not None:
            continue
        if acronym and len(letters) >= ACRONYM_MIN_LETTERS and len(form.tokens) == 1:
            out.append((other, "weak alias"))
        elif marked or _shares_distinctive_word(form, normaliser.form(name)):
            out.append((other, None))
        else:
            continue
        if (name, None) not in out:
            out.append((name, None))
    return out


def _shares_distinctive_word(short: NameForm, full: NameForm) -> bool:
    words = {t.text for t in full.tokens if not t.generic}
    return len(short.tokens) < len(full.tokens) and any(not t.generic and t.text in words for t in short.tokens)


def _is_subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(ch in it for ch in short)
