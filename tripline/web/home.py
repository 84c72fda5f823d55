"""The console's home: the work waiting for this user (hits to decide, containers to inspect,
consents to answer, overdue requests, open cases), how fresh each watch list is, and one search
box over parties, shipments, containers, cases and exchange documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from tripline.auth.roles import Permission
from tripline.cases.service import CaseStatus, list_cases
from tripline.cases.workspace import Workspace
from tripline.errors import ForbiddenError, TriplineError
from tripline.http.deps import get_db, get_runtime, get_workspace
from tripline.lists.service import summaries
from tripline.runtime import Runtime
from tripline.screening.rules import EVIDENCE, THRESHOLD
from tripline.settings import Settings
from tripline.store.db import Database
from tripline.web.progress import QueueBuilds
from tripline.web.render import Page, page, render

STALE_DAYS = 7  # a list loaded longer ago than this is flagged: the authorities publish changes weekly or faster
# the search shows parties from here: the screener's threshold less what an agreeing country and birth
# date would add (rules.EVIDENCE), so a name that needs only that evidence is shown too
SEARCH_THRESHOLD = round(THRESHOLD - EVIDENCE, 4)
SEARCH_MANIFESTS = 5  # the search looks through the latest manifests only


@dataclass(frozen=True)
class Waiting:
    label: str
    count: int
    href: str
    note: str = ""


def _exchange_board(rt: Runtime, pg: Page) -> dict[str, Any] | None:
    from tripline.exchange.views import dashboard
    from tripline.http.deps import own_node

    if not pg.principal.can(Permission.EXCHANGE):
        return None
    try:
        return dashboard(own_node(rt, pg.principal))
    except (ForbiddenError, TriplineError):
        return None  # this process's node belongs to another authority


def waiting_work(pg: Page, db: Database, rt: Runtime, ws: Workspace, builds: QueueBuilds) -> list[Waiting]:
    from tripline.cargo.holds import held
    from tripline.cargo.run import outcomes

    out: list[Waiting] = []
    if pg.principal.can(Permission.TARGET):
        manifests = ws.manifests(pg.principal)
        run = builds.ready(pg.principal, manifests[0].id) if manifests else None
        if manifests and run is None:
            latest = manifests[0]
            build = builds.status(pg.principal, latest.id)
            how_far = f"{build.done} of {build.total} shipments" if build and build.total else "starting"
            out.append(Waiting("Manifest being scored", latest.loaded, "/queue?manifest=" + latest.id,
                               f"{latest.name}: {how_far}"))  # fmt: skip
        elif run is not None:
            latest = manifests[0]
            done = outcomes(db, authority=pg.principal.authority_code)
            hits = [
                s for s in run.ranked if any(r.indicator.startswith("party_hit") and r.points > 0 for r in s.reasons)
            ]
            due = [s for s in run.ranked if s.action.value == "inspect" and s.bill_of_lading not in done]
            holds = held(db, pg.principal.authority_code, [s.bill_of_lading for s in due])
            inspect = [s for s in due if s.bill_of_lading not in holds]  # a held shipment waits on its hold
            base = {"manifest": latest.id}
            hits_href = "/queue?" + urlencode({**base, "indicator": "party_hit"})
            note = f"shipments of {latest.name} with a party on a list"
            out.append(Waiting("Watch-list hits to decide", len(hits), hits_href, note))
            out.append(
                Waiting("Containers to inspect", sum(len(s.containers) for s in inspect),
                        "/queue?" + urlencode({**base, "action": "inspect"}),
                        f"{len(inspect)} shipments of {latest.name} without a recorded outcome"
                        + (f" ({len(holds)} more held)" if holds else ""))
            )  # fmt: skip
    board = _exchange_board(rt, pg)
    if board is not None:
        awaited = [c for c in board["consents"] if c["direction"] == "in" and c["status"] == "pending"]
        out.append(Waiting("Consents to answer", len(awaited), "/partners#consents"))
        out.append(Waiting("Overdue requests", len(board["overdue"]), "/partners#overdue"))
    if pg.principal.can(Permission.CASES):
        open_cases = [c for c in list_cases(db, pg.principal) if c.status is not CaseStatus.CLOSED]
        out.append(Waiting("Open cases", len(open_cases), "/cases"))
    return out


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse)
    def home(
        request: Request,
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
        rt: Runtime = Depends(get_runtime),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        sources = summaries(db)
        now = datetime.now(UTC)
        freshness = [(s, (now - s.latest.loaded_at).days if s.latest else None) for s in sources]
        builds: QueueBuilds = request.app.state.queue_builds
        return render(
            request, "home.html", pg, waiting=waiting_work(pg, db, rt, ws, builds), freshness=freshness,
            stale=STALE_DAYS,
        )  # fmt: skip

    @router.get("/search", response_class=HTMLResponse)
    def search(
        request: Request,
        q: str = Query(default="", max_length=200),
        pg: Page = Depends(page),
        db: Database = Depends(get_db),
        rt: Runtime = Depends(get_runtime),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        needle = " ".join(q.casefold().split())
        parties: list[Any] = []
        shipments: list[tuple[Any, Any]] = []
        cases: list[Any] = []
        documents: list[dict[str, Any]] = []
        scoring: list[str] = []
        if needle:
            if pg.principal.can(Permission.SCREEN):
                from tripline.screening.result import ScreeningQuery
                from tripline.screening.scoped import screen_for

                try:
                    (found,) = screen_for(
                        db,
                        rt.screener_cache(),
                        pg.principal,
                        [ScreeningQuery.build(q)],
                        threshold=SEARCH_THRESHOLD,
                        limit=5,
                    )
                    parties = list(found.matches)
                except TriplineError:
                    parties = []
            if pg.principal.can(Permission.TARGET):
                from tripline.web.targeting import Row

                for m in ws.manifests(pg.principal)[:SEARCH_MANIFESTS]:
                    run = ws.cached_queue(pg.principal, m.id)  # a manifest still being scored is not searched
                    if run is None:
                        scoring.append(m.name)
                        continue
                    facts = ws.shipments(pg.principal, m.id)
                    for s in run.ranked:
                        row = Row(s, facts.get(s.bill_of_lading))
                        if needle in row.text():
                            shipments.append((m, row))
            if pg.principal.can(Permission.CASES):
                cases = [c for c in list_cases(db, pg.principal) if needle in c.title.casefold()]
            board = _exchange_board(rt, pg)
            if board is not None:
                documents = [
                    d for d in board["inbox"] + board["outbox"]
                    if needle in " ".join(str(d.get(k) or "") for k in ("subject", "ref", "partner", "kind")).casefold()
                ]  # fmt: skip
        return render(
            request, "search.html", pg, q=q, parties=parties, shipments=shipments[:50], more=len(shipments) > 50,
            cases=cases, documents=documents, scoring=scoring,
        )  # fmt: skip

    return router
