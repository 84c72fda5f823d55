"""Header-checked CSV reading shared by the CSV list formats (CSL, DPL, HMT, EU OJ, OpenSanctions)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from tripline.errors import FormatError
from tripline.lists.formats.reader import DEFAULT_LIMITS, CsvRows, ReadLimits


def header_of(head_text: str, delimiter: str = ",") -> list[str]:
    """The cells of the first line of a sniffed head (quotes stripped, no CSV parsing of the rest)."""
    first = head_text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    return [cell.strip().strip('"').strip() for cell in first.split(delimiter)]


def dict_rows(
    path: Path,
    required: Sequence[str],
    what: str,
    encoding: str = "utf-8",
    limits: ReadLimits = DEFAULT_LIMITS,
    delimiter: str = ",",
    skip_lines: int = 0,
    on_truncated_tail: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` dicts keyed by header; the header must hold every ``required`` column.

    A row with fewer cells than the header raises :class:`FormatError` naming the first missing
    column; a row repeating the header is skipped. If ``on_truncated_tail`` is given, a short
    last row with no newline after it (a file cut off mid-row) is passed to it by line number
    instead of raising.
    """
    source = CsvRows(path, encoding, limits, delimiter=delimiter)
    rows = iter(source)
    header: list[str] | None = None
    for line, row in rows:
        if line <= skip_lines:
            continue
        if header is None:
            if not row or not any(cell.strip() for cell in row):
                continue
            header = [cell.strip().lstrip("\ufeff") for cell in row]
            missing = [col for col in required if col not in header]
            if missing:
                raise FormatError(
                    f"not a {what}: header lacks column(s) {', '.join(missing)} (found {', '.join(header[:8])}"
                    f"{'...' if len(header) > 8 else ''})",
                    file=path,
                    line=line,
                    field=missing[0],
                )
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if row[0].strip() == header[0] and [cell.strip() for cell in row] == header:
            continue
        if len(row) < len(header):
            if on_truncated_tail is not None and not source.terminated and next(rows, None) is None:
                on_truncated_tail(line)
                return
            raise FormatError(
                f"row has {len(row)} of {len(header)} columns", file=path, line=line, field=header[len(row)]
            )
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            raise FormatError(
                f"row has {len(row)} columns, the header {len(header)}",
                file=path,
                line=line,
                field=f"column {len(row)}",
            )
        yield line, dict(zip(header, row, strict=False))
    if header is None:
        raise FormatError(f"empty file: no {what} header", file=path, line=1)


def split(value: str | None, sep: str = ";") -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.split(sep) if part.strip()]
