from __future__ import annotations

import gzip
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.cargo.conftest import make_shipment
from tests.conftest import BUNDLED_DATA
from tripline.cargo.model import Role, normalise_container, normalise_imo

owner = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
category = st.sampled_from("UJZ")
serial = st.integers(min_value=0, max_value=999_999)


# The references below are written from the standards' text, not from python-stdnum (which the
# model uses): ISO 6346 Annex A (letters 10..38 skipping multiples of 11, weights 2**position,
# sum mod 11, 10 written as 0) and the IMO number rule (IMO Res. A.1117(30): the six digits
# weighted 7..2, the sum's last digit).
def iso6346_check_digit(code: str) -> int:
    values: dict[str, int] = {}
    value = 10
    for letter in string.ascii_uppercase:
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    total = sum((values[c] if c.isalpha() else int(c)) * (1 << i) for i, c in enumerate(code))
    return total % 11 % 10


def imo_check_digit(six: str) -> int:
    return sum(int(d) * w for d, w in zip(six, range(7, 1, -1), strict=True)) % 10


def test_the_references_reproduce_the_published_examples() -> None:
    assert iso6346_check_digit("CSQU305438") == 3  # the worked example usually cited for ISO 6346
    assert imo_check_digit("907472") == 9  # the worked example usually cited for the rule, IMO 9074729


@given(owner, category, serial, st.booleans())
def test_container_with_its_check_digit_is_valid_and_any_other_digit_is_not(
    o: str, c: str, n: int, lower: bool
) -> None:
    base = f"{o}{c}{n:06d}"
    digit = iso6346_check_digit(base)
    written = f" {base[:4]} {base[4:]} {digit} "
    assert normalise_container(written.lower() if lower else written) == f"{base}{digit}"
    for wrong in set(range(10)) - {digit}:
        with pytest.raises(ValueError, match="ISO 6346"):
            normalise_container(f"{base}{wrong}")


def _ofac_imo_numbers() -> set[str]:
    text = gzip.decompress((BUNDLED_DATA / "watchlists" / "us_ofac" / "sdn.csv.gz").read_bytes()).decode("cp1252")
    return set(re.findall(r"IMO (\d{7})", text))


def test_imo_numbers_of_listed_vessels() -> None:
    # Real numbers as OFAC publishes them: accepted exactly when their check digit is right by
    # the rule (OFAC also lists some older numbers whose last digit does not check).
    numbers = _ofac_imo_numbers()
    assert len(numbers) > 500
    for number in numbers:
        valid = imo_check_digit(number[:6]) == int(number[6])
        if valid:
            assert normalise_imo(f"IMO {number}") == number
            assert normalise_imo(f"imo{number}") == number
        else:
            with pytest.raises(ValueError, match="IMO"):
                normalise_imo(number)


@given(st.integers(min_value=100_000, max_value=999_999))
def test_imo_check_digit(n: int) -> None:
    base = str(n)
    digit = imo_check_digit(base)
    assert normalise_imo(f"IMO {base}{digit}") == f"{base}{digit}"
    for wrong in set(range(10)) - {digit}:
        with pytest.raises(ValueError, match="IMO"):
            normalise_imo(f"{base}{wrong}")


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
