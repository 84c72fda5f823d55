"""The status of the console's background jobs, kept in the store: an uploaded manifest being
stored, a manifest's queue being scored. The live share done is followed in the memory of the
process running the job; what is written here is each change of state (started, finished,
failed with its error), each in its own transaction, so that after a restart a page shows what
became of the job instead of forgetting it.

A job the store says is running but whose process is gone was **interrupted**: the process that
reads it is a new one with the same process id (a restarted container), or another process on the
same host that is no longer alive. A job owned by a live process elsewhere is shown as running.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from tripline.auth.service import aware, now
from tripline.cases.models import CaseJob
from tripline.store.db import Database

MAX_STAGE = 200
MAX_ERROR = 2000


class JobKind(StrEnum):
    UPLOAD = "upload"
    QUEUE = "queue"


class JobState(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # read only: a running job whose process is gone


@dataclass(frozen=True)
class Owner:
    """The process running jobs: host, process id, and a token drawn when the process started them."""

    host: str
    pid: int
    token: str

    @classmethod
    def this_process(cls) -> Owner:
        return cls(socket.gethostname()[:64], os.getpid(), secrets.token_hex(8))

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"

    @classmethod
    def parse(cls, text: str) -> Owner | None:
        parts = text.rsplit(":", 2)
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        return cls(parts[0], int(parts[1]), parts[2])

    def sees_gone(self, other: Owner) -> bool:
        """Whether ``other``'s process is known (from this one) to be gone."""
        if other == self:
            return False
        if other.host != self.host:
            return False  # another machine's process: no way to tell from here
        if other.pid == self.pid:
            return True  # this process id with another token: a process before this one
        try:
            os.kill(other.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False  # alive, another user's
        return False


@dataclass(frozen=True)
class JobStatus:
    kind: JobKind
    manifest_id: str
    name: str
    state: JobState
    stage: str
    done: int
    total: int
    error: str | None
    started_at: datetime
    updated_at: datetime

    @property
    def seconds(self) -> float:
        return (self.updated_at - self.started_at).total_seconds()


def record_start(
    db: Database, owner: Owner, authority: str, kind: JobKind, manifest_id: str, *, name: str = "", stage: str = ""
) -> None:
    """A job started (again): one row per authority, kind and manifest, in one transaction."""
    at = now()
    with db.transaction() as session:
        row = session.scalar(
            select(CaseJob).where(
                CaseJob.authority == authority, CaseJob.kind == kind.value, CaseJob.manifest_id == manifest_id
            )
        )
        if row is None:
            row = CaseJob(authority=authority, kind=kind.value, manifest_id=manifest_id)
            session.add(row)
        row.name = name[:200]
        row.state = JobState.RUNNING.value
        row.stage = stage[:MAX_STAGE]
        row.done = row.total = 0
        row.error = None
        row.owner = str(owner)
        row.started_at = row.updated_at = at


def record_end(
    db: Database,
    authority: str,
    kind: JobKind,
    manifest_id: str,
    *,
    stage: str,
    done: int = 0,
    total: int = 0,
    error: str | None = None,
) -> None:
    """A job finished, or failed with ``error``; one transaction. A job never started is not recorded."""
    with db.transaction() as session:
        row = session.scalar(
            select(CaseJob).where(
                CaseJob.authority == authority, CaseJob.kind == kind.value, CaseJob.manifest_id == manifest_id
            )
        )
        if row is None:
            return
        row.state = (JobState.FAILED if error is not None else JobState.FINISHED).value
        row.stage = stage[:MAX_STAGE]
        row.done, row.total = done, total
        row.error = error[:MAX_ERROR] if error is not None else None
        row.updated_at = now()


def job_status(db: Database, reader: Owner, authority: str, kind: JobKind, manifest_id: str) -> JobStatus | None:
    """The stored state of that authority's job, as ``reader`` (this process) sees it: a running job
    whose process is gone is ``INTERRUPTED``."""
    with db.transaction() as session:
        row = session.scalar(
            select(CaseJob).where(
                CaseJob.authority == authority, CaseJob.kind == kind.value, CaseJob.manifest_id == manifest_id
            )
        )
        if row is None:
            return None
        state = JobState(row.state)
        owner = Owner.parse(row.owner)
        if state is JobState.RUNNING and (owner is None or reader.sees_gone(owner)):
            state = JobState.INTERRUPTED
        return JobStatus(
            JobKind(row.kind), row.manifest_id, row.name, state, row.stage, row.done, row.total, row.error,
            aware(row.started_at), aware(row.updated_at),
        )  # fmt: skip
