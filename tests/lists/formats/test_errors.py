"""Bad input: each case gives one FormatError (or TooLargeError) naming the file and the line or element.

Inputs are slices of the real bundled files, damaged in one stated way.
"""

from __future__ import annotations

import gzip
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lists.formats.conftest import WATCHLISTS, spec_for
from tripline.errors import FormatError, InputError, TooLargeError
from tripline.lists.formats import FORMATS, detect_format
from tripline.lists.formats.reader import ReadLimits
from tripline.lists.model import ListEntry, LoadReport


def _raw(name: str) -> bytes:
    path = WATCHLISTS / name
    if path.exists():
        return path.read_bytes()
    return gzip.open(path.with_name(path.name + ".gz")).read()


def _head_lines(name: str, lines: int) -> bytes:
    return b"".join(_raw(name).splitlines(keepends=True)[:lines])


def _parse(fmt: str, *paths: Path, limits: ReadLimits | None = None) -> list[ListEntry]:
    report = LoadReport()
    spec = spec_for("test_source", fmt)
    if limits is None:
        return list(FORMATS[fmt].parse(list(paths), spec, report))
    return list(FORMATS[fmt].parse(list(paths), spec, report, limits))


# --- samples of every format, small slices of the real files -------------------------------------------------

SAMPLES: dict[str, tuple[str, int]] = {
    "ofac_csv": ("us_ofac/sdn.csv", 40),
    "csl_csv": ("us_csl/consolidated.csv", 40),
    "bis_dpl": ("us_bis/dpl.txt", 40),
    "hmt_csv": ("uk_hmt/sanctionsconlist.csv", 40),
    "eu_oj_csv": ("eu_oj_opensanctions/32012R0267.csv", 40),
    "os_csv": ("other_opensanctions/us_special_leg_inksna.csv", 40),
    "meti_txt": ("other_opensanctions/jp_meti_list_belarus_tokutei.pdf.txt", 60),
}


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for fmt, (name, lines) in SAMPLES.items():
        path = tmp_path / f"sample-{fmt}.dat"  # neutral name: nothing can be guessed from it
        path.write_bytes(_head_lines(name, lines))
        out[fmt] = path
    un = tmp_path / "sample-un.dat"
    xml = _raw("un/consolidated.xml")
    cut = xml.index(b"</INDIVIDUAL>", 20_000) + len(b"</INDIVIDUAL>")
    un.write_bytes(xml[:cut] + b"</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n")
    out["un_xml"] = un
    ftm = tmp_path / "sample-ftm.dat"
    ftm.write_text(
        '{"id": "p1", "schema": "Person", "properties": {"name": ["Test Person"], "nationality": ["ir"]}}\n'
        '{"id": "c1", "schema": "Company", "properties": {"name": ["Test Company"], "alias": ["TC"]}}\n',
        encoding="utf-8",
    )
    out["ftm_json"] = ftm
    return out


def test_every_sample_parses_and_is_detected_from_content(samples: dict[str, Path]) -> None:
    assert set(samples) == set(FORMATS)
    for fmt, path in samples.items():
        assert detect_format([path]) == fmt
        assert _parse(fmt, path), fmt


def test_another_lists_format_under_the_wrong_format_name_is_refused(samples: dict[str, Path]) -> None:
    for given in FORMATS:
        for actual, path in samples.items():
            if given == actual:
                continue
            with pytest.raises(FormatError) as caught:
                _parse(given, path)
            assert caught.value.file == str(path), (given, actual)


# --- truncated XML ----------------------------------------------------------------------------------------------


def test_truncated_xml_names_file_line_and_element(tmp_path: Path) -> None:
    xml = _raw("un/consolidated.xml")
    cut = xml.index(b"<ALIAS_NAME>", 50_000) + 5
    path = tmp_path / "consolidated.xml"
    path.write_bytes(xml[:cut])
    with pytest.raises(FormatError) as caught:
        _parse("un_xml", path)
    error = caught.value
    assert error.file == str(path)
    assert error.line == xml[:cut].count(b"\n") + 1
    assert error.field == "INDIVIDUAL_ALIAS"  # the innermost element still open where the file ends
    assert "INDIVIDUAL" in error.reason


def test_xml_with_another_root_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?>\n<sdnList><sdnEntry/></sdnList>\n', encoding="utf-8")
    with pytest.raises(FormatError, match="root element is <sdnList>") as caught:
        _parse("un_xml", path)
    assert caught.value.field == "sdnList"


# --- wrong encoding ----------------------------------------------------------------------------------------------


def test_csv_in_the_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    text = _head_lines("eu_oj_opensanctions/32001R2580.csv", 12).decode("utf-8")
    lines = text.splitlines(keepends=True)
    bad_line = next(i for i, line in enumerate(lines, start=1) if any(ord(ch) > 127 for ch in line))
    path = tmp_path / "32001R2580.csv"
    path.write_bytes(text.encode("cp1252", errors="replace"))  # what a spreadsheet export might do
    with pytest.raises(FormatError, match="not valid utf-8") as caught:
        _parse("eu_oj_csv", path)
    assert caught.value.line == bad_line
    assert caught.value.file == str(path)


def test_xml_in_the_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    xml = _raw("un/consolidated.xml")
    cut = xml.index(b"</INDIVIDUAL>", 200_000) + len(b"</INDIVIDUAL>")
    text = xml[:cut].decode("utf-8") + "</INDIVIDUALS></CONSOLIDATED_LIST>\n"
    first_bad = next(i for i, line in enumerate(text.splitlines(), start=1) if any(127 < ord(ch) < 256 for ch in line))
    path = tmp_path / "consolidated.xml"
    path.write_bytes(text.encode("latin-1", errors="replace"))  # still declares UTF-8
    with pytest.raises(FormatError) as caught:
        _parse("un_xml", path)
    assert caught.value.line == first_bad


def test_a_bom_chooses_the_encoding(tmp_path: Path) -> None:
    text = _head_lines("us_csl/consolidated.csv", 20).decode("utf-8-sig")
    path = tmp_path / "csl-utf16.csv"
    path.write_bytes(text.encode("utf-16"))  # with its BOM
    entries = _parse("csl_csv", path)
    assert detect_format([path]) == "csl_csv"
    assert len(entries) == 19


# --- missing columns, empty files ---------------------------------------------------------------------------------


def test_csv_row_with_missing_columns_names_file_line_and_field(tmp_path: Path) -> None:
    lines = _head_lines("us_csl/consolidated.csv", 10).splitlines(keepends=True)
    cells = lines[4].decode("utf-8").split(",")
    lines[4] = ",".join(cells[:4]).encode("utf-8") + b"\r\n"  # keeps _id, source, entity_number, type
    path = tmp_path / "csl.csv"
    path.write_bytes(b"".join(lines))
    with pytest.raises(FormatError, match="4 of 29 columns") as caught:
        _parse("csl_csv", path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), 5, "programs")


def test_csv_header_without_a_required_column_names_it(tmp_path: Path) -> None:
    data = _head_lines("us_bis/dpl.txt", 5).replace(b'"Effective_Date"', b'"Effective"')
    path = tmp_path / "dpl.txt"
    path.write_bytes(data)
    with pytest.raises(FormatError, match="lacks column") as caught:
        _parse("bis_dpl", path)
    assert (caught.value.line, caught.value.field) == (1, "Effective_Date")


def test_ofac_row_with_missing_columns_names_the_field(tmp_path: Path) -> None:
    lines = _head_lines("us_ofac/sdn.csv", 6).splitlines(keepends=True)
    lines[3] = b'306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'  # 10 of 12 columns
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"".join(lines))
    with pytest.raises(FormatError, match="missing columns") as caught:
        _parse("ofac_csv", path)
    assert (caught.value.line, caught.value.field) == (4, "Vess_owner")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_empty_file_is_refused_by_every_format(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(FormatError) as caught:
        _parse(fmt, path)
    assert caught.value.file == str(path)


def test_empty_and_unknown_files_are_not_detected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\n\n")
    with pytest.raises(FormatError, match="empty file"):
        detect_format([empty])
    other = tmp_path / "notes.csv"
    other.write_text("date,amount\n2024-01-01,3\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not a known list format"):
        detect_format([other])


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        _parse("ofac_csv", tmp_path / "nope.csv")


# --- huge unrelated files: refused early while streaming --------------------------------------------------------


def _write_lines(path: Path, total: int, line: bytes) -> None:
    with path.open("wb") as out:
        for _ in range(total // len(line)):
            out.write(line)


@pytest.fixture(scope="module")
def huge_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("huge") / "server.log"
    _write_lines(path, 24 * 1024 * 1024, b"2024-01-01T00:00:00 GET /index.html 200 0.003 Mozilla/5.0 (X11; Linux)\n")
    yield path


@pytest.fixture(scope="module")
def huge_line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("huge") / "blob.csv"
    with path.open("wb") as out:
        out.write(b"name,alias,country,program\n")
        for _ in range(16):
            out.write(b"x" * (1024 * 1024))
    yield path


def _peak(fn: object) -> int:
    tracemalloc.start()
    try:
        assert callable(fn)
        fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_detection_reads_only_the_head_of_a_huge_file(huge_log: Path) -> None:
    def run() -> None:
        with pytest.raises(FormatError, match="not a known list format"):
            detect_format([huge_log])

    assert _peak(run) < 2 * 1024 * 1024  # a 24 MiB file; the sniff window is 64 KiB


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_huge_unrelated_file_is_refused_early_by_every_format(huge_log: Path, fmt: str) -> None:
    limits = ReadLimits(max_line_bytes=64 * 1024, max_bytes=4 * 1024 * 1024)

    def run() -> None:
        with pytest.raises((FormatError, TooLargeError)) as caught:
            _parse(fmt, huge_log, limits=limits)
        assert caught.value.file == str(huge_log)

    assert _peak(run) < 16 * 1024 * 1024  # far below the 24 MiB of the file


@pytest.mark.parametrize("fmt", ["os_csv", "ftm_json", "meti_txt", "csl_csv", "ofac_csv"])
def test_a_line_longer_than_the_limit_is_refused_without_reading_it_whole(huge_line: Path, fmt: str) -> None:
    limits = ReadLimits(max_line_bytes=256 * 1024)

    def run() -> None:
        with pytest.raises((TooLargeError, FormatError)) as caught:
            _parse(fmt, huge_line, limits=limits)
        assert caught.value.file == str(huge_line)

    assert _peak(run) < 4 * 1024 * 1024  # the line is 16 MiB


def test_the_size_limit_stops_a_valid_looking_file(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    with path.open("wb") as out:
        out.write(b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST><INDIVIDUALS>\n')
        for n in range(60_000):
            out.write(b"<INDIVIDUAL><DATAID>%d</DATAID><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>\n" % n)
    with pytest.raises(TooLargeError, match="larger than the limit") as caught:
        _parse("un_xml", path, limits=ReadLimits(max_bytes=1024 * 1024))
    assert caught.value.file == str(path)


def test_gzip_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    plain = _head_lines("us_bis/dpl.txt", 10)
    disguised = tmp_path / "dpl.txt"  # gzip content without .gz
    disguised.write_bytes(gzip.compress(plain))
    named = tmp_path / "dpl2.txt.gz"  # .gz name on plain content
    named.write_bytes(plain)
    assert detect_format([disguised]) == detect_format([named]) == "bis_dpl"
    assert len(_parse("bis_dpl", disguised)) == len(_parse("bis_dpl", named)) > 0


def test_corrupt_gzip_is_a_format_error(tmp_path: Path) -> None:
    data = gzip.compress(_head_lines("us_bis/dpl.txt", 200))
    path = tmp_path / "dpl.txt.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match="decompress"):
        _parse("bis_dpl", path)


def test_ofac_secondary_files_alone_are_refused(tmp_path: Path) -> None:
    alt = tmp_path / "alt.csv"
    alt.write_bytes(_head_lines("us_ofac/alt.csv", 5))
    with pytest.raises(FormatError, match="no primary file"):
        _parse("ofac_csv", alt)


def test_ofac_files_are_joined_in_any_order(tmp_path: Path) -> None:
    sdn = tmp_path / "a.csv"
    sdn.write_bytes(_head_lines("us_ofac/sdn.csv", 3))  # ent_nums 36, 173, 306
    alt = tmp_path / "b.csv"
    alt.write_bytes(_head_lines("us_ofac/alt.csv", 3))  # aliases of the same three
    forward = _parse("ofac_csv", sdn, alt)
    backward = _parse("ofac_csv", alt, sdn)
    assert [e.entity.to_dict() for e in forward] == [e.entity.to_dict() for e in backward]
    assert forward[0].entity.get("alias") == ["AERO-CARIBBEAN"]
