"""ORTEC ``.chn`` binary spectra. No real ``.chn`` file could be stored (becquerel's samples are
binary and unreachable here, see data/radiation/SOURCES.md), so every file below is built by hand
in this test from the published layout (32-byte header, u32 counts, -101/-102 trailer): these are
NOT measurements. Random corruptions raise nothing but FormatError; the CLI exits 2 on a bad file."""

from __future__ import annotations

import contextlib
import struct
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.radiation.conftest import IdentifyCli
from tripline.errors import FormatError
from tripline.radiation.readers import read_spectra
from tripline.radiation.readers.chn import parse_chn

COUNTS = [0, 5, 40, 900, 4000, 850, 30, 7]


def _chn(
    *,
    kind: int = -1,
    live: int = 14_950,  # 20-ms ticks: 299.0 s
    real: int = 15_000,  # 300.0 s
    offset: int = 0,
    counts: list[int] | None = None,
    n: int | None = None,
    tag: int | None = -102,
    cal: tuple[float, ...] = (1.5, 0.5, 0.001),
    detector: bytes = b"NaI 3x3",
) -> bytes:
    """A hand-built CHN file (not a measurement): 2023-03-14 09:26:53."""
    values = COUNTS if counts is None else counts
    head = struct.pack(
        "<hhh2sii8s4shH", kind, 1, 1, b"53", real, live, b"14MAR231", b"0926", offset, len(values) if n is None else n
    )
    body = struct.pack(f"<{len(values)}I", *values)
    if tag is None:
        return head + body
    trailer = bytearray(512)
    struct.pack_into("<hh", trailer, 0, tag, 0)
    struct.pack_into(f"<{len(cal)}f", trailer, 4, *cal)
    trailer[256] = len(detector)
    trailer[257 : 257 + len(detector)] = detector
    return head + body + bytes(trailer)


def test_a_hand_built_file_reads_field_by_field() -> None:
    s = parse_chn(_chn(), source="x.chn")
    assert s.counts.tolist() == COUNTS and s.n_channels == 8
    assert s.live_time_s == pytest.approx(299.0) and s.real_time_s == pytest.approx(300.0)
    assert s.start_time == datetime(2023, 3, 14, 9, 26, 53)
    assert s.calibration is not None
    assert s.calibration.coefficients == pytest.approx((1.5, 0.5, 0.001))
    assert s.detector == "nai" and s.meta["detector_description"] == "NaI 3x3"


def test_no_trailer_an_old_trailer_and_a_channel_offset() -> None:
    assert parse_chn(_chn(tag=None), source="x.chn").calibration is None
    old = parse_chn(_chn(tag=-101, cal=(2.0, 3.0)), source="x.chn")
    assert old.calibration is not None and old.calibration.coefficients == pytest.approx((2.0, 3.0))
    shifted = parse_chn(_chn(offset=100, cal=(0.0, 2.0, 0.0)), source="x.chn")
    assert shifted.calibration is not None and shifted.calibration.energy([0]).tolist() == pytest.approx([200.0])
    assert parse_chn(_chn(cal=(0.0, 0.0, 0.0)), source="x.chn").calibration is None
    bad_date = bytearray(_chn())
    bad_date[16:24] = b"14XYZ231"  # no such month: start time unknown, the file still reads
    assert parse_chn(bytes(bad_date), source="x.chn").start_time is None


def test_reads_inside_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("d/run.CHN", _chn())
    (s,) = read_spectra(archive)
    assert s.source == f"{archive}!d/run.CHN" and s.counts.tolist() == COUNTS


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        (b"", "header", "shorter than"),
        (_chn()[:20], "header", "shorter than"),
        (_chn(kind=-2), "header", "not an ORTEC CHN"),
        (_chn(counts=[1]), "channels", "at least 2"),
        (_chn(tag=None, n=9), "counts", "9 channels need"),
        (_chn(live=0), "live_time", "not positive"),
        (_chn(live=20_000), "live_time", "exceeds real time"),
        (_chn()[:-500], "trailer", "at least 16"),
        (_chn(tag=-7), "trailer", "expected -101 or -102"),
        (_chn(cal=(float("nan"), 1.0, 0.0)), "calibration", "non-finite"),
        (_chn(cal=(100.0, -1.0, 0.0)), "calibration", "does not increase"),
    ],
)
def test_bad_input_is_a_format_error_naming_the_field(data: bytes, field: str, reason: str) -> None:
    with pytest.raises(FormatError, match=reason) as err:
        parse_chn(data, source="bad.chn")
    assert err.value.file == "bad.chn" and err.value.field == field


@settings(max_examples=150, deadline=None)
@given(at=st.integers(0, 600), value=st.integers(0, 255), cut=st.booleans())
def test_corruptions_raise_only_format_error(at: int, value: int, cut: bool) -> None:
    raw = _chn()
    data = raw[:at] if cut else raw[:at] + bytes([value]) + raw[at + 1 :]
    with contextlib.suppress(FormatError):
        parse_chn(data, source="x.chn")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_raise_format_error_or_read(data: bytes) -> None:
    with contextlib.suppress(FormatError):
        parse_chn(b"\xff\xff" + data, source="x.chn")


def test_identify_cli_exits_2_on_a_bad_file(tmp_path: Path, identify_cli: IdentifyCli) -> None:
    bad = tmp_path / "cut.chn"
    bad.write_bytes(_chn(tag=None)[:-6])
    proc = identify_cli(bad)
    assert proc.returncode == 2
    assert "cut.chn, field 'counts'" in proc.stderr and "Traceback" not in proc.stderr
