from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cargo.conftest import make_shipment
from tripline.cargo.edifact import write_cuscar
from tripline.cargo.flat import COLUMNS
from tripline.cargo.readers import read_manifest, write_manifest
from tripline.cargo.reference import ReferenceData
from tripline.errors import FormatError, InputError

FORMATS = ("csv", "jsonl", "parquet", "edi")

# words with EDIFACT service characters (+ : ' ?) and CSV quoting characters, no "|" (the list separator)
word = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="|\r\n\t ", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=12,
)
name = st.lists(word, min_size=1, max_size=5).map(" ".join)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_every_format(tmp_path: Path, ref: ReferenceData, fmt: str) -> None:
    shipments = [
        make_shipment(),
        make_shipment(
            bill_of_lading="TEST0002",
            containers=["CSQU3054383", "MSCU1234566"],
            parties=[
                {"role": "shipper", "name": "O'Neil + Sons: Ltd? (test)", "country": "GB"},
                {"role": "consignee", "name": "Al Noor General Trading LLC", "country": "AE"},
                {"role": "notify", "name": "Dubai Freight", "country": "AE"},
                {"role": "end_user", "name": "Some End User", "country": "SY"},
            ],
            goods=[
                {"description": "Coordinate measuring machine", "hs_code": "903180", "quantity": 2, "value_usd": 1.5},
                {"description": "Spare parts, 'assorted'", "hs_code": "903190", "weight_kg": 10.25},
            ],
            route={
                "place_of_receipt": "JPTYO",
                "port_of_loading": "JPYOK",
                "transshipment": ["SGSIN", "AEJEA"],
                "port_of_discharge": "TRMER",
                "final_destination": "SYLTK",
            },
            vessel=None,
            departure_date=None,
            arrival_date="2026-12-01",
        ),
    ]
    path = tmp_path / f"m.{fmt}"
    write_manifest(path, shipments)
    result = read_manifest(path, ref)
    assert result.errors == []
    assert result.shipments == shipments


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shipper=name, description=st.lists(word, min_size=1, max_size=30).map(" ".join))
def test_edifact_and_csv_keep_any_text(tmp_path: Path, ref: ReferenceData, shipper: str, description: str) -> None:
    s = make_shipment(
        parties=[{"role": "shipper", "name": shipper[:200]}, {"role": "consignee", "name": "B"}],
        goods=[{"description": description[:340], "hs_code": "610910"}],
    )
    for fmt in ("edi", "csv"):
        path = tmp_path / f"h.{fmt}"
        write_manifest(path, [s])
        result = read_manifest(path, ref)
        assert result.errors == [], fmt
        assert result.shipments == [s], fmt


def _csv(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    path = tmp_path / "bad.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_csv_bad_rows_are_reported_with_line_and_field(tmp_path: Path, ref: ReferenceData) -> None:
    from tripline.cargo.flat import shipment_to_flat

    good = shipment_to_flat(make_shipment(bill_of_lading="GOOD1"))
    bad_container = {**good, "bill_of_lading": "BAD1", "containers": "CSQU3054384"}
    bad_port = {**good, "bill_of_lading": "BAD2", "port_of_discharge": "CNXXX"}
    bad_hs = {**good, "bill_of_lading": "BAD3", "hs_code": "999999"}
    duplicate = {**good}
    path = _csv(tmp_path, [good, bad_container, bad_port, bad_hs, duplicate])
    result = read_manifest(path, ref)
    assert [s.bill_of_lading for s in result.shipments] == ["GOOD1"]
    found = {(e.line, e.field) for e in result.errors}
    assert found == {(3, "containers"), (4, "port_of_discharge"), (5, "hs_code"), (6, "bill_of_lading")}
    by_line = {e.line: e for e in result.errors}
    assert "check digit" in by_line[3].reason
    assert "CNXXX is not in UN/LOCODE" in by_line[4].reason
    assert str(by_line[3]).startswith(f"{path}, line 3, field 'containers'")


def test_csv_missing_column_is_a_format_error(tmp_path: Path, ref: ReferenceData) -> None:
    path = tmp_path / "m.csv"
    path.write_text("bill_of_lading,containers\nX,CSQU3054383\n", encoding="utf-8")
    with pytest.raises(FormatError, match="missing column") as info:
        read_manifest(path, ref)
    assert info.value.line == 1


def test_jsonl_bad_json_and_bad_field(tmp_path: Path, ref: ReferenceData) -> None:
    good = make_shipment().model_dump_json()
    bad = make_shipment(bill_of_lading="B2").model_dump(mode="json")
    bad["route"]["port_of_loading"] = "ZZZZZ"
    import json

    path = tmp_path / "m.jsonl"
    path.write_text(good + "\n{not json\n" + json.dumps(bad) + "\n", encoding="utf-8")
    result = read_manifest(path, ref)
    assert len(result.shipments) == 1
    assert [(e.line, e.field) for e in result.errors] == [(2, "record"), (3, "route.port_of_loading")]


def test_edifact_error_points_at_the_segment_line(tmp_path: Path, ref: ReferenceData) -> None:
    text = write_cuscar([make_shipment(), make_shipment(bill_of_lading="TEST0002")])
    lines = text.split("\n")
    # break the second consignment's port of loading
    loc_lines = [i for i, line in enumerate(lines) if line.startswith("LOC+9+")]
    lines[loc_lines[1]] = "LOC+9+CNXXX::6'"
    path = tmp_path / "m.edi"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = read_manifest(path, ref)
    assert [s.bill_of_lading for s in result.shipments] == ["TEST0001"]
    (err,) = result.errors
    assert err.line == loc_lines[1] + 1
    assert err.field == "LOC+9 location"
    assert "CNXXX" in err.reason


def test_edifact_other_message_type_is_refused(tmp_path: Path, ref: ReferenceData) -> None:
    path = tmp_path / "m.edi"
    path.write_text(
        "UNB+UNOC:3+A+B+260101:0000+1'\nUNH+1+IFTMIN:D:99B:UN'\nBGM+610+X+9'\nUNT+3+1'\nUNZ+1+1'", encoding="utf-8"
    )
    with pytest.raises(FormatError, match="not CUSCAR") as info:
        read_manifest(path, ref)
    assert info.value.line == 2


def test_parquet_reports_row_numbers(tmp_path: Path, ref: ReferenceData) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tripline.cargo.flat import shipment_to_flat
    from tripline.cargo.readers import PARQUET_SCHEMA

    rows = [shipment_to_flat(make_shipment(bill_of_lading=f"P{i}"), lists=True) for i in range(3)]
    rows[1]["vessel_imo"] = "9074728"
    path = tmp_path / "m.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=PARQUET_SCHEMA), path)
    result = read_manifest(path, ref)
    assert [s.bill_of_lading for s in result.shipments] == ["P0", "P2"]
    assert [(e.line, e.field) for e in result.errors] == [(2, "vessel_imo")]


def test_unknown_suffix_and_missing_file(tmp_path: Path, ref: ReferenceData) -> None:
    (tmp_path / "m.xml").write_text("<x/>")
    with pytest.raises(InputError, match="unknown manifest format"):
        read_manifest(tmp_path / "m.xml", ref)
    with pytest.raises(InputError, match="not found"):
        read_manifest(tmp_path / "nope.csv", ref)


# --- files that must be refused whole: a clear error naming file, line and field, nothing returned


def _two_shipment_edi(tmp_path: Path) -> tuple[Path, str]:
    text = write_cuscar([make_shipment(bill_of_lading="EDI0001"), make_shipment(bill_of_lading="EDI0002")])
    path = tmp_path / "m.edi"
    path.write_text(text, encoding="utf-8")
    return path, text


def test_edifact_latin1_names_the_line(tmp_path: Path, ref: ReferenceData) -> None:
    path, text = _two_shipment_edi(tmp_path)
    lines = text.split("\n")
    target = next(i for i, line in enumerate(lines) if line.startswith("FTX"))
    lines[target] = lines[target].replace("FTX+AAA", "FTX+AAA+++Caf\u00e9", 1)
    path.write_bytes("\n".join(lines).encode("latin-1"))
    with pytest.raises(FormatError, match="not valid utf-8") as info:
        read_manifest(path, ref)
    assert info.value.line == target + 1
    assert info.value.field == "encoding"


@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_edifact_and_jsonl_empty_files_are_refused(tmp_path: Path, ref: ReferenceData, content: bytes) -> None:
    for suffix in (".edi", ".jsonl"):
        path = tmp_path / f"m{suffix}"
        path.write_bytes(content)
        with pytest.raises(FormatError, match="empty file"):
            read_manifest(path, ref)


def test_edifact_truncated_message_is_refused_whole(tmp_path: Path, ref: ReferenceData) -> None:
    path, text = _two_shipment_edi(tmp_path)
    assert len(read_manifest(path, ref).shipments) == 2  # the untouched file loads
    # cut the interchange just before the last message's UNT: a goods line may be lost
    cut = text.rindex("UNT+")
    path.write_text(text[:cut], encoding="utf-8")
    with pytest.raises(FormatError, match="not terminated by UNT") as info:
        read_manifest(path, ref)
    assert info.value.field == "UNT"


def test_edifact_segment_lost_inside_a_message_is_refused(tmp_path: Path, ref: ReferenceData) -> None:
    path, text = _two_shipment_edi(tmp_path)
    lines = text.split("\n")
    gid = next(i for i, line in enumerate(lines) if line.startswith("MEA"))
    del lines[gid]  # one segment gone, UNT still says the original count
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FormatError, match="truncated or altered") as info:
        read_manifest(path, ref)
    assert info.value.field == "UNT.0074"


def test_edifact_missing_unz_is_refused(tmp_path: Path, ref: ReferenceData) -> None:
    path, text = _two_shipment_edi(tmp_path)
    path.write_text(text[: text.rindex("UNZ+")], encoding="utf-8")
    with pytest.raises(FormatError, match="UNZ"):
        read_manifest(path, ref)


def test_edifact_garbage_is_a_format_error(tmp_path: Path, ref: ReferenceData) -> None:
    path = tmp_path / "m.edi"
    path.write_bytes(b"\x00\x01 not edifact at all")
    with pytest.raises(FormatError):
        read_manifest(path, ref)


def test_jsonl_latin1_names_the_line(tmp_path: Path, ref: ReferenceData) -> None:
    path = tmp_path / "m.jsonl"
    write_manifest(path, [make_shipment(bill_of_lading="J1"), make_shipment(bill_of_lading="J2")])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"J2"', '"J2\u00e9"')
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    with pytest.raises(FormatError, match="not valid utf-8") as info:
        read_manifest(path, ref)
    assert info.value.line == 2


def test_jsonl_deeply_nested_line_is_a_row_error(tmp_path: Path, ref: ReferenceData) -> None:
    path = tmp_path / "m.jsonl"
    write_manifest(path, [make_shipment(bill_of_lading="J1")])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("[" * 100_000 + "]" * 100_000 + "\n")
    result = read_manifest(path, ref)
    assert [s.bill_of_lading for s in result.shipments] == ["J1"]
    (err,) = result.errors
    assert err.line == 2 and "JSON" in err.reason


def test_jsonl_and_edifact_lines_past_the_read_limit_are_refused(tmp_path: Path, ref: ReferenceData) -> None:
    from tripline.errors import TooLargeError
    from tripline.lists.formats.reader import DEFAULT_LIMITS

    huge = '{"bill_of_lading": "' + "A" * (DEFAULT_LIMITS.max_line_bytes + 10) + '"}\n'
    for suffix in (".jsonl", ".edi"):
        path = tmp_path / f"m{suffix}"
        path.write_text('{"bill_of_lading": "J1"}\n' + huge, encoding="utf-8")
        with pytest.raises(TooLargeError) as info:
            read_manifest(path, ref)
        assert info.value.line == 2


def test_csv_short_row_is_a_bad_row_and_a_cut_last_row_refuses_the_file(tmp_path: Path, ref: ReferenceData) -> None:
    from tripline.cargo.flat import shipment_to_flat

    rows = [shipment_to_flat(make_shipment(bill_of_lading=f"C{i}")) for i in range(3)]
    path = _csv(tmp_path, rows)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    import csv
    import io

    short = io.StringIO()
    csv.writer(short).writerow(next(csv.reader([lines[2]]))[:5])  # row 2 of 3 lost its tail
    lines[2] = short.getvalue()
    path.write_text("".join(lines), encoding="utf-8", newline="")
    result = read_manifest(path, ref)
    assert [s.bill_of_lading for s in result.shipments] == ["C0", "C2"]
    (err,) = result.errors
    assert (err.line, err.field) == (3, COLUMNS[5]) and "5 of" in err.reason
    # the same file without the last row's line break: the last row may be cut anywhere
    path.write_text("".join(lines).rstrip("\r\n"), encoding="utf-8", newline="")
    with pytest.raises(FormatError, match="truncated") as info:
        read_manifest(path, ref)
    assert info.value.line == 4


def test_jsonl_cut_last_line_refuses_the_file_but_a_complete_one_without_newline_loads(
    tmp_path: Path, ref: ReferenceData
) -> None:
    path = tmp_path / "m.jsonl"
    write_manifest(path, [make_shipment(bill_of_lading="J1"), make_shipment(bill_of_lading="J2")])
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n"), encoding="utf-8")  # complete JSON, no final line break
    assert [s.bill_of_lading for s in read_manifest(path, ref).shipments] == ["J1", "J2"]
    path.write_text(text[: len(text) - 30], encoding="utf-8")
    with pytest.raises(FormatError, match="truncated") as info:
        read_manifest(path, ref)
    assert info.value.line == 2
