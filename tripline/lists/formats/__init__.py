"""Parsers for every watch-list format, one module per format.

Contract (every format module provides one :class:`ListFormat` registered in ``FORMATS``):

- ``sniff(path, head)`` says from the first bytes of the (decompressed) content whether a
  file is in this format; :func:`detect_format` uses it, so the format is detected from the
  content and not only from the file name.
- ``parse(paths, spec, report)`` streams :class:`~tripline.lists.model.ListEntry` objects
  (FollowTheMoney entities with stable ids) and fills ``report`` (publication date, declared
  count, warnings such as alias rows that join no primary entry). Bad input raises
  :class:`~tripline.errors.FormatError` naming file, line or element, and field. ``limits``
  bounds what is read (:class:`~tripline.lists.formats.reader.ReadLimits`): a line or file
  past the limits raises :class:`~tripline.errors.TooLargeError` while streaming.

``report`` is complete only once the iterator is exhausted (unjoined rows are known at the end).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from tripline.errors import FormatError
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits, read_head
from tripline.lists.model import ListEntry, LoadReport, SourceSpec


class ListFormat(Protocol):
    name: str
    title: str

    def sniff(self, path: Path, head: bytes) -> bool: ...

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]: ...


def _registry() -> dict[str, ListFormat]:
    from tripline.lists.formats import csl, dpl, eu_oj, ftm, hmt, meti, ofac, os_csv, un

    # Order matters for detection: the most specific formats are tried first; os_csv, which
    # maps any header with a name column, comes after every format with a fixed header.
    found: list[ListFormat] = [
        un.FORMAT,
        csl.FORMAT,
        dpl.FORMAT,
        hmt.FORMAT,
        eu_oj.FORMAT,
        ofac.FORMAT,
        meti.FORMAT,
        ftm.FORMAT,
        os_csv.FORMAT,
    ]
    return {fmt.name: fmt for fmt in found}


FORMATS: dict[str, ListFormat] = _registry()


def detect_format(paths: Sequence[Path], limits: ReadLimits = DEFAULT_LIMITS) -> str:
    """The name of the format of ``paths``, recognised from the first bytes of their content.

    Every file must be recognised, and all as the same format; otherwise :class:`FormatError`.
    """
    if not paths:
        raise FormatError("no files given")
    names: set[str] = set()
    for path in paths:
        head = read_head(path, limits)
        if not head.strip():
            raise FormatError("empty file", file=path, line=1)
        matches = [name for name, fmt in FORMATS.items() if fmt.sniff(path, head)]
        if not matches:
            raise FormatError(
                f"not a known list format (tried {', '.join(FORMATS)}); give --format if you know it", file=path
            )
        names.add(matches[0])
    if len(names) > 1:
        raise FormatError(f"files are in different formats: {', '.join(sorted(names))}", file=paths[0])
    return names.pop()


def check_format(name: str) -> ListFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(f"unknown format {name!r}; known: {', '.join(FORMATS)}", field="format") from None
