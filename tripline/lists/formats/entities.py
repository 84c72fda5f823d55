"""Building FollowTheMoney entities from list rows: stable ids, quiet adds, programme and topics."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache

from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry
from icu import ICUError
from normality import slugify

from tripline.lists.model import ListEntry, SourceSpec
from tripline.translit import ascii_text_safe

LIST_SCHEMATA = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
_SPACES = re.compile(r"\s+")


def entity_id(spec: SourceSpec, *parts: str) -> str:
    """A stable id from the source id and the list's own id for the entry.

    Readable (``us_ofac_sdn-36``) when the parts are already short and slug-safe; otherwise
    the slug is followed by a SHA-1 of the exact parts, so two entries whose ids differ only
    in case or punctuation never collide, and the same entry always gets the same id.
    """
    joined = "-".join(part for part in parts if part)
    try:
        slug = slugify(joined, sep="-") or ""
    except ICUError:  # a sequence ICU cannot transliterate whole (tripline.translit)
        slug = slugify(ascii_text_safe(joined), sep="-") or ""
    if slug and slug == joined.lower() and len(slug) <= 64:
        return f"{spec.id}-{slug}"
    digest = hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]
    return f"{spec.id}-{slug[:40]}-{digest}" if slug else f"{spec.id}-{digest}"


def make(schema: str, spec: SourceSpec, *id_parts: str) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = entity_id(spec, *id_parts)
    return entity


def clean(value: str | None) -> str | None:
    """Collapse whitespace; empty and OFAC's ``-0-`` null become ``None``."""
    if value is None:
        return None
    text = value.strip()
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\xa0" in text:
        text = _SPACES.sub(" ", text)
    if not text or text == "-0-":
        return None
    return text


def add(entity: EntityProxy, prop: str, values: str | Iterable[str | None] | None) -> None:
    """Add cleaned values; properties the schema lacks and values FtM rejects are dropped.

    Values of types that repeat a lot (countries, dates, URLs, topics...) are cleaned once per
    process through a memo: FtM's cleaning of those is the bulk of parsing time.
    """
    if values is None:
        return
    prop_obj = entity.schema.get(prop)
    if prop_obj is None or prop_obj.stub:
        return
    items: Iterable[str | None] = (values,) if isinstance(values, str) else values
    type_name = prop_obj.type.name
    for value in items:
        text = clean(value)
        if text is None:
            continue
        if type_name in _MEMO_TYPES:
            cleaned = _clean_memo(type_name, prop_obj.format, text)
        else:
            cleaned = prop_obj.type.clean_text(text, fuzzy=True, format=prop_obj.format, proxy=entity)
        if cleaned is not None:
            entity.unsafe_add(prop_obj, cleaned, cleaned=True)


_MEMO_TYPES = frozenset({"country", "date", "url", "topic", "gender", "language", "email", "phone", "number"})


FUZZY_MAX = 30  # fuzzy country matching costs ~0.1 s per unknown string: only for short ones


@lru_cache(maxsize=65536)
def _clean_memo(type_name: str, format: str | None, text: str) -> str | None:
    kind = registry.get(type_name)
    assert kind is not None
    cleaned: str | None = kind.clean_text(text, fuzzy=False, format=format)
    if cleaned is None and len(text) <= FUZZY_MAX:
        cleaned = kind.clean_text(text, fuzzy=True, format=format)
    return cleaned


def entry(
    entity: EntityProxy,
    spec: SourceSpec,
    entry_id: str,
    programs: Iterable[str] = (),
    section: str | None = None,
    topics: Iterable[str] = (),
) -> ListEntry:
    """Finish an entity (programme, topics, list id) and wrap it as a :class:`ListEntry`."""
    progs = tuple(dict.fromkeys(p for p in (clean(p) for p in programs) if p))
    if not progs and spec.program:
        progs = (spec.program,)
    add(entity, "program", progs)
    add(entity, "topics", (*spec.topics, *topics))
    return ListEntry(entity=entity, entry_id=entry_id, programs=progs, section=section)


def schema_for(kind: str | None, default: str = "LegalEntity") -> str:
    """Map a list's own type word (individual, entity, vessel, aircraft...) to a list schema."""
    word = (kind or "").strip().lower()
    if word in {"individual", "person", "individuals", "natural person"}:
        return "Person"
    if word in {"vessel", "ship"}:
        return "Vessel"
    if word in {"aircraft", "airplane"}:
        return "Airplane"
    if word in {"company"}:
        return "Company"
    if word in {"organization", "organisation"}:
        return "Organization"
    if word in {"entity", "legalentity", "legal entity"}:
        return "LegalEntity"
    if word in LIST_SCHEMATA:
        return word
    return default
