from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tripline.cargo.model import Shipment
from tripline.cargo.ports import GoodsClassifier, PartyScreener
from tripline.cargo.reference import ReferenceData, load_reference
from tripline.runtime import Runtime
from tripline.settings import REPO_DIR, Settings
from tripline.store.db import Database

BUNDLED = REPO_DIR / "data"


@pytest.fixture(scope="session")
def ref() -> ReferenceData:
    return load_reference(BUNDLED)


def make_shipment(**overrides: Any) -> Shipment:
    """A valid shipment (real UN/LOCODEs, HS code and check digits) with fields overridden."""
    data: dict[str, Any] = {
        "bill_of_lading": "TEST0001",
        "containers": ["CSQU3054383"],
        "parties": [
            {"role": "shipper", "name": "Ningbo Hengda Manufacturing Co., Ltd.", "country": "CN"},
            {"role": "consignee", "name": "Bayview Supply Inc.", "country": "US"},
        ],
        "goods": [{"description": "Cotton T-shirts, knitted", "hs_code": "610910", "weight_kg": 5000}],
        "route": {"port_of_loading": "CNNGB", "port_of_discharge": "USLAX"},
        "vessel": {"name": "JADE ORIENT", "imo": "9074729"},
        "departure_date": dt.date(2026, 11, 3),
    }
    data.update(overrides)
    return Shipment.model_validate(data)


FIXTURES = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def e2e_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings whose database holds a real watch-list slice (OFAC SDN, NPWMD programme; see data/)."""
    from tripline.lists.service import adhoc_spec, load_files

    var = tmp_path_factory.mktemp("cargo-e2e")
    settings = Settings(var_dir=var, database_url=None, data_dir=BUNDLED)
    db = Database.from_settings(settings)
    db.upgrade()
    paths = [FIXTURES / "ofac_npwmd" / n for n in ("sdn.csv", "alt.csv", "add.csv")]
    spec = adhoc_spec(db, settings, "us_ofac_sdn_npwmd", paths, format_name="ofac_csv", title="OFAC SDN, NPWMD slice")
    load_files(db, spec, paths, format_name="ofac_csv")
    db.dispose()
    yield settings


@pytest.fixture(scope="session")
def e2e_runtime(e2e_settings: Settings) -> Iterator[Runtime]:
    """The process runtime over the e2e database (what the CLI and the server hold)."""
    db = Database.from_settings(e2e_settings)
    yield Runtime(e2e_settings, db)
    db.dispose()


@pytest.fixture(scope="session")
def real_matchers_built(e2e_runtime: Runtime) -> tuple[PartyScreener, GoodsClassifier]:
    """The real [screening] and [controls] capabilities, built once for the session."""
    return e2e_runtime.matchers()


@pytest.fixture(scope="session")
def demo_2000(tmp_path_factory: pytest.TempPathFactory, ref: ReferenceData) -> Path:
    from tripline.cargo.run import make_demo

    out = tmp_path_factory.mktemp("cargo-demo") / "demo.csv"
    make_demo(Settings(var_dir=out.parent / "var", data_dir=BUNDLED), out, 2000, 11)
    return out
