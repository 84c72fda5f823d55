from __future__ import annotations

from pathlib import Path

import pytest

from tripline.cargo.engine import Engine, target_shipments
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import GoodsClassifier, PartyScreener
from tripline.cargo.readers import read_manifest
from tripline.cargo.reference import ReferenceData
from tripline.cargo.run import radiation_for
from tripline.runtime import Runtime
from tripline.settings import Settings


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_spark_ranks_like_the_local_engine(
    demo_2000: Path,
    e2e_settings: Settings,
    e2e_runtime: Runtime,
    ref: ReferenceData,
    real_matchers_built: tuple[PartyScreener, GoodsClassifier],
) -> None:
    shipments = read_manifest(demo_2000, ref).shipments[:500]
    radiation = radiation_for(demo_2000)
    common = {"settings": e2e_settings, "policy": load_policy(), "radiation": radiation, "ref": ref}
    local = target_shipments(shipments, matchers=lambda _s: real_matchers_built, **common)  # type: ignore[arg-type]
    seen: list[int] = []
    spark = target_shipments(
        shipments,
        matchers=e2e_runtime.matchers,
        engine=Engine.SPARK,
        progress=lambda done, _t: seen.append(done),
        **common,  # type: ignore[arg-type]
    )
    assert [s.bill_of_lading for s in spark] == [s.bill_of_lading for s in local]
    assert spark == local
    assert seen and seen[-1] == len(shipments)
