from __future__ import annotations

import json
from pathlib import Path

from stdnum import imo, iso6346

from tripline.cargo.demo import GROUND_TRUTH_RULES, generate, load_demo_spec
from tripline.cargo.hsdesc import HsConsistency
from tripline.cargo.model import Role
from tripline.cargo.reference import ReferenceData
from tripline.cargo.validate import reference_problems


def test_demo_is_reproducible_valid_and_realistic(ref: ReferenceData) -> None:
    a = generate(400, 5, ref)
    b = generate(400, 5, ref)
    assert a.shipments == b.shipments and a.positives == b.positives
    assert generate(400, 6, ref).shipments != a.shipments
    assert len(a.shipments) == 400 and len({s.bill_of_lading for s in a.shipments}) == 400
    containers = [c for s in a.shipments for c in s.containers]
    assert len(set(containers)) == len(containers)
    for s in a.shipments:
        assert reference_problems(s, ref) == []
        assert all(iso6346.is_valid(c) and c[:3] in ref.owners for c in s.containers)
        assert s.vessel is not None and imo.is_valid(s.vessel.imo)
        assert ref.location(s.route.port_of_loading) is not None
    # scans exist exactly for containers transshipped at Yokohama
    scanned = {p.container for p in a.scans}
    assert scanned == {c for s in a.shipments if "JPYOK" in s.route.transshipment for c in s.containers}


def test_planted_situations_of_the_seed_cables(ref: ReferenceData) -> None:
    traffic = generate(300, 2, ref)
    planted = {p["scenario"]: p for p in traffic.planted}
    assert set(planted) == {
        "limmt_flow_forming",
        "cmm_chinese_intermediary_syrian_end_user",
        "yokohama_norm_ceramics",
        "yokohama_cs137",
    }
    by_bl = {s.bill_of_lading: s for s in traffic.shipments}
    limmt = by_bl[planted["limmt_flow_forming"]["bill_of_lading"]]
    assert limmt.party(Role.SHIPPER).name.startswith("LIMMT")  # type: ignore[union-attr]
    assert limmt.party(Role.CONSIGNEE).name == "SHAHID BAKERI INDUSTRIAL GROUP"  # type: ignore[union-attr]
    assert "AEJEA" in limmt.route.transshipment and "3GFF-700" in limmt.goods[0].description
    cmm = by_bl[planted["cmm_chinese_intermediary_syrian_end_user"]["bill_of_lading"]]
    assert cmm.party(Role.CONSIGNEE).country == "CN" and cmm.party(Role.END_USER).country == "SY"  # type: ignore[union-attr]
    for scenario, source in (("yokohama_norm_ceramics", "NORM"), ("yokohama_cs137", "Cs-137")):
        s = by_bl[planted[scenario]["bill_of_lading"]]
        assert "JPYOK" in s.route.transshipment
        assert any(p.container == s.containers[0] and p.source == source for p in traffic.scans)
    assert all(p["bill_of_lading"] in traffic.positives for p in traffic.planted)
    doc = traffic.planted_document(Path("x.csv"))
    assert doc["ground_truth"]["rules"] == GROUND_TRUTH_RULES
    json.dumps(doc)


def test_catalogue_descriptions_are_consistent_with_their_hs_codes(ref: ReferenceData) -> None:
    checker = HsConsistency(ref)
    spec = load_demo_spec()
    for key, goods in spec.goods.items():
        assert goods.hs in ref.hs, key
        for description in goods.descriptions:
            assert checker.check(description, goods.hs).consistent, (key, description)
    for lane in spec.lanes:
        for code in (lane.pol, lane.pod, *lane.via):
            assert code in ref.locations, code
