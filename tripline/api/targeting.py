"""Manifests, the targeting queue, containers and their scan results over HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, File, Path, Query, UploadFile
from pydantic import BaseModel

from tripline.auth.roles import Permission
from tripline.auth.service import Principal
from tripline.cases.workspace import ManifestInfo, Workspace
from tripline.http.deps import get_workspace, require, store_upload
from tripline.settings import Settings

ManifestId = Path(max_length=40, description="Manifest id (from the upload)")
Container = Path(max_length=11, description="ISO 6346 container number")


class ManifestOut(BaseModel):
    id: str
    name: str
    uploaded_by: str
    uploaded_at: datetime
    loaded: int
    rejected: int
    has_scans: bool


class ReasonOut(BaseModel):
    indicator: str
    points: float
    detail: str
    source: str | None = None


class ShipmentOut(BaseModel):
    rank: int
    bill_of_lading: str
    containers: list[str]
    score: float
    action: str
    reasons: list[ReasonOut]


class ScanOut(BaseModel):
    occupancy_id: str
    location: str
    time: str
    verdict: str
    reasons: list[str]
    nuclides: list[str]
    energies_kev: list[float]
    counts: list[int]
    background: list[int]
    live_time_s: float
    background_live_time_s: float


class ContainerOut(BaseModel):
    manifest: ManifestOut
    container: str
    shipment: ShipmentOut
    scans: list[ScanOut]


class QueueOut(BaseModel):
    manifest: ManifestOut
    shipments: int
    rejected_rows: int
    queue: list[ShipmentOut]


def manifest_out(info: ManifestInfo) -> ManifestOut:
    return ManifestOut(**vars(info))


def shipment_out(scored: Any) -> ShipmentOut:
    return ShipmentOut.model_validate(scored.to_dict())


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api/manifests", tags=["targeting"])
    can = require(Permission.TARGET)

    @router.get("", response_model=list[ManifestOut], summary="Manifests of my authority")
    def manifests(principal: Principal = Depends(can), ws: Workspace = Depends(get_workspace)) -> list[ManifestOut]:
        return [manifest_out(m) for m in ws.manifests(principal)]

    @router.post("", response_model=ManifestOut, status_code=201, summary="Upload a manifest (and its portal scans)")
    def upload(
        file: UploadFile = File(description="Manifest: .csv, .jsonl, .parquet or .edi (CUSCAR)"),
        scans: UploadFile | None = File(default=None, description="Portal occupancies, JSON lines"),
        principal: Principal = Depends(can),
        ws: Workspace = Depends(get_workspace),
    ) -> ManifestOut:
        return manifest_out(store_upload(ws, principal, file, scans))

    @router.get("/{manifest_id}/queue", response_model=QueueOut, summary="The ranked inspection queue")
    def queue(
        manifest_id: str = ManifestId,
        top: int = Query(default=50, ge=1, le=10000),
        principal: Principal = Depends(can),
        ws: Workspace = Depends(get_workspace),
    ) -> QueueOut:
        run = ws.queue(principal, manifest_id)
        return QueueOut(
            manifest=manifest_out(ws.manifest(principal, manifest_id)),
            shipments=run.shipments,
            rejected_rows=len(run.errors),
            queue=[shipment_out(s) for s in run.ranked[:top]],
        )

    @router.get(
        "/{manifest_id}/containers/{container}",
        response_model=ContainerOut,
        summary="A container: its shipment's reasons and its adjudicated scans with spectra",
    )
    def container(
        manifest_id: str = ManifestId,
        container: str = Container,
        principal: Principal = Depends(can),
        ws: Workspace = Depends(get_workspace),
    ) -> ContainerOut:
        view = ws.container(principal, manifest_id, container)
        return ContainerOut(
            manifest=manifest_out(view.manifest),
            container=view.container,
            shipment=shipment_out(view.shipment),
            scans=[ScanOut(**vars(s)) for s in view.scans],
        )

    return router
