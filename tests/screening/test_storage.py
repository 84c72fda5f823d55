"""Decisions and counterparties on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tripline.errors import ConflictError, InputError
from tripline.lists.model import ListedEntity
from tripline.screening.counterparties import add_counterparty, list_counterparties
from tripline.screening.decisions import Verdict, attach_decisions, record_decision
from tripline.screening.normalize import Normaliser
from tripline.screening.result import ScreeningQuery
from tripline.screening.screener import Screener
from tripline.store.db import Database


def test_decision_is_shown_on_later_screenings(any_db: Database) -> None:
    normaliser = Normaliser()
    screener = Screener(
        [
            ListedEntity(
                "sbig",
                "t",
                "1",
                "Organization",
                "Shahid Bakeri Industrial Group",
                {"name": ["Shahid Bakeri Industrial Group"]},
                1,
            )
        ],
        normaliser=normaliser,
    )
    with any_db.transaction() as session:
        record_decision(session, normaliser, query_name="Shahid Bakeri Industrial Group Ltd", entity_id="sbig",
                        verdict=Verdict.FALSE_POSITIVE, reason="different company", decided_by="analyst-1",
                        now=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
        record_decision(session, normaliser, query_name="SHAHID BAKERI INDUSTRIAL GROUP", entity_id="sbig",
                        verdict=Verdict.CONFIRMED, reason="same address", decided_by="analyst-2",
                        now=datetime(2026, 2, 1, tzinfo=UTC))  # fmt: skip
    result = screener.screen(ScreeningQuery.build("Shahid Bakeri Industrial Group LLC"))
    with any_db.transaction() as session:
        shown = attach_decisions(session, normaliser, result)
    decision = shown.matches[0].decision
    assert decision is not None
    assert decision["verdict"] == "confirmed" and decision["decided_by"] == "analyst-2"
    assert shown.to_dict()["matches"][0]["decision"]["reason"] == "same address"


def test_decision_needs_reason_and_author(any_db: Database) -> None:
    with any_db.transaction() as session, pytest.raises(InputError) as err:
        record_decision(session, Normaliser(), query_name="x", entity_id="e", verdict=Verdict.CONFIRMED,
                        reason=" ", decided_by="a")  # fmt: skip
    assert err.value.field == "reason"
    with pytest.raises(InputError):
        Verdict.parse("maybe")
    assert Verdict.parse("false-positive") is Verdict.FALSE_POSITIVE


def test_counterparties_are_stored_once(any_db: Database) -> None:
    with any_db.transaction() as session:
        add_counterparty(session, ref="C-1", name="Acme Trading", country="DE")
    with any_db.transaction() as session, pytest.raises(ConflictError):
        add_counterparty(session, ref="C-1", name="Other")
    with any_db.transaction() as session:
        rows = list_counterparties(session)
    assert [(r["ref"], r["country"], r["hits"]) for r in rows] == [("C-1", "de", [])]
