"""The queue of a manifest built as its shipments stream past, holding no shipment longer than a chunk.

The only global fact of a queue is the first-shipment indicator: a shipment is the first of its
shipper (earliest departure, then bill of lading) only once the whole file has been read. So each
shipper's current first candidate is held with both of its scores (with and without the
first-shipment line); a shipment that is not, or stops being, its shipper's candidate is settled
with its plain score. At the end the candidates are settled with their first-shipment score.
What is held grows with the distinct shippers, not with the shipments; with ``keep`` set, only the
best ``keep`` settled shipments are held (a bounded heap), and the ranking of those is the same as
that of the whole queue (:func:`tripline.cargo.scoring.rank`'s order: score, then bill of lading).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from tripline.cargo.indicators import Features, as_first_shipment, normalise_party
from tripline.cargo.model import Role, Shipment
from tripline.cargo.readers import detect_format
from tripline.cargo.scoring import Scored, Scorer, rank
from tripline.errors import InputError

T = TypeVar("T")

SortKey = tuple[float, str]


def sort_key(s: Scored) -> SortKey:
    """The queue's order (:func:`~tripline.cargo.scoring.rank`): higher score first, then bill of lading."""
    return (-round(s.score, 9), s.bill_of_lading)


class _Worst:
    """A heap entry whose heap top is the worst entry kept (the one to drop first)."""

    __slots__ = ("key", "scored")

    def __init__(self, scored: Scored) -> None:
        self.key = sort_key(scored)
        self.scored = scored

    def __lt__(self, other: _Worst) -> bool:
        return self.key > other.key


class QueueBuilder:
    """Add each shipment with its features; :meth:`ranked` gives the queue (its best ``keep``, or all)."""

    def __init__(self, scorer: Scorer, known_shippers: Iterable[str] = (), keep: int | None = None) -> None:
        if keep is not None and keep < 0:
            raise ValueError("keep must be >= 0")
        self.scorer = scorer
        self.known = {normalise_party(n) for n in known_shippers}
        self.keep = keep
        self.added = 0
        self._all: list[Scored] = []
        self._heap: list[_Worst] = []
        # shipper -> (order, bill of lading), plain score, score with the first-shipment line
        self._first: dict[str, tuple[tuple[str, str], Scored, Scored]] = {}

    def add(self, shipment: Shipment, features: Features) -> None:
        """``features``: ``extract(shipment)`` without the first-shipment line (added here if it is due)."""
        self.added += 1
        plain = self.scorer.score(features)
        holder = shipment.party(Role.SHIPPER)
        key = normalise_party(holder.name) if holder is not None else None
        if key is None or key in self.known:
            self._settle(plain)
            return
        date = shipment.departure_date.isoformat() if shipment.departure_date else "9999"
        order = (date, shipment.bill_of_lading)
        current = self._first.get(key)
        if current is not None and current[0] <= order:
            self._settle(plain)
            return
        if current is not None:
            self._settle(current[1])  # an earlier shipment of this shipper: no longer its first
        self._first[key] = (order, plain, self.scorer.score(as_first_shipment(features, shipment)))

    def _settle(self, scored: Scored) -> None:
        if self.keep is None:
            self._all.append(scored)
            return
        if self.keep == 0:
            return
        entry = _Worst(scored)
        if len(self._heap) < self.keep:
            heapq.heappush(self._heap, entry)
        elif entry.key < self._heap[0].key:
            heapq.heapreplace(self._heap, entry)

    def ranked(self) -> list[Scored]:
        """The queue, ranked from 1 (with ``keep``: its first ``keep``)."""
        firsts = [first for _, _, first in self._first.values()]
        if self.keep is None:
            return rank([*self._all, *firsts])
        kept = [e.scored for e in self._heap]
        return rank(heapq.nsmallest(self.keep, [*kept, *firsts], key=sort_key))

    def held(self) -> int:
        """Scored shipments held now (the memory that grows: at most ``keep`` plus 2 per shipper)."""
        return len(self._all) + len(self._heap) + 2 * len(self._first)


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` consecutive items (the last one shorter)."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def estimate_rows(path: Path) -> int:
    """Rows the manifest holds, cheaply (line breaks; Parquet's metadata): a progress total, 0 if unknown."""
    try:
        fmt = detect_format(path)
        if fmt == "parquet":
            return int(pq.ParquetFile(path).metadata.num_rows)
        if fmt not in ("csv", "jsonl"):
            return 0
        breaks = 0
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                breaks += block.count(b"\n")
        return max(0, breaks - (1 if fmt == "csv" else 0))
    except (OSError, pa.ArrowException, InputError):
        return 0  # the reader says what is wrong with the file
