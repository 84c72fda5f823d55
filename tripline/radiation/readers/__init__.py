"""Spectrum readers: ANSI N42.42 XML (and RadiaCode's XML), the CSV layout of issue 5, ORTEC SPE
and SPC, Canberra CNF, RadiaCode spectrograms (``.rcspg``), NPES JSON (``.json``, Open Gamma Project),
Amptek MCA text (``.mca``) and ORTEC ``.chn`` natively, and the other binary vendor
formats (IEC 1455, becquerel HDF5) through ``becquerel`` (imported only for those: its numba import
costs 10-25 s).

Every reader returns a list of :class:`~tripline.radiation.model.Spectrum`; anything malformed
raises :class:`~tripline.errors.FormatError` naming the file (and line/element/field when known).
Files ending in ``.gz`` are decompressed transparently. A ``.zip`` archive (how community spectra
are shared: one folder per upload, spectra beside a readme) is read member by member: every member
with a spectrum suffix is parsed as its own file (``archive.zip!folder/member.xml`` in errors and in
each spectrum's ``source``), the rest (readmes, pictures) is skipped and listed in no spectrum; an
archive with no spectrum member, or whose members would unpack past ``MAX_BYTES``, is refused.
Backgrounds pair with foregrounds of the same member only (:func:`pair_spectra` groups by source).
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

from tripline.errors import FormatError, InputError, NotFoundError, TooLargeError
from tripline.radiation.model import Spectrum

MAX_BYTES = 64 * 1024 * 1024
VENDOR_SUFFIXES = (".spe", ".spc", ".cnf", ".iec", ".h5")
N42_SUFFIXES = (".n42", ".xml")
CSV_SUFFIXES = (".csv",)
ARCHIVE_SUFFIXES = (".zip",)
NATIVE_KINDS = ("n42", "xml", "csv", "spc", "cnf", "spe", "rcspg", "json", "mca", "chn")
MAX_MEMBERS = 1000
# detector model (detectors.yaml) named by a word of a file's free text (device name, SPEC_ID, comments)
DETECTOR_WORDS = (
    ("radiacode", "radiacode"),
    ("hpge", "hpge"),
    ("germanium", "hpge"),
    ("csi", "csi"),
    ("nai", "nai"),
    ("labr", "labr"),
)


def named_detector(text: str) -> str | None:
    """The detector model a file's free text names (whole words, letters only: "NaI(Tl)", "LaBr3"), or None."""
    words = re.sub(r"[^a-z]", " ", text.lower()).split()
    return next((model for key, model in DETECTOR_WORDS if key in words), None)


def _inner_suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix


def read_bytes(path: Path) -> bytes:
    """The file's content (decompressed if ``.gz``), refusing files over ``MAX_BYTES``."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise NotFoundError("file not found", file=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from exc
    if size > MAX_BYTES:
        raise TooLargeError(f"file is {size} bytes, limit {MAX_BYTES}", file=path)
    data = path.read_bytes()
    return _gunzip(data, path) if path.name.lower().endswith(".gz") else data


def _gunzip(data: bytes, where: str | Path) -> bytes:
    """Decompressed ``data`` of a ``.gz`` file (``where`` names it in errors), refused past ``MAX_BYTES``."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(MAX_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise FormatError(f"not a valid gzip file: {exc}", file=where) from exc
    if len(out) > MAX_BYTES:
        raise TooLargeError(f"decompressed content exceeds {MAX_BYTES} bytes", file=where)
    return out


# the module and function that parse each natively read kind (imported on first use)
_PARSERS = {
    "n42": ("n42", "parse_n42"),
    "xml": ("n42", "parse_n42"),
    "csv": ("csvrows", "parse_csv"),
    "spc": ("spc", "parse_spc"),
    "cnf": ("cnf", "parse_cnf"),
    "spe": ("spe", "parse_spe"),
    "rcspg": ("rcspg", "parse_rcspg"),
    "json": ("npes", "parse_npes"),
    "mca": ("mca", "parse_mca"),
    "chn": ("chn", "parse_chn"),
}


def _parse(kind: str, data: bytes, source: str) -> list[Spectrum]:
    """Parse the bytes of one file of a natively read format (``kind`` in ``NATIVE_KINDS``)."""
    module, name = _PARSERS[kind]
    parse = getattr(importlib.import_module(f"tripline.radiation.readers.{module}"), name)
    out = parse(data, source=source)
    return out if isinstance(out, list) else [out]


def _vendor_member(data: bytes, suffix: str, source: str) -> Spectrum:
    """A vendor-format archive member, read by becquerel from a private temporary copy."""
    from tripline.radiation.readers.vendor import read_vendor

    fd, name = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        spectrum = read_vendor(Path(name))
    except FormatError as exc:
        raise FormatError(exc.reason, file=source, line=exc.line, field=exc.field) from None
    finally:
        os.unlink(name)
    return dataclasses.replace(spectrum, source=source)


def _read_zip(path: Path) -> list[Spectrum]:
    data = read_bytes(path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FormatError(f"not a valid zip archive: {exc}", file=path) from exc
    if len(members) > MAX_MEMBERS:
        raise TooLargeError(f"archive holds {len(members)} files, limit {MAX_MEMBERS}", file=path)
    if sum(m.file_size for m in members) > MAX_BYTES:
        raise TooLargeError(f"archive unpacks to more than {MAX_BYTES} bytes", file=path)
    out: list[Spectrum] = []
    seen = 0
    for member in members:
        name = member.filename
        base = name.rsplit("/", 1)[-1]
        if name.startswith("__MACOSX/") or base.startswith("._") or not base:
            continue  # resource forks macOS adds to archives it writes
        inner = Path(base.lower().removesuffix(".gz"))
        kind = inner.suffix.lstrip(".")
        if kind not in NATIVE_KINDS and "." + kind not in VENDOR_SUFFIXES:
            continue
        source = f"{path}!{name}"
        try:
            with archive.open(member) as fh:
                body = fh.read(MAX_BYTES + 1)
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
            raise FormatError(f"cannot unpack archive member: {exc}", file=source) from exc
        if len(body) > MAX_BYTES:
            raise TooLargeError(f"archive member exceeds {MAX_BYTES} bytes", file=source)
        if base.lower().endswith(".gz"):
            body = _gunzip(body, source)
        seen += 1
        if kind in NATIVE_KINDS:
            out.extend(_parse(kind, body, source))
        else:
            out.append(_vendor_member(body, inner.suffix, source))
    if not seen:
        kinds = ", ".join(dict.fromkeys(NATIVE_KINDS + tuple(s.lstrip(".") for s in VENDOR_SUFFIXES)))
        raise FormatError(f"archive holds no spectrum file (expected members ending in {kinds})", file=path)
    return out


def read_spectra(path: str | Path, *, fmt: str | None = None) -> list[Spectrum]:
    """Read every spectrum in a file; the format comes from ``fmt`` or the file suffix."""
    p = Path(path)
    kind = (fmt or _inner_suffix(p)).lower().lstrip(".")
    if kind in NATIVE_KINDS:
        return _parse(kind, read_bytes(p), str(p))
    if "." + kind in ARCHIVE_SUFFIXES:
        return _read_zip(p)
    if "." + kind in VENDOR_SUFFIXES:
        from tripline.radiation.readers.vendor import read_vendor

        return [read_vendor(p)]
    raise FormatError(
        f"unknown spectrum format {kind!r}: expected one of n42, xml, csv, spe, spc, cnf, rcspg, json (NPES), mca, "
        "chn, iec, h5 (optionally .gz), or a zip archive of them",
        file=p,
    )


def pair_spectra(spectra: list[Spectrum]) -> list[tuple[Spectrum, Spectrum | None]]:
    """(foreground, background or None) pairs by ``spectrum_id`` within each source file (an archive's
    members are apart); a single background in the file goes with every foreground of that file; a
    file of backgrounds only is returned as foregrounds without background."""
    groups: dict[str | None, list[Spectrum]] = {}
    for s in spectra:
        groups.setdefault(s.source, []).append(s)
    pairs: list[tuple[Spectrum, Spectrum | None]] = []
    for group in groups.values():
        pairs.extend(_pair_one_file(group))
    order = {id(s): i for i, s in enumerate(spectra)}
    return sorted(pairs, key=lambda pair: order[id(pair[0])])


def _pair_one_file(spectra: list[Spectrum]) -> list[tuple[Spectrum, Spectrum | None]]:
    backgrounds = {s.spectrum_id: s for s in spectra if s.role == "background"}
    only = next(iter(backgrounds.values())) if len(backgrounds) == 1 else None
    pairs = [(s, backgrounds.get(s.spectrum_id, only)) for s in spectra if s.role != "background"]
    if not pairs and len(backgrounds) == len(spectra):
        return [(s, None) for s in spectra]
    return pairs


__all__ = ["named_detector", "pair_spectra", "read_bytes", "read_spectra"]
