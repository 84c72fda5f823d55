"""RadiaCode spectrograms (``.rcspg``): the real sample against its own header and hand-decoded bytes,
slice sums against a minimal writer (test only), and every kind of bad file refused with file, line
and field (exit 2 from the CLI, nothing stored by ingest)."""

from __future__ import annotations

import gzip
import math
import struct
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import BUNDLED_DATA
from tests.radiation.conftest import IdentifyCli
from tripline.errors import FormatError
from tripline.radiation.readers import read_spectra
from tripline.radiation.readers.rcspg import parse_rcspg, read_spectrogram
from tripline.radiation.service import ingest_file
from tripline.store.db import Database

from .test_ingest import _rows

SAMPLE = BUNDLED_DATA / "radiation" / "radiacode_samples" / "ckuethe_K40_lines1-2.rcspg"
FT_2023 = 133_458_921_712_590_000  # the sample's Timestamp


def _write(
    *,
    channels: int,
    device_s: int,
    coeffs: tuple[float, float, float],
    device: list[int],
    slices: list[tuple[int, int, list[int]]],
    name: str = "test",
) -> bytes:
    """A minimal ``.rcspg`` writer (test only): header, hex ``Spectrum:`` record, slice lines with the
    trailing zero channels cut, as the RadiaCode app and radiacode-tools write them."""
    header = "\t".join(
        [
            f"Spectrogram: {name}",
            "Time: 2023-12-01 00:16:11",
            f"Timestamp: {FT_2023}",
            f"Accumulation time: {sum(s for _, s, _ in slices)}",
            f"Channels: {channels}",
            "Device serial: RC-102-000000",
            "Flags: 1",
            "Comment: ",
        ]
    )
    record = struct.pack(f"<I3f{channels}I", device_s, *coeffs, *device)
    lines = [header, "Spectrum: " + " ".join(f"{b:02X}" for b in record)]
    for ticks, seconds, counts in slices:
        kept = list(counts)
        while kept and kept[-1] == 0:
            kept.pop()
        lines.append("\t".join(str(v) for v in [ticks, seconds, *kept]))
    return ("\n".join(lines) + "\n").encode()


def _hex_u32(text: str, index: int) -> int:
    """Hand decoding of the ``Spectrum:`` line: little-endian u32 number ``index`` (no struct/numpy)."""
    tokens = text.split("\n")[1].removeprefix("Spectrum:").split()
    b = tokens[4 * index : 4 * index + 4]
    return int(b[3] + b[2] + b[1] + b[0], 16)


def _f32(bits: int) -> float:
    """IEEE-754 single from its bits, by hand (sign, exponent, mantissa)."""
    sign = -1.0 if bits >> 31 else 1.0
    exponent = (bits >> 23) & 0xFF
    mantissa = bits & 0x7FFFFF
    return sign * (1 + mantissa / 2**23) * 2.0 ** (exponent - 127)


# --- the real sample -------------------------------------------------------------------------------


def test_real_sample_matches_its_header_and_hand_decoded_bytes() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    header = dict(field.split(": ", 1) for field in text.split("\n")[0].split("\t") if ": " in field)
    spg = read_spectrogram(SAMPLE.read_bytes(), source=str(SAMPLE))
    assert spg.channels == int(header["Channels"]) == 1024
    assert spg.name == header["Spectrogram"] == "2023-12-01 00-16-09"
    assert spg.serial == header["Device serial"] == "RC-102-001272"
    assert spg.accumulation_s == int(header["Accumulation time"]) == 43510
    # FILETIME 133458921712590000 = 2023-12-01 08:16:11.259 UTC; the header's local "Time" is 00:16:11 (UTC-8)
    assert spg.started == datetime(2023, 12, 1, 8, 16, 11, 259000, tzinfo=UTC)
    # bytes D3 34 18 00: 0x001834D3 s, the device's accumulation before the recording (18.4 days)
    assert spg.device_seconds == _hex_u32(text, 0) == 0x001834D3 == 1586387
    # B0 E7 4F C1 / 4A CD 1C 40 / CD 71 B0 39: c0 = -12.994 keV, c1 = 2.4500 keV/ch, c2 = 3.3654e-4 keV/ch^2
    expected = [_f32(_hex_u32(text, k)) for k in (1, 2, 3)]
    assert expected == pytest.approx([-12.99406, 2.450030, 3.365412e-4], rel=1e-5)
    assert spg.calibration.coefficients == pytest.approx(expected, rel=1e-7)
    counts = [_hex_u32(text, 4 + ch) for ch in range(1024)]
    assert counts[0] == 0x000726CF and counts[1023] == 0x000029A9 == 10665
    assert spg.device_counts.tolist() == counts
    assert spg.slices == ()


def test_real_sample_yields_the_device_spectrum_named_as_such() -> None:
    (spectrum,) = read_spectra(SAMPLE)
    assert spectrum.spectrum_id == "2023-12-01 00-16-09 [device spectrum]"
    assert spectrum.live_time_s == 1586387.0 and spectrum.detector == "radiacode"
    assert spectrum.n_channels == 1024 and spectrum.is_calibrated
    assert spectrum.total_counts == sum(_hex_u32(SAMPLE.read_text(encoding="utf-8"), 4 + ch) for ch in range(1024))
    # the calibration puts channel 535 near the K-40 line, 1461 keV: E = c0 + c1 535 + c2 535^2
    assert float(spectrum.calibration.energy(535)) == pytest.approx(1394.2, abs=0.5)  # type: ignore[union-attr]


def test_real_sample_reads_the_same_gzipped_and_inside_a_zip(tmp_path: Path) -> None:
    (alone,) = read_spectra(SAMPLE)
    gz = tmp_path / "k40.rcspg.gz"
    gz.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("upload/K40.rcspg", SAMPLE.read_bytes())
        zf.writestr("upload/readme.txt", b"K-40 source, 12 h")
    for path, source in ((gz, str(gz)), (archive, f"{archive}!upload/K40.rcspg")):
        (spectrum,) = read_spectra(path)
        assert spectrum.source == source
        assert np.array_equal(spectrum.counts, alone.counts) and spectrum.calibration == alone.calibration


# --- slices ----------------------------------------------------------------------------------------

COEFFS = (-13.0, 2.45, 3.4e-4)


def test_the_recording_is_the_sum_of_its_slices() -> None:
    device = [7] * 16
    slices = [(FT_2023 + 600_000_000, 60, [0, 3, 1] + [0] * 13), (FT_2023 + 1_210_000_000, 61, [2, 0, 0, 5] + [0] * 12)]
    data = _write(channels=16, device_s=1000, coeffs=COEFFS, device=device, slices=slices)
    assert b"\n133458922312590000\t60\t0\t3\t1\n" in data  # trailing zeros cut, as the writers do
    (spectrum,) = parse_rcspg(data, source="t.rcspg")
    assert spectrum.counts.tolist() == [2, 3, 1, 5] + [0] * 12
    assert spectrum.live_time_s == 121.0 and spectrum.spectrum_id == "test"
    assert spectrum.meta["slices"] == 2 and spectrum.meta["device_spectrum_s"] == 1000


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    channels=st.integers(2, 64),
    data=st.data(),
)
def test_slice_sum_and_device_spectrum_round_trip(channels: int, data: st.DataObject) -> None:
    """Property: what the test writer puts in comes back (device spectrum, slice sum, live time), and the
    device's spectrum after the recording is the one before plus the slices (how the app builds them)."""
    counts = st.lists(st.integers(0, 2**20), min_size=channels, max_size=channels)
    device = data.draw(counts)
    rows = data.draw(st.lists(st.tuples(st.integers(1, 3600), counts), min_size=1, max_size=6))
    slices = [(FT_2023 + 10_000_000 * k, s, c) for k, (s, c) in enumerate(rows)]
    blob = _write(channels=channels, device_s=5000, coeffs=(0.0, 3.0, 0.0), device=device, slices=slices)
    spg = read_spectrogram(blob, source="p.rcspg")
    total = np.sum([c for _, _, c in slices], axis=0)
    assert spg.device_counts.tolist() == device
    assert spg.slice_sum().tolist() == total.tolist()
    assert spg.live_time_s == sum(s for _, s, _ in slices)
    after = spg.device_counts + spg.slice_sum()
    assert after.tolist() == (np.asarray(device) + total).tolist()
    (spectrum,) = parse_rcspg(blob, source="p.rcspg")
    assert spectrum.counts.tolist() == total.tolist()


# --- bad input -------------------------------------------------------------------------------------


def _good() -> bytes:
    return _write(channels=4, device_s=10, coeffs=COEFFS, device=[1, 2, 3, 4], slices=[(FT_2023, 60, [1, 0, 2])])


def _replace_line(number: int, text: str) -> bytes:
    lines = _good().decode().split("\n")
    lines[number - 1] = text
    return "\n".join(lines).encode()


def _record(coeffs: tuple[float, float, float]) -> str:
    blob = struct.pack("<I3f4I", 10, *coeffs, 1, 2, 3, 4)
    return "Spectrum: " + " ".join(f"{b:02X}" for b in blob)


BAD = [
    (b"", None, None, "empty file"),
    (b"\n \n", None, None, "empty file"),
    ("Spectrogram: Zähler\n".encode("latin-1"), 1, None, "not UTF-8"),
    (b"Track: x\tRC-102\t\t0\n", 1, "Spectrogram", "not a RadiaCode spectrogram"),
    (_replace_line(1, "Spectrogram: x\tChannels: many"), 1, "Channels", "not a non-negative integer"),
    (_replace_line(1, "Spectrogram: x\tChannels: 1"), 1, "Channels", "need at least 2"),
    (_replace_line(1, "Spectrogram: x\tChannels: 4\tbroken"), 1, "header", "without 'Key:'"),
    (_replace_line(1, "Spectrogram: x"), 1, "Channels", "no 'Channels:'"),
    (_replace_line(1, "Spectrogram: x\tChannels: 4\tTimestamp: -5"), 1, "Timestamp", "not a non-negative"),
    (_replace_line(2, "Spectra: 00"), 2, "Spectrum", "not the 'Spectrum:' line"),
    (_good().split(b"\n")[0] + b"\n", 2, "Spectrum", "not the 'Spectrum:' line"),
    (_replace_line(2, _record(COEFFS).replace(" 0A ", " 0G ", 1)), 2, "Spectrum", "byte 0 is not two hex digits"),
    (_replace_line(2, _record(COEFFS) + " 00 00 00 00"), 2, "Spectrum", "36 bytes, expected 32"),
    (_replace_line(2, _record(COEFFS)[:-3]), 2, "Spectrum", "31 bytes, expected 32"),
    (_replace_line(2, _record((math.nan, 2.45, 0.0))), 2, "calibration", "not finite"),
    (_replace_line(2, _record((0.0, -2.45, 0.0))), 2, "calibration", "does not increase"),
    (_replace_line(2, _record((0.0, 1.0, -1.0))), 2, "calibration", "does not increase"),
    (_replace_line(3, f"{FT_2023}\t60\t1\t2\t3\t4\t5"), 3, "counts", "5 counts, more than Channels 4"),
    (_replace_line(3, f"{FT_2023}\t60\t1\t-2"), 3, "channel 1", "not a non-negative integer"),
    (_replace_line(3, f"{FT_2023}\t60\t1.5"), 3, "channel 0", "not a non-negative integer"),
    (_replace_line(3, f"{FT_2023}\t60\t{2**32}"), 3, "channel 0", "exceeds"),
    (_replace_line(3, f"{FT_2023}\t60\t" + "9" * 5000), 3, "channel 0", "more than 20 digits"),
    (_replace_line(3, f"{FT_2023}"), 3, "slice", "needs a timestamp and a duration"),
    (_replace_line(3, f"x{FT_2023}\t60\t1"), 3, "timestamp", "not a non-negative integer"),
    (_replace_line(3, f"{FT_2023}\t0\t1"), 3, "duration", "sum to 0 s"),
    (_good().rstrip(b"\n"), 3, "end", "does not end with a newline"),
    (_good()[: _good().index(b"Spectrum:") + 30], 2, "end", "does not end with a newline"),
]


@pytest.mark.parametrize(("data", "line", "field", "message"), BAD)
def test_bad_files_name_file_line_and_field(data: bytes, line: int | None, field: str | None, message: str) -> None:
    with pytest.raises(FormatError) as err:
        parse_rcspg(data, source="bad.rcspg")
    assert err.value.file == "bad.rcspg"
    assert (err.value.line, err.value.field) == (line, field), err.value.message
    assert message in err.value.reason


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tripline.radiation.readers as readers
    from tripline.errors import TooLargeError

    path = tmp_path / "big.rcspg"
    path.write_bytes(_good() * 50)
    monkeypatch.setattr(readers, "MAX_BYTES", 1000)
    with pytest.raises(TooLargeError):
        read_spectra(path)


@settings(max_examples=150, deadline=None)
@given(at=st.integers(0, 12522), value=st.integers(0, 255), cut=st.booleans())
def test_corrupted_real_sample_raises_format_error_or_reads(at: int, value: int, cut: bool) -> None:
    raw = bytearray(SAMPLE.read_bytes())
    data = bytes(raw[:at]) if cut else bytes(raw[:at] + bytes([value]) + raw[at + 1 :])
    try:
        spectra = parse_rcspg(data, source="fuzz.rcspg")
    except FormatError as exc:
        assert exc.file == "fuzz.rcspg"
    else:
        assert len(spectra) == 1 and spectra[0].n_channels == 1024


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_raise_format_error(data: bytes) -> None:
    with pytest.raises(FormatError):
        parse_rcspg(b"Spectrogram: " + data, source="r.rcspg")


# --- CLI and ingest --------------------------------------------------------------------------------


def test_identify_cli_exits_2_on_a_bad_file_and_reads_the_sample(tmp_path: Path, identify_cli: IdentifyCli) -> None:
    bad = tmp_path / "cut.rcspg"
    bad.write_bytes(SAMPLE.read_bytes()[:5000])
    proc = identify_cli(bad)
    assert proc.returncode == 2
    assert "cut.rcspg, line 2, field 'end'" in proc.stderr and "Traceback" not in proc.stderr
    ok = identify_cli(SAMPLE)
    assert ok.returncode == 0 and "[device spectrum]" in ok.stdout and "radiacode" in ok.stdout


def test_ingest_stores_a_spectrogram_once_and_nothing_of_a_bad_one(any_db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rcspg"
    bad.write_bytes(_replace_line(3, f"{FT_2023}\t60\t1\t-2"))
    with pytest.raises(FormatError) as err:
        ingest_file(any_db, bad, container="CSQU3054383")
    assert (err.value.line, err.value.field) == (3, "channel 1")
    assert _rows(any_db) == (0, 0, 0)
    good = tmp_path / "good.rcspg"
    good.write_bytes(SAMPLE.read_bytes())
    first = ingest_file(any_db, good, container="CSQU3054383")
    assert first.spectra == 1 and len(first.results) == 1
    again = ingest_file(any_db, good, container="CSQU3054383")
    assert again.spectra == 0 and again.already_stored == 1
    assert _rows(any_db) == (0, 1, 1)
