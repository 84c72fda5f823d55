from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tripline.cargo.model import Shipment
from tripline.cargo.reference import ReferenceData, load_reference
from tripline.settings import REPO_DIR

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
