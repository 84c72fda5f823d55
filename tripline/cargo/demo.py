"""Demo traffic: a realistic manifest with the situations of the seed cables planted in it.

Everything is generated from stated rules (``GROUND_TRUTH_RULES``) with a seeded RNG: real
UN/LOCODEs, lanes and HS 2022 codes from ``data/demo.yaml``; invented company and vessel
names; container numbers on owner prefixes of the BIC list with valid ISO 6346 check
digits; IMO numbers with valid check digits. Planted shipments stand for the seed cables.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from stdnum import imo as stdnum_imo
from stdnum import iso6346

from tripline import yamlfile
from tripline.cargo.model import GoodsLine, Party, Role, Route, Shipment, Vessel
from tripline.cargo.reference import ReferenceData

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"
P_ILLICIT = 0.008
HUBS = ("AEJEA", "MYPKG", "HKHKG", "SGSIN")
SCAN_LOCATION = "JPYOK"
START = dt.date(2026, 11, 2)

GROUND_TRUTH_RULES = [
    f"Each background shipment is illicit with probability {P_ILLICIT} (independent draw).",
    "An illicit shipment carries dual-use goods (kind dual_use) on a random lane from CN, KR, JP, DE, IN or AE.",
    "Illicit: transshipped via a hub (AEJEA, MYPKG, HKHKG, SGSIN) with p=0.6; consignee a trading company with "
    "p=0.7; a shipper never seen before with p=0.6; a cover HS code instead of the true one with p=0.4; a declared "
    "end user in IR or SY with p=0.1; final destination in IR or SY with p=0.1.",
    "Benign: consignee a trading company with p=0.25; an HS code of another catalogue line (clerical error) with "
    "p=0.01; dual-use goods only on lanes that carry them (JP, DE exporters); hubs only where the lane has them; "
    "shippers drawn from a fixed pool per country (Zipf-like), so first shipments also occur in benign traffic.",
    "Planted shipments (see 'planted') are positives; seized for the threat scenarios, referred for NORM.",
    f"Portal scans: every container transshipped at {SCAN_LOCATION} is scanned (Megaports). NORM-kind goods "
    "alarm with p=0.25 from their natural K-40/U/Th content; no background shipment carries a man-made source.",
]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoodsSpec(_Spec):
    descriptions: tuple[str, ...] = Field(min_length=1)
    hs: str = Field(pattern=r"^\d{6}$")
    kg: tuple[float, float]
    usd_per_kg: float = Field(gt=0)
    kind: str


class LaneSpec(_Spec):
    pol: str
    pod: str
    via: tuple[str, ...] = ()
    final: str | None = None
    weight: float = Field(gt=0)
    kinds: tuple[str, ...]


class CompanySpec(_Spec):
    places: tuple[str, ...]
    cores: tuple[str, ...]
    makers: tuple[str, ...]
    traders: tuple[str, ...]


class DemoSpec(_Spec):
    goods: dict[str, GoodsSpec]
    cover_codes: tuple[str, ...]
    lanes: tuple[LaneSpec, ...]
    companies: dict[str, CompanySpec]
    vessels: tuple[str, ...]


def load_demo_spec(path: Path = DEMO_FILE) -> DemoSpec:
    return DemoSpec.model_validate(yamlfile.safe_load(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class ScanPlan:
    """A portal occupancy to simulate: which container, where, and what (if anything) radiates."""

    container: str
    location: str
    time: str
    source: str | None  # "NORM" (natural K/U/Th in the cargo), "Cs-137", or None
    declared_goods: str
    hs_code: str


@dataclass
class DemoTraffic:
    shipments: list[Shipment]
    scans: list[ScanPlan]
    planted: list[dict[str, Any]]
    positives: dict[str, str]  # bill of lading -> why (ground truth)
    rules: list[str] = field(default_factory=lambda: list(GROUND_TRUTH_RULES))

    def planted_document(self, manifest: Path) -> dict[str, Any]:
        return {
            "manifest": manifest.name,
            "planted": self.planted,
            "ground_truth": {
                "rules": self.rules,
                "positives": [{"bill_of_lading": bl, "why": why} for bl, why in sorted(self.positives.items())],
            },
        }


class _Generator:
    def __init__(self, spec: DemoSpec, ref: ReferenceData, seed: int) -> None:
        self.spec = spec
        self.rng = random.Random(seed)
        self.seed = seed
        owners = sorted(ref.owners)
        self.owner_prefixes = [p + "U" for p in self.rng.sample(owners, min(60, len(owners)))]
        self.lane_weights = [lane.weight for lane in spec.lanes]
        self.by_kind: dict[str, list[str]] = {}
        for key, g in spec.goods.items():
            self.by_kind.setdefault(g.kind, []).append(key)
        self.vessels = [(name, self._imo()) for name in spec.vessels]
        self.container_serials: set[str] = set()
        self.fresh = 0
        self.scans: list[ScanPlan] = []

    # -- identifiers -----------------------------------------------------------------------
    def _imo(self) -> str:
        base = str(self.rng.randint(930000, 989999))
        return base + str(stdnum_imo.calc_check_digit(base))

    def container(self) -> str:
        while True:
            base = self.rng.choice(self.owner_prefixes) + f"{self.rng.randint(0, 999999):06d}"
            number = base + str(iso6346.calc_check_digit(base))
            if number not in self.container_serials:
                self.container_serials.add(number)
                return number

    # -- companies ---------------------------------------------------------------------------
    def company(self, country: str, trader: bool, *, fresh: bool = False) -> str:
        spec = self.spec.companies.get(country) or self.spec.companies["US"]
        suffixes = spec.traders if trader else spec.makers
        if fresh:
            self.fresh += 1
            a, b = self.rng.sample(spec.cores, 2) if len(spec.cores) > 1 else (spec.cores[0], "New")
            return f"{self.rng.choice(spec.places)} {a} {b.split()[-1]} {self.rng.choice(suffixes)}"
        # Zipf-like pool: a few frequent names, a long tail
        place = spec.places[min(int(self.rng.paretovariate(1.2)) - 1, len(spec.places) - 1)]
        core = spec.cores[min(int(self.rng.paretovariate(1.0)) - 1, len(spec.cores) - 1)]
        suffix = suffixes[min(int(self.rng.paretovariate(1.5)) - 1, len(suffixes) - 1)]
        return f"{place} {core} {suffix}"

    # -- shipments ---------------------------------------------------------------------------
    def goods_line(self, key: str, *, hs: str | None = None) -> GoodsLine:
        g = self.spec.goods[key]
        kg = round(self.rng.uniform(*g.kg), -1)
        return GoodsLine(
            description=self.rng.choice(g.descriptions),
            hs_code=hs or g.hs,
            quantity=float(self.rng.randint(10, 900)),
            weight_kg=kg,
            value_usd=round(kg * g.usd_per_kg * self.rng.uniform(0.8, 1.2), 2),
        )

    def background(self, index: int) -> tuple[Shipment, str | None]:
        rng = self.rng
        illicit = rng.random() < P_ILLICIT
        if illicit:
            return self.illicit(index), "background illicit (ground-truth rule)"
        lane = rng.choices(self.spec.lanes, weights=self.lane_weights)[0]
        kind = rng.choice(lane.kinds)
        key = rng.choice(self.by_kind[kind])
        origin, dest = lane.pol[:2], (lane.final or lane.pod)[:2]
        hs = None
        if rng.random() < 0.01:
            hs = self.spec.goods[rng.choice(list(self.spec.goods))].hs
        line = self.goods_line(key, hs=hs)
        consignee_trader = rng.random() < 0.25
        parties = [
            Party(role=Role.SHIPPER, name=self.company(origin, trader=rng.random() < 0.15), country=origin),
            Party(role=Role.CONSIGNEE, name=self.company(dest, trader=consignee_trader), country=dest),
        ]
        if rng.random() < 0.4:
            parties.append(Party(role=Role.NOTIFY, name=self.company(dest, trader=True), country=dest))
        if kind in ("machinery", "dual_use") and rng.random() < 0.2:
            parties.append(Party(role=Role.END_USER, name=self.company(dest, trader=False), country=dest))
        shipment = self.shipment(index, lane.pol, lane.via, lane.pod, lane.final, parties, [line])
        self.plan_scans(shipment, key, None)
        return shipment, None

    def illicit(self, index: int) -> Shipment:
        rng = self.rng
        origins = [lane for lane in self.spec.lanes if lane.pol[:2] in ("CN", "KR", "JP", "DE", "IN", "AE")]
        lane = rng.choice(origins)
        key = rng.choice(self.by_kind["dual_use"])
        hs = rng.choice(self.spec.cover_codes) if rng.random() < 0.4 else None
        line = self.goods_line(key, hs=hs)
        via = list(lane.via)
        if rng.random() < 0.6:
            hub = rng.choice([h for h in HUBS if h != lane.pod])
            if hub not in via:
                via.append(hub)
        final = lane.final
        if rng.random() < 0.1:
            final = rng.choice(["IRBND", "SYLTK"])
        origin, dest = lane.pol[:2], lane.pod[:2]
        parties = [
            Party(role=Role.SHIPPER, name=self.company(origin, trader=False, fresh=rng.random() < 0.6), country=origin),
            Party(role=Role.CONSIGNEE, name=self.company(dest, trader=rng.random() < 0.7), country=dest),
        ]
        if rng.random() < 0.1:
            parties.append(
                Party(
                    role=Role.END_USER,
                    name=self.company("AE", trader=False, fresh=True),
                    country=rng.choice(["IR", "SY"]),
                )
            )
        return self.shipment(index, lane.pol, tuple(via), lane.pod, final, parties, [line])

    def shipment(
        self,
        index: int,
        pol: str,
        via: tuple[str, ...] | list[str],
        pod: str,
        final: str | None,
        parties: list[Party],
        goods: list[GoodsLine],
        *,
        containers: int | None = None,
        prefix: str = "TLDM",
    ) -> Shipment:
        rng = self.rng
        departure = START + dt.timedelta(days=rng.randint(0, 27))
        vessel_name, vessel_imo = rng.choice(self.vessels)
        count = containers or (1 if rng.random() < 0.75 else rng.randint(2, 3))
        return Shipment(
            bill_of_lading=f"{prefix}{self.seed % 1000:03d}X{index:07d}",
            containers=tuple(self.container() for _ in range(count)),
            parties=tuple(parties),
            goods=tuple(goods),
            route=Route(port_of_loading=pol, transshipment=tuple(via), port_of_discharge=pod, final_destination=final),
            vessel=Vessel(name=vessel_name, imo=vessel_imo),
            departure_date=departure,
            arrival_date=departure + dt.timedelta(days=rng.randint(9, 35)),
        )

    def plan_scans(self, s: Shipment, goods_key: str | None, source: str | None) -> None:
        if SCAN_LOCATION not in s.route.transshipment:
            return
        kind = self.spec.goods[goods_key].kind if goods_key else ""
        for i, c in enumerate(s.containers):
            src = source if i == 0 else None
            if src is None and kind == "norm" and self.rng.random() < 0.25:
                src = "NORM"
            when = dt.datetime.combine(s.departure_date or START, dt.time(0)) + dt.timedelta(
                days=3, minutes=len(self.scans)
            )
            self.scans.append(
                ScanPlan(c, SCAN_LOCATION, when.isoformat() + "Z", src, s.goods[0].description, s.goods[0].hs_code)
            )


PLANTED_NAMES = {
    "limmt": "LIMMT (DALIAN FTZ) METALLURGY AND MINERALS CO., LTD.",
    "sbig": "SHAHID BAKERI INDUSTRIAL GROUP",
    "intermediary": "Success Wayholdings Ltd.",
}


def _planted(gen: _Generator, n: int) -> list[tuple[Shipment, dict[str, Any]]]:
    out: list[tuple[Shipment, dict[str, Any]]] = []
    rng = gen.rng
    idx = [n + i for i in range(4)]
    s = gen.shipment(
        idx[0], "CNDLC", ("AEJEA",), "IRBND", None,
        [
            Party(role=Role.SHIPPER, name=PLANTED_NAMES["limmt"], country="CN"),
            Party(role=Role.CONSIGNEE, name=PLANTED_NAMES["sbig"], country="IR"),
            Party(role=Role.NOTIFY, name=gen.company("AE", trader=True, fresh=True), country="AE"),
        ],
        [GoodsLine(description="Cold flow forming machine, 3 rollers, CNC, model 3GFF-700", hs_code="846390",
                   quantity=1, weight_kg=21500, value_usd=1_450_000)],
        containers=2,
    )  # fmt: skip
    out.append(
        (
            s,
            {
                "scenario": "limmt_flow_forming",
                "stands_for": "Seed 004 (09BEIJING724): LIMMT supplying a "
                "3GFF-700 cold flow-forming machine (MTCR/NSG/Wassenaar controlled) to Shahid Bakeri Industrial "
                "Group, Iran's solid-propellant missile producer, here via Jebel Ali",
                "outcome": "seized",
            },
        )
    )
    s = gen.shipment(
        idx[1], "JPYOK", (), "CNSHA", None,
        [
            Party(role=Role.SHIPPER, name=gen.company("JP", trader=True, fresh=True), country="JP"),
            Party(role=Role.CONSIGNEE, name=PLANTED_NAMES["intermediary"], country="CN"),
            Party(role=Role.END_USER, name="Al Sham Technical Engineering Co.", country="SY"),
        ],
        [GoodsLine(description="3D coordinate measurement system NET1200 with theodolites", hs_code="901520",
                   quantity=4, weight_kg=180, value_usd=96_000)],
        containers=1,
    )  # fmt: skip
    out.append(
        (
            s,
            {
                "scenario": "cmm_chinese_intermediary_syrian_end_user",
                "stands_for": "Seed 000 (08TOKYO675): "
                "NET1200 3D coordinate measurement systems (surveying launch sites, airframe alignment of ballistic "
                "missiles) sold to a Chinese intermediary (Success Wayholdings Ltd.) for a Syrian technical firm "
                "(the end user's name is invented)",
                "outcome": "seized",
            },
        )
    )
    s = gen.shipment(
        idx[2], "CNXMN", ("JPYOK",), "USLGB", None,
        [
            Party(role=Role.SHIPPER, name=gen.company("CN", trader=False), country="CN"),
            Party(role=Role.CONSIGNEE, name=gen.company("US", trader=False), country="US"),
        ],
        [GoodsLine(description="Glazed ceramic wall tiles", hs_code="690721", quantity=900, weight_kg=24000,
                   value_usd=15_800)],
        containers=1,
    )  # fmt: skip
    gen.plan_scans(s, "ceramic_tiles", "NORM")
    out.append(
        (
            s,
            {
                "scenario": "yokohama_norm_ceramics",
                "stands_for": "Seeds 001-002 (Megaports Yokohama): a "
                "transshipment container that alarms at the portal because of naturally occurring K-40/U/Th in "
                "ceramic tiles (a nuisance alarm, to be cleared with reasons)",
                "outcome": "referred",
            },
        )
    )
    s = gen.shipment(
        idx[3], "CNTAO", ("JPYOK",), "USLAX", None,
        [
            Party(role=Role.SHIPPER, name=gen.company("CN", trader=False), country="CN"),
            Party(role=Role.CONSIGNEE, name=gen.company("US", trader=True), country="US"),
        ],
        [GoodsLine(description="Steel screws and bolts", hs_code="731815", quantity=600, weight_kg=21000,
                   value_usd=44_000)],
        containers=1,
    )  # fmt: skip
    gen.plan_scans(s, "screws", "Cs-137")
    out.append(
        (
            s,
            {
                "scenario": "yokohama_cs137",
                "stands_for": "Seeds 001-002 (Megaports Yokohama): a "
                "transshipment container whose portal alarm is Cs-137 (a man-made source, e.g. a melted sealed "
                "source in steel products)",
                "outcome": "seized",
            },
        )
    )
    del rng
    return out


def generate(n: int, seed: int, ref: ReferenceData, *, spec: DemoSpec | None = None, plant: bool = True) -> DemoTraffic:
    """``n`` shipments in total (the planted ones included), reproducible from ``seed``."""
    spec = spec or load_demo_spec()
    gen = _Generator(spec, ref, seed)
    planted = _planted(gen, n) if plant else []
    background = max(0, n - len(planted))
    shipments: list[Shipment] = []
    positives: dict[str, str] = {}
    for i in range(background):
        shipment, why = gen.background(i)
        shipments.append(shipment)
        if why:
            positives[shipment.bill_of_lading] = why
    planted_at: list[tuple[Shipment, dict[str, Any]]] = []
    for shipment, doc in planted:
        shipments.insert(gen.rng.randint(0, len(shipments)), shipment)
        planted_at.append((shipment, doc))
    # number the bills of lading in file order, so planted ones do not stand out by number
    renamed: dict[str, str] = {}
    for i, shipment in enumerate(shipments):
        new = f"TLDM{seed % 1000:03d}{i:07d}"
        renamed[shipment.bill_of_lading] = new
        shipments[i] = shipment.model_copy(update={"bill_of_lading": new})
    positives = {renamed[bl]: why for bl, why in positives.items()}
    planted_docs = []
    for shipment, doc in planted_at:
        bl = renamed[shipment.bill_of_lading]
        positives[bl] = f"planted: {doc['scenario']}"
        planted_docs.append({"bill_of_lading": bl, "containers": list(shipment.containers), **doc})
    return DemoTraffic(shipments, gen.scans, planted_docs, positives)
