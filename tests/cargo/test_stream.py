"""The local engine streams a manifest (chunks read, scored and dropped) and still ranks it exactly as
scoring the whole loaded list does; with ``keep`` it holds only the head of the queue.

The reference is the list path, :func:`~tripline.cargo.engine.target_shipments` over
:func:`~tripline.cargo.readers.read_manifest`'s shipments with :func:`first_shipments` computed on the
whole list, which the streaming code does not call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cargo.conftest import make_shipment
from tripline.cargo.engine import target_file, target_shipments
from tripline.cargo.indicators import Evidence, Features, Indicator, as_first_shipment, first_shipments
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import GoodsClassifier, PartyScreener
from tripline.cargo.readers import read_manifest
from tripline.cargo.reference import ReferenceData
from tripline.cargo.run import radiation_for
from tripline.cargo.scoring import RuleScorer, rank
from tripline.cargo.stream import QueueBuilder
from tripline.settings import Settings


def _common(settings_: Settings, manifest: Path, matchers: tuple[PartyScreener, GoodsClassifier]) -> dict[str, object]:
    return {
        "settings": settings_,
        "policy": load_policy(),
        "radiation": radiation_for(manifest),
        "matchers": lambda _s: matchers,
    }


def test_streamed_queue_is_the_list_paths_queue(
    demo_2000: Path,
    e2e_settings: Settings,
    real_matchers_built: tuple[PartyScreener, GoodsClassifier],
    ref: ReferenceData,
) -> None:
    common = _common(e2e_settings, demo_2000, real_matchers_built)
    loaded = read_manifest(demo_2000, ref)
    known = [loaded.shipments[5].parties[0].name]  # a shipper with history: no first-shipment line
    reference = target_shipments(loaded.shipments, ref=ref, known_shippers=known, **common)  # type: ignore[arg-type]
    # chunks of 97: a shipper's first shipment is often displaced by an earlier one in a later chunk
    whole = target_file(demo_2000, chunk=97, known_shippers=known, **common)  # type: ignore[arg-type]
    assert whole.shipments == len(loaded.shipments) and whole.errors == loaded.errors
    assert whole.ranked == reference
    head = target_file(demo_2000, chunk=97, keep=40, workers=2, known_shippers=known, **common)  # type: ignore[arg-type]
    assert head.ranked == reference[:40]
    assert any(r.indicator == "first_shipment" for s in reference for r in s.reasons)


_BILLS = [f"B{i:03d}" for i in range(40)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ALPHA TRADING", "Alpha Trading", "BETA LTD", "GAMMA CO", None]),
            st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2026, 1, 4))),
            st.floats(0.0, 1.0),
            st.floats(0.0, 1.0),
        ),
        min_size=1,
        max_size=len(_BILLS),
    ),
    st.one_of(st.none(), st.integers(0, 12)),
    st.booleans(),
)
def test_builder_matches_first_shipments_then_rank(
    rows: list[tuple[str | None, dt.date | None, float, float]], keep: int | None, history: bool
) -> None:
    policy = load_policy()
    scorer = RuleScorer(policy)
    shipments, features = [], []
    for bill, (shipper, date, a, b) in zip(_BILLS, rows, strict=False):
        base = make_shipment(bill_of_lading=bill, departure_date=date)
        parties = [p for p in base.parties if p.role.value != "shipper"]
        if shipper is not None:
            original = next(p for p in base.parties if p.role.value == "shipper")
            parties.insert(0, original.model_copy(update={"name": shipper}))
        s = base.model_copy(update={"parties": parties})
        shipments.append(s)
        evidence = (Evidence(Indicator.CONTROLLED_GOODS, a, "goods"), Evidence(Indicator.TRANSSHIPMENT_HUB, b, "route"))
        features.append(Features(s.bill_of_lading, s.containers, evidence))
    known = ["alpha trading"] if history else []
    first = first_shipments(shipments, known)
    expected = rank(
        scorer.score(as_first_shipment(f, s) if s.bill_of_lading in first else f)
        for s, f in zip(shipments, features, strict=True)
    )
    builder = QueueBuilder(scorer, known, keep)
    for s, f in zip(shipments, features, strict=True):
        builder.add(s, f)
    assert builder.ranked() == (expected if keep is None else expected[:keep])
    if keep is not None:
        assert builder.held() <= keep + 2 * 3  # the head plus two scores per distinct shipper


def test_progress_counts_shipments_in_order_while_the_file_streams(tmp_path: Path) -> None:
    from tests.cargo.conftest import BUNDLED
    from tests.cargo.standins import StandInClassifier, StandInRadiation, StandInScreener
    from tripline.cargo.readers import write_manifest

    path = tmp_path / "m.csv"
    write_manifest(path, [make_shipment(bill_of_lading=f"P{i:04d}") for i in range(300)])
    calls: list[tuple[int, int]] = []
    run = target_file(
        path,
        settings=Settings(var_dir=tmp_path / "var", data_dir=BUNDLED),
        policy=load_policy(),
        matchers=lambda _s: (StandInScreener({}), StandInClassifier({})),  # type: ignore[arg-type,return-value]
        radiation=StandInRadiation(),
        chunk=64,
        keep=10,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert run.shipments == 300 and len(run.ranked) == 10
    done = [d for d, _ in calls]
    assert done == sorted(done) and len(calls) >= 100 and calls[-1] == (300, 300)
    assert all(total >= d for d, total in calls)
