"""The batch speed-ups change nothing: the pruning bound is a true bound, and `screen_many`
(pruned, deduplicated, forked) gives exactly what the plain, unpruned path gave before."""

from __future__ import annotations

import dataclasses

import pytest

from tests.screening.cases import Case
from tripline.screening.batch import screen_local
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD, ScreeningQuery, ScreeningResult
from tripline.screening.screener import Screener


@pytest.fixture(scope="module")
def queries(cases: list[Case]) -> list[ScreeningQuery]:
    """Every case's query, plus each with a country and a birth date added (so the adjustments
    that lift a score past the threshold are exercised), some as a Person's name, and one with its
    list entry's identifier."""
    out = [c.query for c in cases]
    out += [dataclasses.replace(c.query, country=c.query.country or "ir") for c in cases[::3]]
    out += [dataclasses.replace(c.query, birth_date="1970") for c in cases[1::5]]
    # a person's name against every row, also those a list gives no person schema (bounded and
    # scored with the query's person form)
    out += [dataclasses.replace(c.query, schema="Person") for c in cases[2::4]]
    for case in cases:
        ids = case.target.properties.get("registrationNumber") or case.target.properties.get("imoNumber")
        if ids:
            out.append(dataclasses.replace(case.query, identifiers=(ids[0],)))
    return out


def unpruned_screen(screener: Screener, query: ScreeningQuery, threshold: float) -> ScreeningResult:
    """`Screener.screen` as it was before the bound: every candidate name scored in full."""
    best = screener._best_names(query, screener.candidates(query))
    return screener._result(query, best, screener._identifier_hits(query), threshold, DEFAULT_LIMIT)


def test_bound_prunes_most_candidates(screener: Screener, queries: list[ScreeningQuery]) -> None:
    scored = 0
    original = screener.scorer.compare_forms
    counted = 0

    def counting(q, c):  # type: ignore[no-untyped-def]
        nonlocal counted
        counted += 1
        return original(q, c)

    screener.scorer.compare_forms = counting  # type: ignore[method-assign]
    try:
        for query in queries[:200]:
            scored += len(screener.candidates(query))
            screener.screen(query)
    finally:
        del screener.scorer.compare_forms
    assert counted < scored / 2


@pytest.mark.parametrize("threshold", [0.5, DEFAULT_THRESHOLD, 0.8, 0.9])
def test_screen_many_equals_the_unpruned_path(
    screener: Screener, queries: list[ScreeningQuery], threshold: float
) -> None:
    expected = [unpruned_screen(screener, q, threshold).to_dict() for q in queries]
    assert sum(bool(r["matches"]) for r in expected) > 100
    got = [r.to_dict() for r in screener.screen_many(queries, threshold=threshold)]
    assert got == expected


def test_forked_batch_with_duplicates_equals_the_unpruned_path(
    screener: Screener, queries: list[ScreeningQuery], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tripline.screening.screener

    monkeypatch.setattr(tripline.screening.screener, "PARALLEL_MIN", 100)  # fork even for this small batch
    forked = 0
    original = tripline.screening.screener._screen_forked

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal forked
        forked += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(tripline.screening.screener, "_screen_forked", counting)
    batch = queries + queries[:50]  # repeated rows are screened once and answered in place
    expected = [unpruned_screen(screener, q, DEFAULT_THRESHOLD).to_dict() for q in batch]
    got = [r.to_dict() for r in screener.screen_many(batch, workers=2)]
    assert got == expected
    rows = list(screen_local(screener, ((str(i), q) for i, q in enumerate(batch)), workers=2, block=300))
    assert rows == [(str(i), r) for i, r in enumerate(expected)]
    assert forked == 1 + 3  # screen_many once, screen_local once per block of 300 rows (3 blocks)
