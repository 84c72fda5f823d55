"""The index file: named arrays, signed, mapped; and the array-backed containers it is read into."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.screening.cases import Case, unique_targets
from tripline.errors import IntegrityError
from tripline.screening.columns import Postings, Ragged, StringIds, StringRuns, Strings
from tripline.screening.indexfile import HEADER, MAC_BYTES, open_index, write_index
from tripline.screening.result import ScreeningQuery
from tripline.screening.screener import Screener
from tripline.screening.service import load_index

KEY = b"k" * 32


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=12), st.integers(min_value=0, max_value=2**40), max_size=60))
def test_string_ids_behave_like_the_dict(mapping: dict[str, int]) -> None:
    ids = StringIds(StringIds.encode(mapping, "x"), "x")
    assert len(ids) == len(mapping)
    assert dict(ids.items()) == mapping
    for key, value in mapping.items():
        assert ids[key] == value and ids.get(key) == value and key in ids
    probes = ["", "absent", "\x00", "é"]
    for probe in probes:
        assert (probe in ids) == (probe in mapping)
        assert ids.get(probe, -7) == mapping.get(probe, -7)
    asked = [*mapping, *probes]
    assert ids.get_many(asked) == [mapping.get(k, -1) for k in asked]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(max_size=8), max_size=4), max_size=30))
def test_strings_and_runs_give_back_what_was_stored(runs: list[list[str]]) -> None:
    flat = [s for run in runs for s in run]
    strings = Strings(Strings.encode(flat, "s"), "s")
    assert list(strings) == flat and strings.to_list() == flat
    assert [list(r) for r in StringRuns(StringRuns.encode(runs, "r"), "r")] == runs
    numbers = [[len(s) for s in run] for run in runs]
    assert [list(r) for r in Ragged(Ragged.encode(numbers, "n"), "n")] == numbers
    postings = Postings(Postings.encode({f"k{i}": n for i, n in enumerate(numbers)}, "p"), "p")
    assert {k: list(v) for k, v in postings.items()} == {f"k{i}": n for i, n in enumerate(numbers)}


def _write(tmp_path: Path) -> Path:
    arrays: dict[str, np.ndarray[Any, Any]] = {
        "a": np.arange(10, dtype=np.int64),
        "b": np.frombuffer(b"hello", dtype=np.uint8),
        "c": np.ones(3, bool),
    }
    path = tmp_path / "index-test.tlidx"
    write_index(path, KEY, arrays, {"snapshots": {"x": 1}, "meta": {"n": 1}})
    return path


def test_file_round_trip_maps_read_only_arrays(tmp_path: Path) -> None:
    opened = open_index(_write(tmp_path), KEY)
    assert opened.arrays["a"].tolist() == list(range(10))
    assert opened.arrays["b"].tobytes() == b"hello"
    assert opened.arrays["c"].tolist() == [True] * 3
    assert opened.snapshots == {"x": 1} and opened.meta == {"n": 1}
    assert not opened.arrays["a"].flags.writeable
    assert stat_mode(opened.path) == 0o600


def stat_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


def test_any_flipped_byte_or_other_key_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path)
    data = path.read_bytes()
    with pytest.raises(IntegrityError):
        open_index(path, b"x" * 32)
    for offset in range(0, len(data), 7):
        tampered = bytearray(data)
        tampered[offset] ^= 0x01
        path.write_bytes(bytes(tampered))
        with pytest.raises(IntegrityError):
            open_index(path, KEY)


@settings(max_examples=50, deadline=None)
@given(where=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_any_truncation_is_refused(tmp_path_factory: pytest.TempPathFactory, where: float) -> None:
    path = _write(tmp_path_factory.mktemp("trunc"))
    data = path.read_bytes()
    path.write_bytes(data[: int(where * len(data))])
    with pytest.raises(IntegrityError):
        open_index(path, KEY)


def test_a_pickle_is_not_an_index(tmp_path: Path) -> None:
    path = tmp_path / "index-x.tlidx"
    path.write_bytes(b"\x80\x04" + bytes(len(HEADER) + MAC_BYTES + 100))
    with pytest.raises(IntegrityError, match="header"):
        open_index(path, KEY)


@pytest.fixture(scope="module")
def small(cases: list[Case]) -> Screener:
    return Screener(unique_targets(cases)[:400])


def test_mapped_screener_answers_as_the_built_one(small: Screener, cases: list[Case], tmp_path: Path) -> None:
    arrays, meta = small.arrays()
    path = tmp_path / "index-s.tlidx"
    write_index(path, KEY, arrays, {"index_format": 1, "snapshots": {}, "meta": meta})
    mapped = load_index(path, KEY, {"index_format": 1, "snapshots": {}})
    queries = [c.query for c in cases[:150]] + [ScreeningQuery.build(small.names[i].text) for i in range(0, 400, 7)]
    assert [r.to_dict() for r in mapped.screen_many(queries)] == [r.to_dict() for r in small.screen_many(queries)]
    with pytest.raises(IntegrityError, match="other lists"):
        load_index(path, KEY, {"index_format": 1, "snapshots": {"us_ofac_sdn": 3}})


def test_decoded_names_are_what_the_normaliser_makes(small: Screener) -> None:
    # independent reference: normalise every stored name again and compare field by field
    for i in range(len(small.names)):
        name = small.names[i]
        entity = small.entities[name.entity_no]
        assert name.form == small.normaliser.form(name.text, person=entity.person), name.text
    for i in range(len(small.table.tokens)):
        token = small.table.tokens[i]
        assert small.table.vocab.get(token) == i
        assert token == small.normaliser.token(token.text, dotted=token.dotted)
