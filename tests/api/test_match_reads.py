"""Issue 18 (load figures): `/match` reads its answer's listed entities in a fixed number of SQL
statements, however many it returns (before: a latest-snapshot query and a join per entity, which
SQLite's planner ran as a walk over every member of the snapshot, 20-30 ms each)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from tests.api.harness import Node
from tripline.lists.store import current_entities, get_entities, get_entity, latest_snapshots


@contextmanager
def _statements(node: Node) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(node.db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(node.db.engine, "before_cursor_execute", record)


def _match(node: Node, limit: int) -> tuple[int, int]:
    with node.db.transaction() as session:  # eight listed names in one query entity: eight parties found
        names = [e.caption for e in current_entities(session)][:8]
    body = {"queries": {"q": {"schema": "LegalEntity", "properties": {"name": names}}}}
    client = node.client("ana")
    client.post("/match/default", json=body)  # token "last used" written outside the count
    with _statements(node) as seen:
        answer = client.post(f"/match/default?limit={limit}&cutoff=0.0", json=body)
    assert answer.status_code == 200, answer.text
    results = answer.json()["responses"]["q"]["results"]
    assert all(r["properties"].get("name") for r in results)  # the stored entity, not the caption only
    return len(results), len([s for s in seen if "lists_entity" in s or "lists_snapshot" in s])


def test_match_reads_listed_entities_in_a_fixed_number_of_statements(node: Node) -> None:
    one, reads_one = _match(node, 1)
    many, reads_many = _match(node, 20)
    assert one == 1 and many >= 6, (one, many)
    assert reads_many == reads_one, (reads_one, reads_many)


def test_batched_read_equals_the_single_reads(node: Node) -> None:
    with node.db.transaction() as session:
        latest = latest_snapshots(session)
        from sqlalchemy import select

        from tripline.lists.models import ListEntityVersion

        ids = list(session.scalars(select(ListEntityVersion.entity_id).limit(40)))
        batched = get_entities(session, [*ids, "no-such-entity"], latest)
        for entity_id in ids:
            assert batched.get(entity_id, []) == get_entity(session, entity_id)
        assert "no-such-entity" not in batched
