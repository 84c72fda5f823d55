"""Hash chain over audit entries, and its verification.

``entry_hash = SHA-256(prev_hash || canonical_json({ts, kind, actor, subject, detail}))``; the
first entry links to 64 zeros. The sequence number is *not* hashed, so a moved entry still
verifies on its own and is reported as reordered (its link points at another entry), while
an edited one fails its own hash. A signed head (size, hash of the last entry) catches the
removal of the newest entries and a rewritten chain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tripline.signing.canonical import canonical_bytes

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    ts: str
    kind: str
    actor: str
    subject: str
    detail: dict[str, Any]
    prev_hash: str
    entry_hash: str

    def content(self) -> dict[str, Any]:
        return {"ts": self.ts, "kind": self.kind, "actor": self.actor, "subject": self.subject, "detail": self.detail}


def link(prev_hash: str, content: dict[str, Any]) -> str:
    digest = hashlib.sha256(bytes.fromhex(prev_hash))
    digest.update(canonical_bytes(content))
    return digest.hexdigest()


@dataclass(frozen=True)
class Head:
    """A signed statement: the log had ``size`` entries and its last entry hash was ``root``."""

    size: int
    root: str
    signed_at: str
    public_key: str
    signature: str

    def signed_content(self) -> dict[str, Any]:
        return {"size": self.size, "root": self.root, "signed_at": self.signed_at, "public_key": self.public_key}


class ProblemKind(StrEnum):
    EDITED = "edited"
    REMOVED = "removed"
    REORDERED = "reordered"
    HEAD = "head"


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: ProblemKind
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind.value, "message": self.message}


@dataclass
class Report:
    entries: int = 0
    heads_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "heads_checked": self.heads_checked,
            "problems": [p.to_dict() for p in self.problems],
        }


def verify_entries(
    entries: Callable[[], Iterable[Entry]], wanted: Collection[int] = (), report: Report | None = None
) -> tuple[Report, dict[int, str]]:
    """Walk the entries in sequence order; return the report and the stored hashes at ``wanted`` seqs.

    ``entries`` is called once, and a second time only when some entry links to the wrong
    predecessor (to find which entry it was written after), so memory stays flat.
    """
    report = report or Report()
    found: dict[int, str] = {}
    pending: list[tuple[int, str]] = []  # (seq, the prev_hash it claims)
    expected_seq = 1
    expected_prev = GENESIS
    for entry in entries():
        report.entries += 1
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                gone = (
                    f"entry {expected_seq}"
                    if entry.seq == expected_seq + 1
                    else f"entries {expected_seq}-{entry.seq - 1}"
                )
                report.problems.append(
                    Problem(expected_seq, ProblemKind.REMOVED, f"{gone} removed (the log jumps to entry {entry.seq})")
                )
            else:
                report.problems.append(Problem(entry.seq, ProblemKind.REORDERED, f"entry {entry.seq} appears twice"))
        if link(entry.prev_hash, entry.content()) != entry.entry_hash:
            report.problems.append(
                Problem(entry.seq, ProblemKind.EDITED, f"entry {entry.seq} edited: its content does not match its hash")
            )
        elif entry.prev_hash != expected_prev and entry.seq == expected_seq:
            pending.append((entry.seq, entry.prev_hash))
        if entry.seq in wanted:
            found[entry.seq] = entry.entry_hash
        expected_seq = entry.seq + 1
        expected_prev = entry.entry_hash
    if pending:
        claims = {claimed for _, claimed in pending}
        owner = {e.entry_hash: e.seq for e in entries() if e.entry_hash in claims}
        for seq, claimed in pending:
            report.problems.append(_misplaced(seq, claimed, owner))
    report.problems.sort(key=lambda p: p.seq)
    return report, found


def _misplaced(seq: int, claimed: str, owner: dict[str, int]) -> Problem:
    if claimed in owner:
        return Problem(
            seq,
            ProblemKind.REORDERED,
            f"entry {seq} reordered: it was written after the entry now at {owner[claimed]}, not after {seq - 1}",
        )
    if claimed == GENESIS:
        return Problem(seq, ProblemKind.REORDERED, f"entry {seq} reordered: it was written as the first entry")
    return Problem(
        seq - 1,
        ProblemKind.EDITED,
        f"entry {seq} does not follow entry {seq - 1}: entry {seq - 1} was edited and re-hashed, "
        f"or an entry before {seq} was removed and the rest renumbered",
    )


def check_head(head: Head, found: dict[int, str], entries: int, report: Report) -> None:
    """Compare a (signature-checked) head with the chain as stored."""
    report.heads_checked += 1
    if head.size > entries and head.size not in found:
        report.problems.append(
            Problem(
                entries + 1,
                ProblemKind.REMOVED,
                f"entries after {entries} removed: the head signed at {head.signed_at} covers {head.size} entries",
            )
        )
    elif head.size and found.get(head.size) != head.root:
        report.problems.append(
            Problem(
                head.size,
                ProblemKind.HEAD,
                f"the chain up to entry {head.size} differs from the head signed at {head.signed_at} "
                "(entries were rewritten)",
            )
        )
