"""The entities named in the seed cables (004: LIMMT, Shahid Bakeri Industrial Group) with their aliases.

The expected aliases are read here from the list files themselves (OFAC alt.csv, the CSL
``alt_names`` column, the UN XML), not written down by hand.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Callable

from tests.lists.formats.conftest import WATCHLISTS, Parsed


def _ofac_rows(name: str, width: int) -> list[list[str]]:
    text = gzip.decompress((WATCHLISTS / "us_ofac" / name).read_bytes()).decode("cp1252")
    return [row for row in csv.reader(io.StringIO(text, newline="")) if len(row) == width]


def test_limmt_on_ofac_sdn_with_every_alias_and_address(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_ofac_sdn")
    [limmt] = result.named("LIMMT ECONOMIC AND TRADE COMPANY")
    assert limmt.entry_id == "9749"
    aliases = {row[3] for row in _ofac_rows("alt.csv.gz", 5) if row[0] == "9749"}
    assert len(aliases) == 15
    assert aliases <= set(limmt.entity.get("alias"))
    assert "LIMMT (DALIAN FTZ) MINMETALS AND METALLURGY CO., LTD." in aliases
    addresses = [row for row in _ofac_rows("add.csv.gz", 6) if row[0] == "9749"]
    assert len(limmt.entity.get("address")) == len(addresses) == 4
    assert limmt.entity.get("country") == ["cn"]
    assert set(limmt.programs) == {"NPWMD", "IFSR"}
    assert limmt.entity.id == "us_ofac_sdn-9749"


def test_sbig_on_ofac_sdn_with_the_alias_from_its_remarks(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_ofac_sdn")
    [sbig] = result.named("SHAHID BAKERI INDUSTRIAL GROUP")
    assert "SBIG" in sbig.entity.get("alias")  # given only as "a.k.a. 'SBIG'" in the remarks column
    assert sbig.entity.get("country") == ["ir"]
    # its director, linked to it, is a Person with the passport and birth date of the remarks
    [director] = [e for e in result.entries if e.entry_id == "22265"]
    assert director.entity.schema.name == "Person"
    assert director.entity.get("passportNumber") == ["A0033560"]
    assert director.entity.get("birthDate") == ["1956-09-07"]
    assert director.entity.get("nationality") == ["ir"]


def test_limmt_and_sbig_on_the_csl_keep_each_source(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_csl")
    text = gzip.decompress((WATCHLISTS / "us_csl" / "consolidated.csv.gz").read_bytes()).decode("utf-8-sig")
    rows = [
        r
        for r in csv.DictReader(io.StringIO(text, newline=""))
        if re.search(r"limmt|shahid bakeri ind", r["name"], re.I)
    ]
    by_section = {(e.section, e.entity.get("name")[0].lower()): e for e in result.entries}
    assert len(rows) >= 4  # SDN LIMMT, SDN SBIG, Entity List SBIG, ISN SBIG
    for row in rows:
        code = re.search(r"\(([^()]+)\)", row["source"])
        assert code is not None
        entry = by_section[(code.group(1), row["name"].strip().lower())]
        expected = {a.strip() for a in row["alt_names"].split(";") if a.strip()}
        assert expected <= set(entry.entity.get("alias")), row["source"]
    el = by_section[("EL", "shahid bakeri industrial group")]
    assert "Shahid Bagheri Industrial Group" in el.entity.get("alias")
    assert "export.control" in el.entity.get("topics")


def test_sbig_on_the_un_list(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("un_sc")
    [sbig] = result.named("SHAHID BAGHERI INDUSTRIAL GROUP")
    assert sbig.entity.schema.name == "LegalEntity"
    assert sbig.section == "Iran"
    assert sbig.entity.get("programId")[0].startswith("IRe.")
