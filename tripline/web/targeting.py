"""Console pages for targeting: upload a manifest, triage the queue (shipment facts, filters, sort,
search, counts, score histogram), record an inspection outcome, open a case with the shipment
linked, open a container."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tripline.auth.roles import Permission
from tripline.cargo.holds import held, hold_shipment, release_shipment
from tripline.cargo.policy import load_policy
from tripline.cargo.scoring import Action
from tripline.cargo.store import OutcomeResult
from tripline.cases.evidence import goods_classifications
from tripline.cases.figures import VERDICT_WORDS, peak_marks, scan_record
from tripline.cases.service import CaseStatus, ItemKind, add_items, list_cases, open_case
from tripline.cases.workspace import ScanView, Workspace, container_history
from tripline.charts.svg import histogram_svg, profile_svg, spectrum_svg
from tripline.errors import ConflictError, InputError, NotFoundError
from tripline.http.deps import get_workspace, read_upload
from tripline.settings import Settings
from tripline.web.progress import QueueBuilds
from tripline.web.render import Page, page, render

# every indicator in the words an analyst reads (never the raw id)
INDICATOR_WORDS = {
    "party_hit.shipper": "Shipper on a watch list",
    "party_hit.consignee": "Consignee on a watch list",
    "party_hit.notify": "Notify party on a watch list",
    "party_hit.end_user": "End user on a watch list",
    "controlled_goods": "Goods on a control list",
    "destination.un_arms_embargo": "Destination under a UN arms embargo",
    "destination.un_targeted_measures": "Destination under UN targeted measures",
    "destination.policy": "Destination of concern (national policy)",
    "transshipment_hub": "Routed through a transshipment hub",
    "hs_description_mismatch": "HS code does not fit the description",
    "radiation.threat": "Radiation portal: threat source",
    "radiation.unresolved": "Radiation portal: alarm not resolved",
    "radiation.norm_expected": "Radiation portal: natural radioactivity as declared",
    "forwarder_consignee_machinery": "Forwarder as consignee of machinery",
    "first_shipment": "Shipper's first shipment",
    "end_user_elsewhere": "End user in another country",
}
OUTCOME_WORDS = {
    OutcomeResult.INSPECTED_CLEAN: "inspected, nothing found",
    OutcomeResult.SEIZED: "seized",
    OutcomeResult.REFERRED: "referred",
}
SORTS = {
    "rank": "rank (score, highest first)",
    "score_asc": "score, lowest first",
    "eta": "arrival date",
    "bl": "bill of lading",
}
MAX_TOP = 5000
SPECTRUM_SIGMA = re.compile(r"spectrum: gross counts ([+-]?\d+(?:\.\d+)?) sigma")


@dataclass(frozen=True)
class ScanPanel:
    scan: ScanView
    spectrum: Any  # Markup
    profile: Any  # Markup
    step: tuple[str, str]  # (badge class, what to do next)


def line_marks(scan: ScanView) -> list[tuple[float, str]]:
    """The identified lines (library energy, with what was measured there), else the usual reference lines."""
    return peak_marks(scan.peaks)


def next_step(scan: ScanView) -> tuple[str, str]:
    """What the officer does next, from the adjudicated verdict and what backs it."""
    verdict = scan.verdict
    if scan.unbacked:
        spectral = SPECTRUM_SIGMA.search(" ".join(scan.reasons))
        said = f" ({spectral.group(1)} sigma)" if spectral else ""
        return "good", (
            f"Cleared: the gross-count alarm ({scan.gross_sigma:+.1f} sigma) is not backed by the spectrum taken "
            f"during it{said}; no nuclide, no neutron excess. Release; the portal may be re-checked if it repeats."
        )
    if verdict == "background":
        return "good", "Release: nothing above background."
    if verdict == "NORM":
        return "warn", "Check the declared goods explain natural radioactivity (K-40, U, Th), then release."
    if verdict == "medical":
        return (
            "warn",
            "Hand-held identification and the consignee's licence for the medical isotope; release if it matches.",
        )
    if verdict in ("industrial", "special_nuclear_material"):
        return (
            "bad",
            "Hold the container: isolate it, call the radiation officer, confirm with a hand-held spectrometer.",
        )
    if not scan.counts:
        return "bad", "Secondary inspection: scan with a hand-held spectrometer (no spectrum was kept at the portal)."
    if scan.neutron_sigma >= 4.0:
        return "bad", "Hold: neutron excess. Isolate the container and call the radiation officer."
    return "warn", "Re-scan through the portal; if the alarm repeats, inspect with a hand-held spectrometer."


def indicator_words(indicator: str) -> str:
    return INDICATOR_WORDS.get(indicator, indicator.replace("_", " ").replace(".", ": ").capitalize())


UNBACKED_WORDS = "Radiation portal: alarm not backed by the spectrum"


def reason_words(indicator: str, detail: str = "") -> str:
    """A reason in words: an unresolved alarm whose own spectrum is below background (gross counts
    under 0 sigma) is said to be not backed by the spectrum, never an unresolved alarm."""
    if indicator == "radiation.unresolved":
        sigma = SPECTRUM_SIGMA.search(detail)
        if sigma is not None and float(sigma.group(1)) < 0:
            return UNBACKED_WORDS
    return indicator_words(indicator)


def points_words(points: float) -> str:
    """The points a reason adds, signed; one that adds none says so (it is not a raise)."""
    return "no points" if round(points, 2) == 0 else f"{points:+.2f}"


def reason_line(indicator: str, points: float, detail: str = "") -> str:
    """How a reason is headed: ``no points: ...`` for one that adds nothing."""
    words = reason_words(indicator, detail)
    return f"no points: {words}" if round(points, 2) == 0 else words


@dataclass(frozen=True)
class Row:
    """One queue row: the scored shipment and what the manifest says of it."""

    scored: Any  # tripline.cargo.scoring.Scored
    shipment: Any  # tripline.cargo.model.Shipment | None

    def party(self, role: str) -> str:
        if self.shipment is None:
            return ""
        names = [
            p.name + (f" ({p.country.upper()})" if p.country else "")
            for p in self.shipment.parties
            if p.role.value == role
        ]
        return "; ".join(names)

    @property
    def goods(self) -> list[tuple[str, str]]:
        return [(g.description, g.hs_code) for g in self.shipment.goods] if self.shipment is not None else []

    @property
    def route(self) -> list[str]:
        return list(self.shipment.route.ports()) if self.shipment is not None else []

    @property
    def vessel(self) -> str:
        v = self.shipment.vessel if self.shipment is not None else None
        return f"{v.name} (IMO {v.imo})" if v is not None else ""

    @property
    def eta(self) -> str:
        d = self.shipment.arrival_date if self.shipment is not None else None
        return d.isoformat() if d is not None else ""

    def text(self) -> str:
        """Everything searchable of the row, case-folded."""
        parts = [self.scored.bill_of_lading, *self.scored.containers, self.vessel]
        if self.shipment is not None:
            parts += [p.name for p in self.shipment.parties]
            parts += [g.description + " " + g.hs_code for g in self.shipment.goods]
            parts += self.route
        return " ".join(parts).casefold()


def _histogram(scores: list[float], inspect_at: float, review_at: float) -> Any:
    lo = min([*scores, 0.0])
    hi = max([*scores, inspect_at, 1.0])
    bins = 20
    step = (hi - lo) / bins or 1.0
    counts = [0] * bins
    for s in scores:
        counts[min(int((s - lo) / step), bins - 1)] += 1
    edges = [round(lo + i * step, 3) for i in range(bins + 1)]
    title = f"Scores of {len(scores)} shipments; review from {review_at:g}, inspect from {inspect_at:g}"
    return histogram_svg(counts, edges, title, marks=((review_at, "review"), (inspect_at, "inspect")))


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/queue", response_class=HTMLResponse)
    def queue_page(
        request: Request,
        manifest: str = Query(default="", max_length=40),
        top: int = Query(default=50, ge=1, le=MAX_TOP),
        action: str = Query(default="", max_length=32),
        indicator: str = Query(default="", max_length=64),
        port: str = Query(default="", max_length=5),
        q: str = Query(default="", max_length=200),
        sort: str = Query(default="rank", max_length=16),
        error: str = Query(default="", max_length=500),
        done: str = Query(default="", max_length=500),
        retry: bool = Query(default=False),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        pg.require(Permission.TARGET)
        manifests = ws.manifests(pg.principal)
        chosen = manifest or (manifests[0].id if manifests else "")
        current = ws.manifest(pg.principal, chosen) if chosen else None
        builds: QueueBuilds = request.app.state.queue_builds
        if chosen and retry:
            builds.start(pg.principal, chosen, retry=True)
        run = builds.ready(pg.principal, chosen) if chosen else None
        if current is not None and run is None:  # being scored: the page shows how far it got
            return render(
                request, "queue.html", pg, manifests=manifests, current=current, run=None,
                build=builds.status(pg.principal, chosen), manifest=chosen, error=error or None, done=done or None,
            )  # fmt: skip
        facts = ws.shipments(pg.principal, chosen) if chosen else {}
        rows = [Row(s, facts.get(s.bill_of_lading)) for s in (run.ranked if run else [])]
        counts = Counter(r.scored.action.value for r in rows)
        mix = Counter(reason.indicator for r in rows for reason in r.scored.reasons if reason.points > 0)
        ports = sorted({p for r in rows for p in r.route})
        port = port.strip().upper()
        needle = " ".join(q.casefold().split())
        shown = [
            r
            for r in rows
            if (not action or action == "held" or r.scored.action.value == action)
            and (
                not indicator
                or any(x.indicator == indicator or x.indicator.startswith(indicator + ".") for x in r.scored.reasons)
            )
            and (not port or port in r.route)
            and (not needle or needle in r.text())
        ]
        if sort == "score_asc":
            shown.sort(key=lambda r: (r.scored.score, r.scored.rank))
        elif sort == "eta":
            shown.sort(key=lambda r: (r.eta or "9999", r.scored.rank))
        elif sort == "bl":
            shown.sort(key=lambda r: r.scored.bill_of_lading)
        holds = held(ws.db, pg.principal.authority_code, [r.scored.bill_of_lading for r in rows])
        if action == "held":  # the held shipments, whatever their action
            shown = [r for r in shown if r.scored.bill_of_lading in holds]
        policy = load_policy()
        chart = (
            _histogram([r.scored.score for r in rows], policy.thresholds.inspect, policy.thresholds.review)
            if rows
            else None
        )
        filters = {"manifest": chosen, "action": action, "indicator": indicator, "port": port, "q": q, "sort": sort}
        more = "/queue?" + urlencode({**filters, "top": min(top * 4, MAX_TOP)})
        back = "/queue?" + urlencode({**filters, "top": top})
        open_cases = [c for c in list_cases(ws.db, pg.principal) if c.status is not CaseStatus.CLOSED]
        return render(
            request, "queue.html", pg, manifests=manifests, current=current, run=run, rows=shown[:top],
            matched=len(shown), total=len(rows), top=top, counts=counts, actions=[a.value for a in Action],
            mix=mix.most_common(), words=indicator_words, reason_line=reason_line, points_words=points_words,
            ports=ports, filters=filters, sorts=SORTS, chart=chart,
            more=more, back=back, outcomes=OUTCOME_WORDS, error=error or None, done=done or None,
            open_cases=open_cases, holds=holds,
        )  # fmt: skip

    def _back(back: str, message: dict[str, str], allowed: tuple[str, ...] = ("/queue", "/cases")) -> RedirectResponse:
        """Back to the page the form was on (only one of ``allowed``, else the queue), with ``message``
        in the query, before any anchor."""
        target = back if back.startswith(allowed) and "//" not in back else "/queue"
        sep = "&" if "?" in target else "?"
        anchor = ""
        if "#" in target:
            target, anchor = target.split("#", 1)
            anchor = "#" + anchor
        return RedirectResponse(target + sep + urlencode(message) + anchor, status_code=303)

    @router.post("/queue/{manifest_id}/holds")
    def hold(
        manifest_id: str = Path(max_length=40),
        bill_of_lading: str = Form(max_length=64),
        reason: str = Form(default="", max_length=2000),
        container: str = Form(default="", max_length=11),
        back: str = Form(default="/queue", max_length=2000),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        """Hold a shipment of the caller's manifest at the port (a reason is required)."""
        pg.require(Permission.TARGET)
        ws.manifest(pg.principal, manifest_id)  # the caller's own manifest, or 404
        try:
            hold_shipment(
                ws.db, pg.principal.authority_code, bill_of_lading, reason=reason, by=pg.principal.username,
                container=container,
            )  # fmt: skip
        except (InputError, ConflictError) as exc:
            return _back(back, {"error": exc.message})
        return _back(back, {"done": f"{bill_of_lading} is held: {' '.join(reason.split())}"})

    @router.post("/queue/{manifest_id}/holds/release")
    def release(
        manifest_id: str = Path(max_length=40),
        bill_of_lading: str = Form(max_length=64),
        note: str = Form(default="", max_length=2000),
        back: str = Form(default="/queue", max_length=2000),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        """Lift the hold of a shipment (a note is required)."""
        pg.require(Permission.TARGET)
        ws.manifest(pg.principal, manifest_id)
        try:
            release_shipment(ws.db, pg.principal.authority_code, bill_of_lading, note=note, by=pg.principal.username)
        except (InputError, NotFoundError) as exc:
            return _back(back, {"error": exc.message})
        return _back(back, {"done": f"{bill_of_lading} is released from hold"})

    @router.post("/queue/{manifest_id}/outcomes")
    def outcome(
        manifest_id: str = Path(max_length=40),
        bill_of_lading: str = Form(max_length=64),
        result: str = Form(default="", max_length=32),
        note: str = Form(default="", max_length=2000),
        back: str = Form(default="/queue", max_length=2000),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        """Record what the inspection found (no default: a choice is needed)."""
        pg.require(Permission.TARGET)
        ws.manifest(pg.principal, manifest_id)  # the caller's own manifest, or 404
        try:
            if not result.strip():
                raise InputError("choose what the inspection found", field="result")
            chosen = OutcomeResult(result.strip())
        except (InputError, ValueError) as exc:
            message = exc.message if isinstance(exc, InputError) else f"unknown outcome {result!r}"
            return _back(back, {"error": message}, allowed=("/queue",))
        from tripline.cargo.run import record_outcome

        record_outcome(ws.db, bill_of_lading, chosen, note.strip(), authority=pg.principal.authority_code)
        said = f"Outcome of {bill_of_lading} recorded: {OUTCOME_WORDS[chosen]}"
        return _back(back, {"done": said}, allowed=("/queue",))

    @router.post("/queue/{manifest_id}/cases")
    def case_from_shipment(
        request: Request,
        manifest_id: str = Path(max_length=40),
        bill_of_lading: str = Form(max_length=64),
        case_id: int | None = Form(default=None, ge=1, le=2**31 - 1),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        """Open a case (or add to one of the authority's cases, ``case_id``) holding the shipment (with
        its score and reasons), its containers with their scans, and its parties."""
        pg.require(Permission.TARGET)
        info = ws.manifest(pg.principal, manifest_id)
        run = request.app.state.queue_builds.ready(pg.principal, manifest_id)
        if run is None:
            said = urlencode(
                {"manifest": manifest_id, "error": "the queue is still being scored; try again when it is"}
            )
            return RedirectResponse(f"/queue?{said}", status_code=303)
        scored = next((s for s in run.ranked if s.bill_of_lading == bill_of_lading), None)
        if scored is None:
            raise InputError(f"no shipment {bill_of_lading!r} on this manifest", field="bill_of_lading")
        row = Row(scored, ws.shipments(pg.principal, manifest_id).get(bill_of_lading))
        details = {
            "manifest": info.name,
            "score": round(scored.score, 3),
            "action": scored.action.value,
            "reasons": [
                {"indicator": r.indicator, "words": reason_words(r.indicator, r.detail), "points": round(r.points, 3),
                 "detail": r.detail, "source": r.source}
                for r in scored.reasons
            ],
            "shipper": row.party("shipper"),
            "consignee": row.party("consignee"),
            "goods": [{"description": d, "hs_code": h} for d, h in row.goods],
            "classification": goods_classifications(ws.runtime.classifier(), row.goods),
            "route": row.route,
            "vessel": row.vessel,
            "eta": row.eta,
        }  # fmt: skip
        label = f"B/L {bill_of_lading} ({info.name}): score {scored.score:.2f}, {scored.action.value}"
        items: list[tuple[ItemKind, str, str, dict[str, Any]]] = [(ItemKind.SHIPMENT, bill_of_lading, label, details)]
        for c in scored.containers:
            scans = [scan_record(x) for x in ws.container(pg.principal, manifest_id, c).scans]
            url = f"/queue/{manifest_id}/containers/{c}"
            items.append((ItemKind.CONTAINER, c, f"Container {c} (B/L {bill_of_lading})", {"url": url, "scans": scans}))
        title = (
            f"Shipment {bill_of_lading}: {row.party('shipper') or 'shipper unknown'} → {row.party('consignee') or '?'}"
        )
        if case_id is not None:
            add_items(ws.db, pg.principal, case_id, items)  # the caller's authority's case, or 404
        else:
            case_id = open_case(ws.db, pg.principal, title[:256], items=items)
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @router.post("/manifests")
    def upload(
        request: Request,
        file: UploadFile = File(),
        scans: UploadFile | None = File(default=None),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        """Receive the file; its rows are checked and stored, then its queue scored, in the background
        while the pages show how far (a file that is too large, of the wrong kind or empty is refused here)."""
        pg.require(Permission.TARGET)
        data, scan_data = read_upload(ws, file, scans)
        job = request.app.state.uploads.start(pg.principal, file.filename or "manifest", data, scan_data)
        target = f"/manifests/{job.manifest_id}/storing"
        if request.headers.get("HX-Request"):  # the upload form with its progress bar
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @router.get("/queue/{manifest_id}/containers/{container}", response_class=HTMLResponse)
    def container_page(
        request: Request,
        manifest_id: str = Path(max_length=40),
        container: str = Path(max_length=11),
        error: str = Query(default="", max_length=500),
        done: str = Query(default="", max_length=500),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        pg.require(Permission.TARGET)
        if request.app.state.queue_builds.ready(pg.principal, manifest_id) is None:
            return RedirectResponse("/queue?" + urlencode({"manifest": manifest_id}), status_code=303)
        view = ws.container(pg.principal, manifest_id, container)
        scans = [
            ScanPanel(
                scan,
                spectrum_svg(
                    scan.counts, scan.live_time_s, energies_kev=scan.energies_kev, background=scan.background,
                    background_live_time_s=scan.background_live_time_s,
                    title=f"Spectrum of {view.container}, occupancy {scan.occupancy_id}", markers=line_marks(scan),
                ),
                profile_svg(
                    scan.gamma_cps, scan.slice_s, scan.gamma_background_cps,
                    f"Gamma counts against time as {view.container} passed {scan.location or 'the portal'}",
                ),
                next_step(scan),
            )
            for scan in view.scans
        ]  # fmt: skip
        open_cases = [c for c in list_cases(ws.db, pg.principal) if c.status is not CaseStatus.CLOSED]
        bl = view.shipment.bill_of_lading
        hold = held(ws.db, pg.principal.authority_code, [bl]).get(bl)
        return render(
            request, "container.html", pg, view=view, scans=scans, open_cases=open_cases, words=indicator_words,
            reason_line=reason_line, points_words=points_words,
            verdict_words=VERDICT_WORDS, hold=hold, error=error or None, done=done or None,
        )  # fmt: skip

    @router.get("/containers/{container}/history", response_class=HTMLResponse)
    def container_history_page(
        request: Request,
        container: str = Path(max_length=11),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        """Every passage of the container through a portal in this authority's manifests."""
        pg.require(Permission.TARGET)
        passages = container_history(ws, pg.principal, container)
        return render(
            request, "container_history.html", pg, container=container.strip().upper(), passages=passages,
            verdict_words=VERDICT_WORDS, next_step=next_step,
        )  # fmt: skip

    return router
