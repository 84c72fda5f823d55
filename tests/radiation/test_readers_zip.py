"""Zip archives of spectra (how community spectra are shared) and the RadiaCode/BecqMoni device name."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from typer.testing import CliRunner

import tripline.radiation.readers as readers
from tests.radiation.conftest import IdentifyCli
from tests.realdata import need_shared_data
from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.errors import FormatError, TooLargeError
from tripline.radiation.model import EnergyCalibration, Spectrum
from tripline.radiation.readers import pair_spectra, read_spectra
from tripline.radiation.readers.n42 import write_n42
from tripline.radiation.readers.radiacode import device_detector
from tripline.settings import Settings

from .conftest import SAMPLES

NATIVE = ("Alcatraz14.Spc", "SGM102432.spe", "1110C_NAA_cave_pottery.Spe.gz")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _pair(live_fg: float, live_bg: float, counts: int) -> bytes:
    cal = EnergyCalibration((0.0, 3.0, 0.0))
    fg = Spectrum(np.full(64, counts, dtype=np.int64), live_fg, cal, spectrum_id="scan")
    bg = Spectrum(np.full(64, 1, dtype=np.int64), live_bg, cal, spectrum_id="scan", role="background")
    return write_n42([fg, bg])


def test_every_spectrum_member_reads_as_its_own_file(tmp_path: Path) -> None:
    members = {f"upload/{name}": (SAMPLES / name).read_bytes() for name in NATIVE}
    members["upload/_readme.txt"] = b"measured in a lead castle"
    members["__MACOSX/upload/._Alcatraz14.Spc"] = b"\x00\x05\x16\x07"
    archive = _zip(tmp_path / "upload.zip", members)
    spectra = read_spectra(archive)
    assert len(spectra) == len(NATIVE)
    for name, spectrum in zip(NATIVE, spectra, strict=True):
        (alone,) = read_spectra(SAMPLES / name)
        assert spectrum.source == f"{archive}!upload/{name}"
        assert np.array_equal(spectrum.counts, alone.counts)
        assert spectrum.live_time_s == alone.live_time_s and spectrum.calibration == alone.calibration


def test_backgrounds_pair_within_their_member_only(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "two.zip",
        {"a.n42": _pair(100.0, 1000.0, 5), "b.n42": _pair(200.0, 2000.0, 7), "c.n42": _pair(300.0, 3000.0, 9)},
    )
    pairs = pair_spectra(read_spectra(archive))
    assert [(fg.live_time_s, bg.live_time_s if bg else None) for fg, bg in pairs] == [
        (100.0, 1000.0),
        (200.0, 2000.0),
        (300.0, 3000.0),
    ]
    assert all(bg is not None and bg.source == fg.source for fg, bg in pairs)


def test_a_lone_background_does_not_go_to_another_members_foreground(tmp_path: Path) -> None:
    cal = EnergyCalibration((0.0, 3.0, 0.0))
    only_bg = Spectrum(np.ones(64, dtype=np.int64), 500.0, cal, spectrum_id="site", role="background")
    fg_only = Spectrum(np.full(64, 3, dtype=np.int64), 50.0, cal, spectrum_id="cargo")
    archive = _zip(tmp_path / "mixed.zip", {"bg.n42": write_n42([only_bg]), "fg.n42": write_n42([fg_only])})
    pairs = pair_spectra(read_spectra(archive))
    # the background-only member is a spectrum of its own (no foreground); the cargo has no background
    assert [(fg.spectrum_id, fg.role, bg) for fg, bg in pairs] == [
        ("site", "background", None),
        ("cargo", "foreground", None),
    ]


def test_bad_archives_get_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"PK\x03\x04 but cut")
    with pytest.raises(FormatError, match="not a valid zip archive") as err:
        read_spectra(not_zip)
    assert err.value.file == str(not_zip)

    empty = _zip(tmp_path / "readme.zip", {"folder/readme.txt": b"no spectra here", "folder/photo.jpg": b"\xff\xd8"})
    with pytest.raises(FormatError, match="holds no spectrum file") as err:
        read_spectra(empty)
    assert err.value.file == str(empty)

    good = (SAMPLES / "Alcatraz14.Spc").read_bytes()
    cut = _zip(tmp_path / "cut.zip", {"ok.Spc": good, "sub/cut.Spc": good[:300]})
    with pytest.raises(FormatError) as err:
        read_spectra(cut)
    assert err.value.file == f"{cut}!sub/cut.Spc"

    monkeypatch.setattr(readers, "MAX_BYTES", 100_000)
    big = _zip(tmp_path / "big.zip", {"zeros.spe": b"0" * 200_000})  # deflates to a few hundred bytes
    assert big.stat().st_size < 100_000
    with pytest.raises(TooLargeError, match="unpacks to more than"):
        read_spectra(big)


def test_a_vendor_member_reads_through_becquerel(tmp_path: Path) -> None:
    name = "Mendocino_07-10-13_Acq-10-10-13.h5.gz"
    archive = _zip(tmp_path / "h5.zip", {name: (SAMPLES / name).read_bytes()})
    (spectrum,) = read_spectra(archive)
    (alone,) = read_spectra(SAMPLES / name)
    assert spectrum.source == f"{archive}!{name}"
    assert np.array_equal(spectrum.counts, alone.counts) and spectrum.live_time_s == alone.live_time_s


def test_identify_cli_on_a_bad_archive_exits_2(tmp_path: Path, identify_cli: IdentifyCli) -> None:
    empty = _zip(tmp_path / "readme.zip", {"readme.txt": b"nothing"})
    proc = identify_cli(empty)
    assert proc.returncode == 2
    assert "readme.zip" in proc.stderr and "holds no spectrum file" in proc.stderr and "Traceback" not in proc.stderr


def test_identify_cli_reads_an_archive(settings: Settings, tmp_path: Path) -> None:
    archive = _zip(tmp_path / "two.zip", {"a.n42": _pair(100.0, 1000.0, 5), "b/c.n42": _pair(200.0, 2000.0, 7)})
    result = CliRunner().invoke(
        build_app(), ["radiation", "identify", str(archive), "--json"], obj=AppContext(settings=settings)
    )
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)["results"]
    assert [(r["live_time_s"], r["source"]) for r in results] == [
        (100.0, f"{archive}!a.n42"),
        (200.0, f"{archive}!b/c.n42"),
    ]
    text = CliRunner().invoke(build_app(), ["radiation", "identify", str(archive)], obj=AppContext(settings=settings))
    assert text.exit_code == 0 and "(a.n42)" in text.stdout and "(b/c.n42)" in text.stdout


def test_a_real_community_upload_reads_with_each_background_from_its_own_file() -> None:
    """The Bossew monazite upload (RadiaCode-101, three samples, each XML with its own background):
    the reference is the XML read with ElementTree here, not the reader."""
    path = need_shared_data() / "radiation" / "radiacode_community" / "Bossew_spectra_04_Monazite.zip"
    expected: dict[str, tuple[float, float | None, int]] = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                root = ElementTree.parse(io.BytesIO(archive.read(name))).getroot()
                fg = root.find(".//EnergySpectrum")
                bg = root.find(".//BackgroundEnergySpectrum")
                assert fg is not None
                counts = [int(p.text or 0) for p in fg.iter("DataPoint")]
                expected[f"{path}!{name}"] = (
                    float(fg.findtext("MeasurementTime") or 0),
                    None if bg is None else float(bg.findtext("MeasurementTime") or 0),
                    sum(counts),
                )
    pairs = pair_spectra(read_spectra(path))
    assert len(pairs) == len(expected) == 3
    assert sum(live_bg is not None for _, live_bg, _ in expected.values()) == 2  # Sri Lanka was measured without
    for sample, site in pairs:
        assert sample.detector == "radiacode" and (site is None or site.source == sample.source)
        got = (sample.live_time_s, None if site is None else site.live_time_s, sample.total_counts)
        assert got == expected[str(sample.source)]


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("RadiaCode-101", "radiacode"),
        ("RadiaCode-103G", "radiacode"),
        ("Trinitite rc103 72hr graded-z", "radiacode"),  # a real file's device name (ckuethe, RC-103)
        ("AtomSpectra NaI(Tl) 63x63", "nai"),
        ("Gamma Spectacular GS-PRO CsI(Tl) 1.5in", "csi"),
        ("BecqMoni LaBr3 38x38", "labr"),
        ("Canberra HPGe", "hpge"),
        ("my probe", "radiacode"),
        (None, "radiacode"),
    ],
)
def test_device_name_sets_the_detector_model(name: str | None, model: str) -> None:
    assert device_detector(name) == model
