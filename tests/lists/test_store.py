"""The store's read API (what screening and `lists diff` use), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.lists.conftest import V1, V2, parsed, spec
from tripline.errors import NotFoundError
from tripline.lists import store
from tripline.lists.formats import ListFormat
from tripline.lists.service import load_files
from tripline.lists.store import StoredEntity
from tripline.store.db import Database


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_diff_names_added_removed_changed_and_fields(any_db: Database, formats: dict[str, ListFormat]) -> None:
    load_files(any_db, spec(), [V1], formats=formats)
    load_files(any_db, spec(), [V2], formats=formats)
    old, new = parsed(V1), parsed(V2)
    with any_db.transaction() as s:
        diff = store.resolve_diff(s, "partner_inksna")
        first = store.resolve_diff(s, "partner_inksna", to_version=1)
    assert (diff.from_snapshot and diff.from_snapshot.version, diff.to_snapshot.version) == (1, 2)
    assert [e.entity_id for e in diff.added] == sorted(set(new) - set(old))
    assert [e.entity_id for e in diff.removed] == sorted(set(old) - set(new))
    expected_changed = sorted(k for k in set(old) & set(new) if old[k] != new[k])
    assert [c.entity_id for c in diff.changed] == expected_changed
    for change in diff.changed:
        before = old[change.entity_id]["properties"]
        after = new[change.entity_id]["properties"]
        assert isinstance(before, dict) and isinstance(after, dict)
        assert [f.field for f in change.fields] == sorted(
            k for k in set(before) | set(after) if before.get(k) != after.get(k)
        )
        for f in change.fields:
            assert set(f.added) == set(after.get(f.field, [])) - set(before.get(f.field, []))
            assert set(f.removed) == set(before.get(f.field, [])) - set(after.get(f.field, []))
    # the first version diffs against nothing: everything is added
    assert first.from_snapshot is None and len(first.added) == len(old) and not first.removed
    payload = diff.to_dict()
    assert json.loads(json.dumps(payload)) == payload


def test_diff_errors_name_what_is_missing(any_db: Database, formats: dict[str, ListFormat]) -> None:
    with any_db.transaction() as s, pytest.raises(NotFoundError, match="no list"):
        store.resolve_diff(s, "partner_inksna")
    load_files(any_db, spec(), [V1], formats=formats)
    with any_db.transaction() as s, pytest.raises(NotFoundError, match="no version 7"):
        store.resolve_diff(s, "partner_inksna", from_version=7)


def test_changes_since_for_rescreen(any_db: Database, formats: dict[str, ListFormat]) -> None:
    load_files(any_db, spec(), [V1], formats=formats)
    with any_db.transaction() as s:
        seen = store.latest_snapshots(s)
        nothing = store.changes_since(s, seen)
        everything = store.changes_since(s, {})
    assert nothing.changed == [] and nothing.removed == [] and nothing.snapshots == seen
    assert sorted(e.entity_id for e in everything.changed) == sorted(parsed(V1))

    load_files(any_db, spec(), [V2], formats=formats)
    load_files(any_db, spec("partner_copy"), [V1], formats=formats)
    old, new = parsed(V1), parsed(V2)
    with any_db.transaction() as s:
        since = store.changes_since(s, seen)
        latest = store.latest_snapshots(s)
    assert since.snapshots == latest and set(latest) == {"partner_inksna", "partner_copy"}
    changed = {(e.source_id, e.entity_id) for e in since.changed}
    expected = {("partner_inksna", k) for k in new if old.get(k) != new[k]}
    expected |= {("partner_copy", k) for k in old}  # a new source: all its entities are new
    assert changed == expected
    assert {(r.source_id, r.entity_id) for r in since.removed} == {("partner_inksna", k) for k in set(old) - set(new)}
    for e in since.changed:
        assert e.snapshot_id == latest[e.source_id]
        assert e.to_proxy().to_dict() == (new if e.source_id == "partner_inksna" else old)[e.entity_id]


def test_current_entities_and_get_entity(any_db: Database, formats: dict[str, ListFormat]) -> None:
    load_files(any_db, spec(), [V1], formats=formats)
    load_files(any_db, spec("partner_copy"), [V1], formats=formats)
    load_files(any_db, spec(), [V2], formats=formats)
    with any_db.transaction() as s:
        only_copy = list(store.current_entities(s, ["partner_copy", "not_loaded"]))
        both = list(store.current_entities(s))
        hits = store.get_entity(s, "inksna-2")
        gone = store.get_entity(s, "inksna-1", "partner_inksna")
        unknown = store.get_entity(s, "inksna-2", "not_loaded")
    assert {e.entity_id for e in only_copy} == set(parsed(V1))
    assert len(both) == len(parsed(V1)) + len(parsed(V2))
    assert [h.source_id for h in hits] == ["partner_copy", "partner_inksna"]
    assert hits[0].properties != hits[1].properties  # v2 gave inksna-2 an extra alias
    assert gone == [] and unknown == []


def test_show_summaries(any_db: Database, formats: dict[str, ListFormat]) -> None:
    load_files(any_db, spec(), [V1], formats=formats)
    load_files(any_db, spec(), [V2], formats=formats)
    with any_db.transaction() as s:
        (summary,) = store.source_summaries(s)
    assert summary.id == "partner_inksna" and summary.versions == 2 and summary.licence == "CC BY-NC 4.0"
    assert summary.latest is not None and summary.latest.entity_count == len(_lines(V2))
    (file,) = summary.latest.files
    assert file["name"] == V2.name and file["bytes"] == V2.stat().st_size
    import hashlib

    assert file["sha256"] == hashlib.sha256(V2.read_bytes()).hexdigest()


_values = st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4, unique=True)
_props = st.dictionaries(st.sampled_from(["name", "alias", "country", "notes"]), _values, min_size=1)


@given(props=_props, data=st.data())
@settings(max_examples=200)
def test_content_hash_ignores_value_order_but_not_values(props: dict[str, list[str]], data: st.DataObject) -> None:
    base = StoredEntity.build("e1", "Person", "x", props, "1", ("P1", "P2"))
    shuffled = {k: data.draw(st.permutations(v)) for k, v in reversed(list(props.items()))}
    assert StoredEntity.build("e1", "Person", "x", shuffled, "1", ("P2", "P1")).content_sha256 == base.content_sha256
    key = data.draw(st.sampled_from(sorted(props)))
    extra = data.draw(st.text(min_size=1, max_size=8).filter(lambda v: v not in props[key]))
    changed = {**props, key: [*props[key], extra]}
    assert StoredEntity.build("e1", "Person", "x", changed, "1", ("P1", "P2")).content_sha256 != base.content_sha256
    assert StoredEntity.build("e1", "Company", "x", props, "1", ("P1", "P2")).content_sha256 != base.content_sha256
    assert StoredEntity.build("e1", "Person", "x", props, "1", ("P1",)).content_sha256 != base.content_sha256
