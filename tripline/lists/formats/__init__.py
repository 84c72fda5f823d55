"""Parsers for every watch-list format, one module per format.

Contract (every format module provides one :class:`ListFormat` registered in ``FORMATS``):

- ``sniff(path, head)`` says from the first bytes of the (decompressed) content whether a
  file is in this format; :func:`detect_format` uses it, so the format is detected from the
  content and not only from the file name.
- ``parse(paths, spec, report)`` streams :class:`~tripline.lists.model.ListEntry` objects
  (FollowTheMoney entities with stable ids) and fills ``report`` (publication date, declared
  count, warnings such as alias rows that join no primary entry). Bad input raises
  :class:`~tripline.errors.FormatError` naming file, line or element, and field.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from tripline.lists.model import ListEntry, LoadReport, SourceSpec


class ListFormat(Protocol):
    name: str
    title: str

    def sniff(self, path: Path, head: bytes) -> bool: ...

    def parse(self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport) -> Iterator[ListEntry]: ...


FORMATS: dict[str, ListFormat] = {}
