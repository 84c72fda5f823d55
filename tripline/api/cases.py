"""Case files over HTTP: list, open, link items, notes, status, timeline, PDF export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tripline.auth.roles import Permission
from tripline.auth.service import Principal
from tripline.cases import service as cases
from tripline.cases.pdf import render_case_pdf
from tripline.http.deps import get_db, require
from tripline.jsonbody import ParsedJsonRoute
from tripline.settings import Settings
from tripline.store.db import Database

CaseId = Path(ge=1, le=2**31 - 1, description="Case number")


class CaseSummaryOut(BaseModel):
    id: int
    title: str
    status: cases.CaseStatus
    created_by: str
    created_at: datetime
    updated_at: datetime
    items: int


class ItemOut(BaseModel):
    id: int
    kind: cases.ItemKind
    ref: str
    label: str
    details: dict[str, Any]
    added_by: str
    added_at: datetime


class EventOut(BaseModel):
    at: datetime
    actor: str
    action: str
    detail: str


class NoteOut(BaseModel):
    id: int
    author: str
    body: str
    at: datetime


class CaseOut(BaseModel):
    id: int
    authority: str
    title: str
    summary: str
    status: cases.CaseStatus
    created_by: str
    created_at: datetime
    updated_at: datetime
    items: list[ItemOut]
    notes: list[NoteOut]
    timeline: list[EventOut]


class CaseIn(BaseModel):
    title: str = Field(min_length=1, max_length=256)
    summary: str = Field(default="", max_length=20000)


class ItemIn(BaseModel):
    kind: cases.ItemKind
    ref: str = Field(min_length=1, max_length=256, description="Id of the entity, shipment, container, ...")
    label: str | None = Field(default=None, max_length=512)
    details: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=20000)


class StatusIn(BaseModel):
    status: cases.CaseStatus
    reason: str = Field(default="", max_length=2000)


class Created(BaseModel):
    id: int


def case_out(case: cases.CaseFile) -> CaseOut:
    return CaseOut(
        id=case.id,
        authority=case.authority,
        title=case.title,
        summary=case.summary,
        status=case.status,
        created_by=case.created_by,
        created_at=case.created_at,
        updated_at=case.updated_at,
        items=[ItemOut(**vars(i)) for i in case.items],
        notes=[NoteOut(**vars(n)) for n in case.notes],
        timeline=[EventOut(**vars(e)) for e in case.timeline],
    )


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api/cases", tags=["cases"], route_class=ParsedJsonRoute)
    can = require(Permission.CASES)

    @router.get("", response_model=list[CaseSummaryOut], summary="Cases of my authority, most recent first")
    def list_(
        status: cases.CaseStatus | None = Query(default=None),
        principal: Principal = Depends(can),
        db: Database = Depends(get_db),
    ) -> list[CaseSummaryOut]:
        return [CaseSummaryOut(**vars(c)) for c in cases.list_cases(db, principal, status)]

    @router.post("", response_model=Created, status_code=201, summary="Open a case")
    def open_(body: CaseIn, principal: Principal = Depends(can), db: Database = Depends(get_db)) -> Created:
        return Created(id=cases.open_case(db, principal, body.title, body.summary))

    @router.get("/{case_id}", response_model=CaseOut, summary="A case with its items, notes and timeline")
    def get(case_id: int = CaseId, principal: Principal = Depends(can), db: Database = Depends(get_db)) -> CaseOut:
        return case_out(cases.get_case(db, principal, case_id))

    @router.post("/{case_id}/items", response_model=Created, status_code=201, summary="Link an item to a case")
    def add_item(
        body: ItemIn, case_id: int = CaseId, principal: Principal = Depends(can), db: Database = Depends(get_db)
    ) -> Created:
        item_id = cases.add_item(db, principal, case_id, body.kind, body.ref, body.label, dict(body.details))
        return Created(id=item_id)

    @router.post("/{case_id}/notes", response_model=Created, status_code=201, summary="Add a note")
    def add_note(
        body: NoteIn, case_id: int = CaseId, principal: Principal = Depends(can), db: Database = Depends(get_db)
    ) -> Created:
        return Created(id=cases.add_note(db, principal, case_id, body.body))

    @router.post("/{case_id}/status", response_model=CaseOut, summary="Change the status of a case")
    def set_status(
        body: StatusIn, case_id: int = CaseId, principal: Principal = Depends(can), db: Database = Depends(get_db)
    ) -> CaseOut:
        cases.set_status(db, principal, case_id, body.status, body.reason)
        return case_out(cases.get_case(db, principal, case_id))

    @router.get(
        "/{case_id}/pdf",
        summary="The case file as PDF",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}, "description": "PDF document"}},
    )
    def pdf(case_id: int = CaseId, principal: Principal = Depends(can), db: Database = Depends(get_db)) -> Response:
        body = render_case_pdf(cases.get_case(db, principal, case_id))
        headers = {"Content-Disposition": f'attachment; filename="case-{case_id}.pdf"'}
        return Response(body, media_type="application/pdf", headers=headers)

    return router
