"""Transparent, bounded reading of list files: gzip by magic bytes, BOMs, encodings, size limits.

Every parser reads through :func:`open_bytes` / :func:`open_text` / :func:`iter_lines`, so that

- a gzip file is decompressed whatever its name (``name.gz`` in the bundled data, or not);
- a byte-order mark picks the encoding (UTF-8, UTF-16) and is stripped;
- nothing is read whole into memory: a line longer than ``ReadLimits.max_line_bytes`` or a
  file longer than ``ReadLimits.max_bytes`` (decompressed) raises :class:`TooLargeError` as
  soon as the limit is crossed, and a decoding error raises :class:`FormatError` with the line.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tripline.errors import FormatError, InputError, TooLargeError

GZIP_MAGIC = b"\x1f\x8b"
SUB = "\x1a"  # DOS end-of-file byte some OFAC files end with

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what a parser reads. Tests use small values to exercise the refusals."""

    sniff_bytes: int = 64 * 1024  # how much of the start is read to recognise a format
    max_line_bytes: int = 4 * 1024 * 1024  # one line (or one XML text node) at most this long
    max_bytes: int = 2 * 1024 * 1024 * 1024  # decompressed size of one file


DEFAULT_LIMITS = ReadLimits()


class _CountingReader(io.RawIOBase):
    """A raw stream that counts the bytes read through it and refuses past ``limit``."""

    def __init__(self, inner: IO[bytes], path: Path, limit: int) -> None:
        self._inner = inner
        self._path = path
        self._limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        try:
            data = self._inner.read(len(view))
        except (OSError, EOFError, zlib.error) as exc:
            raise FormatError(f"cannot decompress: {exc}", file=self._path) from exc
        n = len(data)
        self.count += n
        if self.count > self._limit:
            raise TooLargeError(
                f"file is larger than the limit of {self._limit} bytes (decompressed); refused",
                file=self._path,
                limit=self._limit,
            )
        view[:n] = data
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


def open_bytes(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> io.BufferedReader:
    """Open ``path`` for binary reading, decompressing gzip content found by its magic bytes."""
    try:
        raw = path.open("rb")
    except FileNotFoundError as exc:
        raise InputError("file not found", file=path) from exc
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror or exc}", file=path) from exc
    magic = raw.read(2)
    raw.seek(0)
    inner: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if magic == GZIP_MAGIC else raw  # type: ignore[assignment]
    return io.BufferedReader(_CountingReader(inner, path, limits.max_bytes), buffer_size=256 * 1024)


def read_head(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> bytes:
    """The first ``limits.sniff_bytes`` bytes of the decompressed content."""
    with open_bytes(path, limits) as stream:
        return stream.read(limits.sniff_bytes)


def bom_encoding(head: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


def decode_head(head: bytes, encoding: str = "utf-8") -> str:
    """Best-effort text of a head for sniffing (BOM honoured, a cut multi-byte char tolerated)."""
    return head.decode(bom_encoding(head) or encoding, errors="replace")


def text_lines(path: Path, encoding: str = "utf-8", limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[str]:
    """Yield the decoded lines of ``path`` (ends kept), bounded and exact about where decoding fails.

    A BOM overrides ``encoding`` and is stripped; reading stops at a DOS end-of-file byte (0x1A).
    """
    with open_bytes(path, limits) as stream:
        head = stream.peek(4)[:4]
        chosen = bom_encoding(head) or encoding
        if chosen == "utf-16":
            text = io.TextIOWrapper(stream, encoding="utf-16", errors="strict", newline="")
            yield from _bounded(iter(lambda: text.readline(limits.max_line_bytes + 1), ""), path, chosen, limits)
            return
        if chosen == "utf-8-sig":
            stream.read(3)
            chosen = "utf-8"
        yield from _bounded(_decode(stream, path, chosen, limits), path, chosen, limits)


def _decode(stream: io.BufferedReader, path: Path, encoding: str, limits: ReadLimits) -> Iterator[str]:
    number = 0
    while True:
        raw = stream.readline(limits.max_line_bytes + 1)
        if not raw:
            return
        number += 1
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as exc:
            if len(raw) > limits.max_line_bytes:
                yield raw.decode(encoding, errors="replace")  # let _bounded refuse the long line
                return
            raise FormatError(
                f"not valid {encoding} (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}): wrong encoding?",
                file=path,
                line=number,
                field="encoding",
            ) from exc


def _bounded(lines: Iterator[str], path: Path, encoding: str, limits: ReadLimits) -> Iterator[str]:
    for number, line in enumerate(_guard_decode(lines, path, encoding), start=1):
        if len(line) > limits.max_line_bytes:
            raise TooLargeError(
                f"line longer than {limits.max_line_bytes} characters; refused (not a list file?)",
                file=path,
                line=number,
            )
        if line.startswith(SUB):
            return
        yield line


def _guard_decode(lines: Iterator[str], path: Path, encoding: str) -> Iterator[str]:
    number = 0
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"not valid {encoding}: {exc.reason}", file=path, line=number + 1, field="encoding"
            ) from exc
        number += 1
        yield line


class CsvRows:
    """Iterate ``(line, row)`` of a CSV file read through :func:`text_lines`; ``line`` is where the row ends.

    ``terminated`` tells whether the last line read ended with a newline (a file cut off in
    the middle of a row does not).
    """

    def __init__(
        self, path: Path, encoding: str = "utf-8", limits: ReadLimits = DEFAULT_LIMITS, delimiter: str = ","
    ) -> None:
        self.path = path
        self.terminated = True
        self._lines = text_lines(path, encoding, limits)
        self._reader = csv.reader(self._track(), delimiter=delimiter, strict=False)

    def _track(self) -> Iterator[str]:
        for line in self._lines:
            self.terminated = line.endswith("\n")
            yield line

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FormatError(f"not a readable CSV row: {exc}", file=self.path, line=self._reader.line_num) from exc
            yield self._reader.line_num, row


def csv_rows(
    path: Path,
    encoding: str = "utf-8",
    limits: ReadLimits = DEFAULT_LIMITS,
    delimiter: str = ",",
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, row)`` of a CSV file (see :class:`CsvRows`)."""
    return iter(CsvRows(path, encoding, limits, delimiter))
