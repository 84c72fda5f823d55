"""Console pages for screening: screen a name, read one card per listed party (every list row of
it, with what the lists say about it), record one decision that covers the party."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tripline.auth.roles import Permission
from tripline.cases.service import CaseStatus, list_cases
from tripline.errors import InputError
from tripline.http.deps import get_db, get_runtime
from tripline.lists.model import ListedEntity
from tripline.lists.service import listed_rows
from tripline.runtime import Runtime
from tripline.screening.decisions import Verdict
from tripline.screening.result import Match, ScreeningQuery, ScreeningResult
from tripline.screening.scoped import record_party_verdict, screen_for
from tripline.settings import Settings
from tripline.store.db import Database
from tripline.web.render import Page, page, render

REVIEW_THRESHOLD = 0.5  # the console shows candidates from here; the score says how close each is
SCHEMAS = ("", "Company", "Organization", "Person", "Vessel", "LegalEntity")
# identifiers a list may print for a party, with the words an analyst reads
IDENTIFIERS = (
    ("imoNumber", "IMO number"),
    ("registrationNumber", "registration number"),
    ("taxNumber", "tax number"),
    ("idNumber", "ID number"),
    ("passportNumber", "passport"),
    ("leiCode", "LEI"),
    ("swiftBic", "SWIFT/BIC"),
    ("innCode", "INN"),
    ("ogrnCode", "OGRN"),
    ("programId", "list reference"),
)
QUOTES = "'\"‘’“”"
LISTED_ON = re.compile(r"\blisted (?:on )?(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
# the list's own public record of an entry, for lists whose entry ids are the public record ids
RECORD_URLS = {"us_ofac_sdn": "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={entry}"}


@dataclass(frozen=True)
class RowView:
    """One list row of a party, as the card shows it."""

    list: str
    entry_id: str
    entity_id: str
    caption: str
    score: float | None
    linked_by: str
    list_version: int | None
    list_published: str | None
    programmes: tuple[str, ...]
    designated: str | None
    record_url: str | None


@dataclass(frozen=True)
class PartyCard:
    """One listed party: the best-scoring row, its other rows, and what all rows say about it."""

    match: Match
    rows: list[RowView]
    aliases: list[str]
    identifiers: list[tuple[str, str]]
    addresses: list[str]
    countries: list[str]
    birth_dates: list[str]
    notes: list[str]

    @property
    def entity_ids(self) -> list[str]:
        return [r.entity_id for r in self.rows]


def _unique(values: list[str], limit: int | None = None) -> list[str]:
    seen: dict[str, str] = {}
    for v in values:
        key = " ".join(v.strip(QUOTES).casefold().split())
        if key and key not in seen:
            seen[key] = v.strip().strip(QUOTES)
    out = list(seen.values())
    return out[:limit] if limit else out


def _designated(entity: ListedEntity | None) -> str | None:
    if entity is None:
        return None
    props = entity.properties
    for prop in ("listingDate", "startDate", "createdAt"):
        if props.get(prop):
            return min(props[prop])
    for note in props.get("notes", []):
        found = LISTED_ON.search(note)
        if found:
            return found.group(1)
    return None


def _record_url(entity: ListedEntity | None, source_id: str, entry_id: str) -> str | None:
    if entity is not None:
        for url in entity.properties.get("sourceUrl", []):
            if url.startswith(("https://", "http://")):
                return url
    pattern = RECORD_URLS.get(source_id)
    return pattern.format(entry=entry_id) if pattern and entry_id.isdigit() else None


def party_cards(db: Database, result: ScreeningResult) -> list[PartyCard]:
    """Each match of ``result`` with its rows as the lists print them (read in one transaction)."""
    listed_of = {
        id(m): [(m.list, m.list_entry_id, m.entity_id, m.caption, m.score, "best-scoring row")]
        + [(r.list, r.list_entry_id, r.entity_id, r.caption, r.score, r.linked_by) for r in m.also_listed_as]
        for m in result.matches
    }
    stored, snapshots = listed_rows(
        db, [(source_id, entity_id) for listed in listed_of.values() for source_id, _, entity_id, *_ in listed]
    )
    versions: dict[str, tuple[int, str | None]] = {
        source_id: (snap.version, snap.published.isoformat() if snap.published else None) if snap else (0, None)
        for source_id, snap in snapshots.items()
    }
    cards = []
    for m in result.matches:
        listed: list[tuple[str, str, str, str, float | None, str]] = listed_of[id(m)]
        rows: list[RowView] = []
        entities: list[ListedEntity] = []
        for source_id, entry_id, entity_id, caption, score, linked_by in listed:
            entity = stored[(source_id, entity_id)]
            if entity is not None:
                entities.append(entity)
            version, published = versions[source_id]
            props = entity.properties if entity else {}
            rows.append(
                RowView(
                    list=source_id, entry_id=entry_id, entity_id=entity_id, caption=caption, score=score,
                    linked_by=linked_by, list_version=version or None, list_published=published,
                    programmes=tuple(sorted(set(props.get("program", [])))), designated=_designated(entity),
                    record_url=_record_url(entity, source_id, entry_id),
                )
            )  # fmt: skip
        names = {" ".join(n.casefold().split()) for e in entities for n in e.properties.get("name", [])}
        aliases = [a for e in entities for p in ("alias", "weakAlias", "previousName") for a in e.properties.get(p, [])]
        idents = [
            (label, value) for e in entities for prop, label in IDENTIFIERS for value in e.properties.get(prop, [])
        ]
        cards.append(
            PartyCard(
                match=m,
                rows=rows,
                aliases=[a for a in _unique(aliases) if " ".join(a.casefold().split()) not in names],
                identifiers=sorted(set(idents)),
                addresses=_unique([a for e in entities for a in e.properties.get("address", [])], 12),
                countries=sorted({c for e in entities for c in e.properties.get("country", [])}),
                birth_dates=sorted({d for e in entities for d in e.properties.get("birthDate", [])}),
                notes=_unique([n for e in entities for n in e.properties.get("notes", [])], 6),
            )
        )
    return cards


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/screen", response_class=HTMLResponse)
    def screen_page(
        request: Request,
        name: str = Query(default="", max_length=1000),
        country: str = Query(default="", max_length=64),
        schema: str = Query(default="", max_length=64),
        threshold: float = Query(default=REVIEW_THRESHOLD, ge=0.0, le=1.0),
        error: str = Query(default="", max_length=500),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        pg.require(Permission.SCREEN)
        result: ScreeningResult | None = None
        cards: list[PartyCard] = []
        if name.strip():
            try:
                query = ScreeningQuery.build(name, country=country or None, schema=schema or None)
                (result,) = screen_for(db, rt.screener_cache(), pg.principal, [query], threshold=threshold, limit=20)
                cards = party_cards(db, result)
            except InputError as exc:
                error = exc.message
        form = {"name": name, "country": country, "schema": schema, "threshold": threshold}
        back = "/screen?" + urlencode(form)
        open_cases = [c for c in list_cases(db, pg.principal) if c.status is not CaseStatus.CLOSED]
        return render(
            request, "screen.html", pg, result=result, cards=cards, form=form, error=error or None, schemas=SCHEMAS,
            verdicts=list(Verdict), back=back, open_cases=open_cases,
        )  # fmt: skip

    @router.post("/screen/decisions")
    def decide(
        query_name: str = Form(max_length=1000),
        entity_id: list[str] = Form(),
        verdict: str = Form(default="", max_length=64),
        reason: str = Form(default="", max_length=4000),
        back: str = Form(default="/screen", max_length=2000),
        pg: Page = Depends(page),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        """One decision for the party: recorded on every list row of it, in one transaction."""
        pg.require(Permission.SCREEN)
        target = back if back.startswith("/screen") else "/screen"
        try:
            if len(entity_id) > 100:
                raise InputError("a party has at most 100 list rows", field="entity_id")
            if not verdict.strip():
                raise InputError("choose a verdict: confirmed match or false positive", field="verdict")
            if not reason.strip():
                raise InputError("a decision needs a reason", field="reason")
            chosen = Verdict.parse(verdict)
            record_party_verdict(rt.db, rt.screener_cache(), pg.principal, query_name, entity_id, chosen, reason)
        except InputError as exc:
            sep = "&" if "?" in target else "?"
            return RedirectResponse(target + sep + urlencode({"error": exc.message}), status_code=303)
        return RedirectResponse(target, status_code=303)

    return router
