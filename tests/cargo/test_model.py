from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from stdnum import imo, iso6346

from tests.cargo.conftest import make_shipment
from tripline.cargo.model import Role, normalise_container, normalise_imo

owner = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
category = st.sampled_from("UJZ")
serial = st.integers(min_value=0, max_value=999_999)


@given(owner, category, serial)
def test_container_with_its_check_digit_is_valid_and_any_other_digit_is_not(o: str, c: str, n: int) -> None:
    base = f"{o}{c}{n:06d}"
    digit = iso6346.calc_check_digit(base)
    assert normalise_container(f" {base[:4]} {base[4:]} {digit} ".lower().upper()) == base + digit
    wrong = str((int(digit) + 1) % 10)
    with pytest.raises(ValueError, match="ISO 6346"):
        normalise_container(base + wrong)


@given(st.integers(min_value=100_000, max_value=999_999))
def test_imo_check_digit(n: int) -> None:
    base = str(n)
    digit = imo.calc_check_digit(base)
    assert normalise_imo(f"IMO {base}{digit}") == base + digit
    with pytest.raises(ValueError, match="IMO"):
        normalise_imo(base + str((int(digit) + 1) % 10))


def test_shipment_requires_shipper_consignee_goods_and_valid_codes() -> None:
    with pytest.raises(ValidationError) as info:
        make_shipment(
            parties=[{"role": "shipper", "name": "A"}],
            goods=[],
            route={"port_of_loading": "CN", "port_of_discharge": "USLAX"},
            containers=["CSQU3054384"],
        )
    locs = {e["loc"][0] for e in info.value.errors()}
    assert locs == {"parties", "goods", "route", "containers"}


def test_hs_code_accepts_national_extensions_and_dots() -> None:
    s = make_shipment(goods=[{"description": "x", "hs_code": "6109.10.0010"}])
    assert s.goods[0].hs_code == "6109100010"
    with pytest.raises(ValidationError):
        make_shipment(goods=[{"description": "x", "hs_code": "61091"}])


def test_party_lookup_by_role_and_route_ports() -> None:
    s = make_shipment(route={"port_of_loading": "CNDLC", "transshipment": "AEJEA|MYPKG", "port_of_discharge": "IRBND"})
    assert s.party(Role.SHIPPER) is not None and s.party(Role.END_USER) is None
    assert s.route.ports() == ("CNDLC", "AEJEA", "MYPKG", "IRBND")
