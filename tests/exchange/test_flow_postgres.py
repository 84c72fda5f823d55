"""The exchange flow tests of ``test_flow.py`` again, every node's database on PostgreSQL (one
fresh database per node). The test functions are the same objects; only ``network`` differs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import fresh_postgres_database
from tests.exchange.conftest import Network
from tests.exchange.test_flow import (  # noqa: F401  (collected again here, over PostgreSQL)
    test_consent_refused_keeps_it_held,
    test_delivery_gives_up_after_max_attempts,
    test_envelopes_are_authenticated,
    test_exporter_release_held_until_originator_consents,
    test_group_circulation_tracks_acknowledgements_answers_and_deadlines,
    test_library_entry_points_for_radiation_and_console,
    test_receiver_refuses_what_its_agreements_do_not_cover,
    test_reciprocity_holds_release_until_equivalent_information_returns,
    test_redelivery_is_idempotent_and_changed_content_conflicts,
    test_retry_with_backoff_then_delivery,
    test_scan_result_released_for_covered_purpose_only,
)
from tripline.settings import Settings
from tripline.store.db import Database


@pytest.fixture
def network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Network]:
    """The in-process network, each node opening a fresh PostgreSQL database instead of SQLite."""
    with ExitStack() as databases:

        def on_postgres(cls: type[Database], settings: Settings) -> Database:
            del settings
            return cls.from_url(databases.enter_context(fresh_postgres_database()))

        monkeypatch.setattr(Database, "from_settings", classmethod(on_postgres))
        net = Network(tmp_path)
        try:
            yield net
        finally:
            net.close()
            monkeypatch.undo()


def test_the_nodes_are_on_postgresql(network: Network) -> None:
    node = network.add("us-cbp")
    assert node.db.dialect == "postgresql"
