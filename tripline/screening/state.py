"""An object's attributes as named arrays and back, by the type of each value.

The index's :class:`~tripline.screening.prefilter.TokenTable` and
:class:`~tripline.screening.index.NameIndex` are plain Python objects built from the lists.
:func:`export_state` turns each attribute into arrays (or a small JSON value), by what the
attribute holds, so that a new array or lookup table added to those classes is saved and
mapped like the others without a change here; :func:`restore_state` makes an object of the
same class whose attributes are array-backed stand-ins (a ``str -> int`` dict becomes a
:class:`~tripline.screening.columns.StringIds`, a list of tokens a lazy
:class:`~tripline.screening.columns.Records`), built without decoding any item.

What an attribute may hold (anything else is refused, naming it):

- a numpy array (of numbers; of strings: decoded once into an object array on load);
- a ``dict[str, int]``; a ``dict[str, frozenset[str]]`` (small: kept in the manifest);
- a ``dict`` from records to their position in a list of the same records attribute;
- a list of frozen dataclass records, of frozensets of strings, or of ints;
- ``int``, ``float``, ``str``, ``bool``, ``None``, lists of strings (kept in the manifest);
- a private ``dict`` (a cache: restored empty); the normaliser (given back on load).
"""

from __future__ import annotations

import dataclasses
import importlib
import operator
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from tripline.screening.columns import (
    Arrays,
    FrozenSets,
    Ints,
    Records,
    StringIds,
    StringRuns,
    Strings,
    encode_records,
)

RECORD_KEY_CACHE = 100_000
JOIN = "\x00"  # joins an object array's strings when none holds it


_FIELD_GETTERS: dict[type, Any] = {}


def _record_key(record: Any) -> str:
    """A string naming a record by all its field values (the same for equal records)."""
    getter = _FIELD_GETTERS.get(type(record))
    if getter is None:
        names = [f.name for f in dataclasses.fields(record)]
        getter = _FIELD_GETTERS[type(record)] = operator.attrgetter(*names) if len(names) > 1 else None
        if getter is None:
            return repr(getattr(record, names[0]))
    return "\x1f".join(map(repr, getter(record)))


class RecordIds(Mapping[Any, int]):
    """``record -> position`` over a :class:`Records` sequence (the table's ``vocab``)."""

    def __init__(self, ids: StringIds, records: Sequence[Any]) -> None:
        self.ids = ids
        self.records = records
        self._cache: dict[Any, int] = {}
        self._key = _record_key

    def __getstate__(self) -> dict[str, Any]:
        return {"ids": self.ids, "records": self.records}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cache = {}
        self._key = _record_key

    def get(self, record: Any, default: Any = None) -> Any:
        found = self._cache.get(record)
        if found is None:
            found = self.ids.get(self._key(record), -1) if dataclasses.is_dataclass(record) else -1
            if len(self._cache) >= RECORD_KEY_CACHE:
                self._cache.clear()
            self._cache[record] = found
        return default if found < 0 else found

    def __getitem__(self, record: Any) -> int:
        found: int = self.get(record, -1)
        if found < 0:
            raise KeyError(record)
        return found

    def __contains__(self, record: object) -> bool:
        return bool(self.get(record, -1) >= 0)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Any:
        return iter(self.records)


def _class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _class(path: str) -> type:
    module, _, name = path.rpartition(".")
    if not module.startswith("tripline."):
        raise TypeError(f"record class outside tripline: {path}")
    found = getattr(importlib.import_module(module), name)
    assert isinstance(found, type)
    return found


def _is_records(value: Sequence[Any]) -> bool:
    return bool(value) and dataclasses.is_dataclass(value[0]) and not isinstance(value[0], type)


def export_state(obj: object, prefix: str, *, skip: tuple[str, ...] = ("normaliser",)) -> tuple[Arrays, dict[str, Any]]:
    """The attributes of `obj` as arrays named ``prefix.attribute...`` and a JSON description."""
    arrays: Arrays = {}
    kinds: dict[str, Any] = {}
    attrs = vars(obj)
    positions: dict[int, str] = {}  # id() of a record list -> its attribute (for record -> position dicts)
    for name, value in attrs.items():
        if isinstance(value, list) and _is_records(value):
            positions[id(value)] = name
    for name, value in attrs.items():
        col = f"{prefix}.{name}"
        if name in skip:
            kinds[name] = ["skip"]
        elif isinstance(value, np.ndarray):
            if value.dtype == object:
                texts = [str(v) for v in value.tolist()]
                if any(JOIN in t for t in texts):
                    arrays.update(Strings.encode(texts, col))
                    kinds[name] = ["object_strings"]
                else:  # one blob split in C on load: 130,000 tokens in milliseconds
                    arrays[col] = np.frombuffer(JOIN.join(texts).encode("utf-8"), dtype=np.uint8)
                    kinds[name] = ["joined_strings", len(texts)]
            else:
                arrays[col] = value
                kinds[name] = ["array"]
        elif isinstance(value, dict) and name.startswith("_"):
            kinds[name] = ["cache"]
        elif isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, int) for k, v in value.items()):
            arrays.update(StringIds.encode(value, col))
            kinds[name] = ["ids"]
        elif isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, frozenset | set) for k, v in value.items()
        ):
            kinds[name] = ["string_sets", {k: sorted(v) for k, v in value.items()}]
        elif isinstance(value, dict) and value and dataclasses.is_dataclass(next(iter(value))):
            owner = next((attr for attr, v in attrs.items() if isinstance(v, list) and list(value) == v), None)
            if owner is None or list(value.values()) != list(range(len(value))):
                raise TypeError(f"{type(obj).__name__}.{name}: a dict of records that is not a list's positions")
            arrays.update(StringIds.encode({_record_key(r): i for r, i in value.items()}, col))
            kinds[name] = ["record_ids", owner]
        elif isinstance(value, list) and _is_records(value):
            cls = type(value[0])
            arrays.update(encode_records(value, cls, col))
            kinds[name] = ["records", _class_path(cls)]
        elif isinstance(value, list) and all(isinstance(v, frozenset) for v in value):
            arrays.update(StringRuns.encode((sorted(v) for v in value), col))
            kinds[name] = ["frozensets"]
        elif isinstance(value, list) and value and all(type(v) is int for v in value):
            arrays[col] = np.array(value, dtype=np.int64)
            kinds[name] = ["ints"]
        elif value is None or isinstance(value, int | float | str | bool):
            kinds[name] = ["value", value]
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            kinds[name] = ["strings", list(value)]
        else:
            raise TypeError(f"the index cannot store {type(obj).__name__}.{name} ({type(value).__name__})")
    return arrays, {"class": _class_path(type(obj)), "attributes": kinds}


def restore_state(arrays: Arrays, prefix: str, description: dict[str, Any], **given: Any) -> Any:
    """An object of the described class with every attribute restored from `arrays` (and `given`)."""
    cls = _class(description["class"])
    obj: Any = object.__new__(cls)
    state: dict[str, Any] = {}
    later: list[tuple[str, str]] = []
    for name, (kind, *args) in description["attributes"].items():
        col = f"{prefix}.{name}"
        if kind == "skip":
            state[name] = given[name]
        elif kind == "array":
            state[name] = arrays[col]
        elif kind == "object_strings":
            state[name] = np.array(Strings(arrays, col).to_list(), dtype=object)
        elif kind == "joined_strings":
            texts = arrays[col].tobytes().decode("utf-8").split(JOIN) if args[0] else []
            out = np.empty(len(texts), dtype=object)
            out[:] = texts
            state[name] = out
        elif kind == "cache":
            state[name] = {}
        elif kind == "ids":
            state[name] = StringIds(arrays, col)
        elif kind == "string_sets":
            state[name] = {k: frozenset(v) for k, v in args[0].items()}
        elif kind == "record_ids":
            later.append((name, args[0]))
        elif kind == "records":
            state[name] = Records(arrays, _class(args[0]), col)
        elif kind == "frozensets":
            state[name] = FrozenSets(StringRuns(arrays, col))
        elif kind == "ints":
            state[name] = Ints(arrays[col])
        elif kind in ("value", "strings"):
            state[name] = args[0]
        else:
            raise TypeError(f"unknown attribute kind {kind!r} for {name}")
    for name, owner in later:
        state[name] = RecordIds(StringIds(arrays, f"{prefix}.{name}"), state[owner])
    obj.__dict__.update(state)
    return obj
