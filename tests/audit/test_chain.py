"""The hash chain on its own: any single edit, removal or swap is found and named."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tripline.audit.chain import GENESIS, Entry, Head, ProblemKind, Report, check_head, link, verify_entries


def build(n: int) -> list[Entry]:
    out: list[Entry] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        content = {
            "ts": f"2026-11-25T10:{seq % 60:02d}:00Z",
            "kind": "release.allowed",
            "actor": "jp-customs",
            "subject": f"doc-{seq}",
            "detail": {"n": seq, "to": "us-cbp"},
        }
        entry = Entry(seq=seq, prev_hash=prev, entry_hash=link(prev, content), **content)  # type: ignore[arg-type]
        out.append(entry)
        prev = entry.entry_hash
    return out


def verify(entries: list[Entry], head: Head | None = None) -> Report:
    wanted = {head.size} if head else set()
    report, found = verify_entries(lambda: iter(entries), wanted)
    if head:
        check_head(head, found, report.entries, report)
    return report


def replace(entry: Entry, **changes: Any) -> Entry:
    return dataclasses.replace(entry, **changes)


def test_intact_chain_verifies() -> None:
    assert verify(build(50)).ok


def test_edited_detail_is_named() -> None:
    log = build(10)
    log[6] = replace(log[6], detail={"n": 7, "to": "somebody else"})
    report = verify(log)
    assert [(p.seq, p.kind) for p in report.problems] == [(7, ProblemKind.EDITED)]


def test_removed_entry_is_named() -> None:
    log = build(10)
    del log[3]
    report = verify(log)
    assert report.problems[0].seq == 4 and report.problems[0].kind == ProblemKind.REMOVED
    assert "entry 4 removed" in report.problems[0].message


def test_swapped_entries_are_reported_as_reordered() -> None:
    log = build(10)
    a, b = log[4], log[5]
    log[4], log[5] = replace(b, seq=5), replace(a, seq=6)
    report = verify(log)
    assert {p.kind for p in report.problems} == {ProblemKind.REORDERED}
    assert {p.seq for p in report.problems} >= {5}


def test_truncation_is_caught_by_the_signed_head() -> None:
    log = build(10)
    head = Head(size=10, root=log[-1].entry_hash, signed_at="t", public_key="k", signature="s")
    report = verify(log[:8], head)
    assert [(p.seq, p.kind) for p in report.problems] == [(9, ProblemKind.REMOVED)]


def test_rewritten_chain_is_caught_by_the_signed_head() -> None:
    log = build(10)
    head = Head(size=10, root=log[-1].entry_hash, signed_at="t", public_key="k", signature="s")
    forged = build(10)
    forged[2] = replace(forged[2], detail={"n": 3, "to": "nobody"})
    prev = forged[1].entry_hash
    for i in range(2, 10):  # an attacker without the key re-hashes everything after the edit
        forged[i] = replace(forged[i], prev_hash=prev, entry_hash=link(prev, forged[i].content()))
        prev = forged[i].entry_hash
    assert verify(forged).ok  # the chain alone cannot tell ...
    report = verify(forged, head)  # ... the signed head can
    assert [p.kind for p in report.problems] == [ProblemKind.HEAD]


Tamper = Callable[[list[Entry], int], list[Entry]]


def _edit(log: list[Entry], i: int) -> list[Entry]:
    log[i] = replace(log[i], subject=log[i].subject + "x")
    return log


def _remove(log: list[Entry], i: int) -> list[Entry]:
    del log[i]
    return log


def _swap(log: list[Entry], i: int) -> list[Entry]:
    j = i + 1 if i + 1 < len(log) else i - 1
    lo, hi = sorted((i, j))
    a, b = log[lo], log[hi]
    log[lo], log[hi] = replace(b, seq=a.seq), replace(a, seq=b.seq)
    return log


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 40), data=st.data(), op=st.sampled_from([_edit, _remove, _swap]))
def test_any_single_tamper_is_found(n: int, data: st.DataObject, op: Tamper) -> None:
    log = build(n)
    head = Head(size=n, root=log[-1].entry_hash, signed_at="t", public_key="k", signature="s")
    i = data.draw(st.integers(0, n - 1))
    report = verify(op(log, i), head)
    assert not report.ok
    touched = {i + 1, i + 2} if op is _swap else {i + 1}
    if op is _swap:
        touched |= {i}  # swapping with the previous entry when i is the last one
    assert any(p.seq in touched for p in report.problems), report.to_dict()
