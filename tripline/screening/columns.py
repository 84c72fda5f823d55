"""Python values kept as flat arrays, decoded on access: what lets the index load by memory map.

An index holds hundreds of thousands of strings, tokens and names. As Python objects they
take seconds to rebuild in every process; as arrays (one UTF-8 blob with offsets, integer
and boolean columns) they are mapped from the file in microseconds and shared by every
process that maps the same file. The classes here look like the Python containers they
replace (a sequence of strings, a ``str -> int`` mapping, a sequence of records), and build
an item only when it is read.

Every class is built from a dict of named arrays (:meth:`arrays` gives it back), so that an
index file is nothing but named arrays and a JSON manifest (see ``indexfile.py``).
"""

from __future__ import annotations

import dataclasses
import itertools
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar, overload

import numpy as np

Arrays = dict[str, np.ndarray[Any, Any]]
T = TypeVar("T")

SEPARATOR = "\x1f"  # joins the two strings of a pair (never in a property name or a cleaned identifier)
RECORD_CACHE = 200_000  # decoded records kept per column (then the cache starts again)


def _view(array: np.ndarray[Any, Any]) -> memoryview:
    """A memoryview of a 1-d array: indexing it gives Python ints, much faster than numpy scalars."""
    return memoryview(np.ascontiguousarray(array))  # type: ignore[arg-type]


class Ints(Sequence[int]):
    """A 1-d integer array read item by item as Python ints (what a ``list[int]`` was)."""

    def __init__(self, array: np.ndarray[Any, Any]) -> None:
        self.array = array
        self._view = _view(array)

    def __getstate__(self) -> dict[str, Any]:
        return {"array": self.array}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["array"])  # type: ignore[misc]

    def __len__(self) -> int:
        return len(self._view)

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...
    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            return self.array[i].tolist()  # type: ignore[no-any-return]
        return self._view[i]  # type: ignore[no-any-return]


class Strings(Sequence[str]):
    """``n`` strings as one UTF-8 blob and ``n + 1`` byte offsets."""

    def __init__(self, arrays: Arrays, prefix: str) -> None:
        self.offsets = arrays[f"{prefix}.offsets"]
        self.blob = arrays[f"{prefix}.blob"]
        self._setup()

    def _setup(self) -> None:
        self._off = _view(self.offsets)
        self._blob = _view(self.blob)
        self._n = len(self.offsets) - 1

    def __getstate__(self) -> dict[str, Any]:
        return {"offsets": self.offsets, "blob": self.blob}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.offsets, self.blob = state["offsets"], state["blob"]
        self._setup()

    @staticmethod
    def encode(values: Iterable[str], prefix: str) -> Arrays:
        encoded = [v.encode("utf-8") for v in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        if encoded:
            np.cumsum([len(b) for b in encoded], out=offsets[1:])
        return {f"{prefix}.offsets": offsets, f"{prefix}.blob": np.frombuffer(b"".join(encoded), dtype=np.uint8)}

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        return str(self._blob[self._off[i] : self._off[i + 1]], "utf-8")

    def raw(self, i: int) -> memoryview:
        """The UTF-8 bytes of item `i` (no decoding)."""
        return self._blob[self._off[i] : self._off[i + 1]]

    def to_list(self) -> list[str]:
        """Every string, decoded in one pass."""
        off = self.offsets.tolist()
        blob = self.blob.tobytes()
        return [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(off)]


class StringIds(Mapping[str, int]):
    """A read-only ``str -> int`` mapping as arrays: an open-addressing hash table (CRC-32 of
    the UTF-8 key, linear probing, at most half full) whose slots hold key positions; a found
    key is compared in full, so a hash collision costs a probe, never a wrong answer."""

    def __init__(self, arrays: Arrays, prefix: str) -> None:
        self.keys_ = Strings(arrays, f"{prefix}.keys")
        self.hashes = arrays[f"{prefix}.hashes"]
        self.values_ = arrays[f"{prefix}.values"]
        self.slots = arrays[f"{prefix}.slots"]
        self._setup()

    def _setup(self) -> None:
        self._hashes = _view(self.hashes)
        self._values = _view(self.values_)
        self._slots = _view(self.slots)
        self._mask = len(self.slots) - 1
        self._off = self.keys_._off
        self._blob = self.keys_._blob

    def __getstate__(self) -> dict[str, Any]:
        return {"keys_": self.keys_, "hashes": self.hashes, "values_": self.values_, "slots": self.slots}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    @staticmethod
    def encode(mapping: Mapping[str, int], prefix: str) -> Arrays:
        keys = list(mapping)
        hashes = [zlib.crc32(k.encode("utf-8")) for k in keys]
        size = 1 << max(3, (2 * len(keys)).bit_length())
        mask = size - 1
        slots = [-1] * size
        for position, h in enumerate(hashes):
            i = h & mask
            while slots[i] >= 0:
                i = (i + 1) & mask
            slots[i] = position
        out = Strings.encode(keys, f"{prefix}.keys")
        out[f"{prefix}.hashes"] = np.array(hashes, dtype=np.uint32)
        out[f"{prefix}.values"] = np.array([mapping[k] for k in keys], dtype=np.int64)
        out[f"{prefix}.slots"] = np.array(slots, dtype=np.int32 if len(keys) < 2**31 else np.int64)
        return out

    def _find(self, key: str) -> int:
        """The position of `key` in the key arrays, or -1."""
        raw = key.encode("utf-8")
        h = zlib.crc32(raw)
        slots, hashes, off, blob, mask = self._slots, self._hashes, self._off, self._blob, self._mask
        i = h & mask
        while (position := slots[i]) >= 0:
            if hashes[position] == h and blob[off[position] : off[position + 1]] == raw:
                return position  # type: ignore[no-any-return]
            i = (i + 1) & mask
        return -1

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        i = self._find(key) if isinstance(key, str) else -1
        return default if i < 0 else self._values[i]

    def get_many(self, keys: Sequence[str]) -> list[int]:
        """The value of each key, -1 for an absent one (values are never negative here): every
        key probes in step, one array operation per probe; only a key whose hash is found is
        compared in full."""
        if not keys:
            return []
        raws = [k.encode("utf-8") for k in keys]
        hashes = np.fromiter((zlib.crc32(r) for r in raws), dtype=np.int64, count=len(raws))
        out = np.full(len(raws), -1, dtype=np.int64)
        pending = np.arange(len(raws), dtype=np.int64)
        slot = hashes & self._mask
        off, blob = self._off, self._blob
        while len(pending):
            position = self.slots[slot[pending]].astype(np.int64)
            taken = position >= 0
            same = taken.copy()
            same[taken] = self.hashes[position[taken]] == hashes[pending[taken]]
            done = ~taken
            for j in np.flatnonzero(same).tolist():
                p, k = int(position[j]), int(pending[j])
                if blob[off[p] : off[p + 1]] == raws[k]:
                    out[k] = self.values_[p]
                    done[j] = True
            pending = pending[~done]
            slot[pending] = (slot[pending] + 1) & self._mask
        return out.tolist()  # type: ignore[no-any-return]

    def __getitem__(self, key: str) -> int:
        i = self._find(key) if isinstance(key, str) else -1
        if i < 0:
            raise KeyError(key)
        return int(self._values[i])

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) >= 0

    def __len__(self) -> int:
        return len(self._hashes)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_)


class Ragged(Sequence[Sequence[int]]):
    """``n`` runs of integers: run ``i`` is ``flat[starts[i]:starts[i + 1]]``."""

    def __init__(self, arrays: Arrays, prefix: str) -> None:
        self.starts = arrays[f"{prefix}.starts"]
        self.flat = arrays[f"{prefix}.flat"]
        self._starts = _view(self.starts)
        self._flat = _view(self.flat)

    def __getstate__(self) -> dict[str, Any]:
        return {"starts": self.starts, "flat": self.flat}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.starts, self.flat = state["starts"], state["flat"]
        self._starts, self._flat = _view(self.starts), _view(self.flat)

    @staticmethod
    def encode(runs: Iterable[Iterable[int]], prefix: str, dtype: type = np.int64) -> Arrays:
        lists = [list(r) for r in runs]
        starts = np.zeros(len(lists) + 1, dtype=np.int64)
        if lists:
            np.cumsum([len(r) for r in lists], out=starts[1:])
        flat: np.ndarray[Any, Any] = np.fromiter((x for r in lists for x in r), dtype=dtype, count=int(starts[-1]))
        return {f"{prefix}.starts": starts, f"{prefix}.flat": flat}

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, i: int) -> Sequence[int]: ...
    @overload
    def __getitem__(self, i: slice) -> list[Sequence[int]]: ...
    def __getitem__(self, i: int | slice) -> Sequence[int] | list[Sequence[int]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._flat[self._starts[i] : self._starts[i + 1]].tolist()  # type: ignore[no-any-return]


class Postings(Mapping[str, Sequence[int]]):
    """A read-only ``str -> list of ints`` mapping (identifier -> entity numbers)."""

    def __init__(self, arrays: Arrays, prefix: str) -> None:
        self.ids = StringIds(arrays, f"{prefix}.ids")
        self.runs = Ragged(arrays, f"{prefix}.runs")

    @staticmethod
    def encode(mapping: Mapping[str, Sequence[int]], prefix: str) -> Arrays:
        keys = list(mapping)
        out = StringIds.encode({k: i for i, k in enumerate(keys)}, f"{prefix}.ids")
        out.update(Ragged.encode((mapping[k] for k in keys), f"{prefix}.runs"))
        return out

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        run = self.ids.get(key, -1)
        return default if run < 0 else self.runs[run]

    def __getitem__(self, key: str) -> Sequence[int]:
        return self.runs[self.ids[key]]

    def __contains__(self, key: object) -> bool:
        return key in self.ids

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)


class StringRuns(Sequence[tuple[str, ...]]):
    """``n`` tuples of strings (one blob of all strings, and the runs of each tuple)."""

    def __init__(self, arrays: Arrays, prefix: str) -> None:
        self.items = Strings(arrays, f"{prefix}.items")
        self.starts = arrays[f"{prefix}.starts"]
        self._starts = _view(self.starts)

    def __getstate__(self) -> dict[str, Any]:
        return {"items": self.items, "starts": self.starts}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.items, self.starts = state["items"], state["starts"]
        self._starts = _view(self.starts)

    @staticmethod
    def encode(runs: Iterable[Iterable[str]], prefix: str) -> Arrays:
        lists = [list(r) for r in runs]
        out = Strings.encode((s for r in lists for s in r), f"{prefix}.items")
        starts = np.zeros(len(lists) + 1, dtype=np.int64)
        if lists:
            np.cumsum([len(r) for r in lists], out=starts[1:])
        out[f"{prefix}.starts"] = starts
        return out

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, i: int) -> tuple[str, ...]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[str, ...]]: ...
    def __getitem__(self, i: int | slice) -> tuple[str, ...] | list[tuple[str, ...]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        items = self.items
        return tuple(items[k] for k in range(self._starts[i], self._starts[i + 1]))


class FrozenSets(Sequence[frozenset[str]]):
    """A sequence of frozensets of strings (``acronyms`` of every name), decoded on access."""

    def __init__(self, runs: StringRuns) -> None:
        self.runs = runs

    def __len__(self) -> int:
        return len(self.runs)

    @overload
    def __getitem__(self, i: int) -> frozenset[str]: ...
    @overload
    def __getitem__(self, i: slice) -> list[frozenset[str]]: ...
    def __getitem__(self, i: int | slice) -> frozenset[str] | list[frozenset[str]]:
        if isinstance(i, slice):
            return [frozenset(r) for r in self.runs[i]]
        return frozenset(self.runs[i])


# -- records: frozen dataclasses as columns -------------------------------------------------------

Decoder = Callable[[int], Any]
Resolver = Callable[[str], tuple[Callable[[Any], Iterable[int]], Callable[[int], Any]] | None]


def _pair(value: str) -> tuple[str, str]:
    a, _, b = value.partition(SEPARATOR)
    return a, b


def encode_records(
    items: Sequence[Any],
    cls: type,
    prefix: str,
    refs: Mapping[str, Callable[[Any], int]] | None = None,
    nested: Mapping[str, Callable[[Sequence[Any], str], Arrays]] | None = None,
) -> Arrays:
    """Every field of the dataclass `cls`, over `items`, as columns named ``prefix.field``.

    Fields are encoded by their declared type: ``str``, ``int``, ``float``, ``bool``,
    ``tuple[str, ...]``, ``frozenset[str]``, ``tuple[tuple[str, str], ...]``; a field typed
    ``tuple[X, ...]`` whose type name is a key of `refs` becomes runs of the numbers `refs`
    gives its items (tokens by their number in the token table); a field in `nested` is
    encoded by that function (a name's form). Any other type is refused, naming the field:
    a field added to a record must be given a column here, not silently dropped.
    """
    refs = refs or {}
    nested = nested or {}
    out: Arrays = {}
    for f in dataclasses.fields(cls):
        name, kind = f.name, str(f.type)
        col = f"{prefix}.{name}"
        values = [getattr(item, name) for item in items]
        if name in nested:
            out.update(nested[name](values, col))
        elif kind == "str":
            out.update(Strings.encode(values, col))
        elif kind == "int":
            out[col] = np.array(values, dtype=np.int64)
        elif kind == "float":
            out[col] = np.array(values, dtype=np.float64)
        elif kind == "bool":
            out[col] = np.array(values, dtype=bool)
        elif kind == "tuple[str, ...]":
            out.update(StringRuns.encode(values, col))
        elif kind == "frozenset[str]":
            out.update(StringRuns.encode((sorted(v) for v in values), col))
        elif kind == "tuple[tuple[str, str], ...]":
            if any(SEPARATOR in s for v in values for pair in v for s in pair):
                raise ValueError(f"{cls.__name__}.{name}: a value holds the separator U+001F")
            out.update(StringRuns.encode(([SEPARATOR.join(p) for p in v] for v in values), col))
        elif kind.startswith("tuple[") and kind.endswith(", ...]") and kind[6:-6] in refs:
            number = refs[kind[6:-6]]
            out.update(Ragged.encode(([number(x) for x in v] for v in values), col))
        else:
            raise TypeError(f"the index has no column type for {cls.__name__}.{name}: {kind}")
    return out


class Records(Sequence[T], Generic[T]):
    """A sequence of frozen dataclass records read from the columns :func:`encode_records` made.

    A record is built when it is first read and kept (up to ``RECORD_CACHE`` of them)."""

    def __init__(
        self,
        arrays: Arrays,
        cls: type[T],
        prefix: str,
        refs: Mapping[str, Sequence[Any]] | None = None,
        nested: Mapping[str, Sequence[Any]] | None = None,
    ) -> None:
        refs = refs or {}
        nested = nested or {}
        self.cls = cls
        self._columns: list[tuple[str, Any]] = []
        self._size = -1
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            name, kind = f.name, str(f.type)
            col = f"{prefix}.{name}"
            column: Any
            if name in nested:
                column = ("plain", nested[name])
            elif kind == "str":
                column = ("plain", Strings(arrays, col))
            elif kind in ("int", "float", "bool"):
                column = ("array", arrays[col])
            elif kind == "tuple[str, ...]":
                column = ("plain", StringRuns(arrays, col))
            elif kind == "frozenset[str]":
                column = ("plain", FrozenSets(StringRuns(arrays, col)))
            elif kind == "tuple[tuple[str, str], ...]":
                column = ("pairs", StringRuns(arrays, col))
            elif kind.startswith("tuple[") and kind.endswith(", ...]") and kind[6:-6] in refs:
                column = ("refs", (Ragged(arrays, col), refs[kind[6:-6]]))
            else:
                raise TypeError(f"the index has no column type for {cls.__name__}.{name}: {kind}")
            self._columns.append((name, column))
        self._setup()

    def _setup(self) -> None:
        self._cache: dict[int, T] = {}
        decoders: list[Decoder] = []
        for _, (how, column) in self._columns:
            decoders.append(self._decoder(how, column))
        self._decoders = decoders
        first = self._columns[0][1]
        self._size = len(first[1][0]) if first[0] == "refs" else len(first[1])

    @staticmethod
    def _decoder(how: str, column: Any) -> Decoder:
        if how == "plain":
            return column.__getitem__  # type: ignore[no-any-return]
        if how == "array":
            return _view(column).__getitem__
        if how == "pairs":
            return lambda i: tuple(_pair(s) for s in column[i])
        runs, items = column
        return lambda i: tuple(items[k] for k in runs[i])

    def __getstate__(self) -> dict[str, Any]:
        return {"cls": self.cls, "_columns": self._columns}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._size))]
        found = self._cache.get(i)
        if found is not None:
            return found
        if i < 0:
            i += self._size
        if not 0 <= i < self._size:
            raise IndexError(i)
        record = self.cls(*[decode(i) for decode in self._decoders])
        if len(self._cache) >= RECORD_CACHE:
            self._cache.clear()
        self._cache[i] = record
        return record
