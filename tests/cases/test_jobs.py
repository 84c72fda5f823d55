"""The stored status of the console's background jobs, on SQLite and PostgreSQL: each change of
state is kept, one transaction each, and a running job whose process is gone reads as interrupted
(a process with the same id but another token, as after a container restart; a process id on this
host that no longer runs), while a live process's job, here or on another host, reads as running."""

from __future__ import annotations

import subprocess
import sys

from tripline.cases.jobs import JobKind, JobState, Owner, job_status, record_end, record_start
from tripline.store.db import Database


def test_states_survive_a_new_reader(any_db: Database) -> None:
    first = Owner.this_process()
    record_start(any_db, first, "JP-CUSTOMS", JobKind.UPLOAD, "m1", name="arrivals.csv", stage="checking the rows")
    running = job_status(any_db, first, "JP-CUSTOMS", JobKind.UPLOAD, "m1")
    assert running is not None and running.state is JobState.RUNNING and running.name == "arrivals.csv"
    assert running.stage == "checking the rows" and running.error is None
    # the same process id with another token: the server restarted (e.g. pid 1 of a container)
    restarted = Owner.this_process()
    assert restarted.pid == first.pid and restarted.token != first.token
    seen = job_status(any_db, restarted, "JP-CUSTOMS", JobKind.UPLOAD, "m1")
    assert seen is not None and seen.state is JobState.INTERRUPTED
    # another authority sees nothing; another kind of job of the same manifest is another row
    assert job_status(any_db, restarted, "US-CBP", JobKind.UPLOAD, "m1") is None
    assert job_status(any_db, restarted, "JP-CUSTOMS", JobKind.QUEUE, "m1") is None

    record_end(any_db, "JP-CUSTOMS", JobKind.UPLOAD, "m1", stage="stored", done=40, total=40)
    done = job_status(any_db, restarted, "JP-CUSTOMS", JobKind.UPLOAD, "m1")
    assert done is not None and done.state is JobState.FINISHED and (done.done, done.total) == (40, 40)
    assert done.seconds >= 0

    record_start(any_db, restarted, "JP-CUSTOMS", JobKind.QUEUE, "m1", stage="scoring")
    record_end(any_db, "JP-CUSTOMS", JobKind.QUEUE, "m1", stage="scoring", error="no shipment has a party")
    failed = job_status(any_db, first, "JP-CUSTOMS", JobKind.QUEUE, "m1")
    assert failed is not None and failed.state is JobState.FAILED and failed.error == "no shipment has a party"
    # starting again clears the error
    record_start(any_db, restarted, "JP-CUSTOMS", JobKind.QUEUE, "m1", stage="scoring")
    again = job_status(any_db, restarted, "JP-CUSTOMS", JobKind.QUEUE, "m1")
    assert again is not None and again.state is JobState.RUNNING and again.error is None


def test_an_ended_process_interrupts_its_job_a_live_one_does_not(any_db: Database) -> None:
    me = Owner.this_process()
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    gone = Owner(me.host, int(ended.stdout), "0123456789abcdef")
    record_start(any_db, gone, "JP-CUSTOMS", JobKind.UPLOAD, "gone")
    seen = job_status(any_db, me, "JP-CUSTOMS", JobKind.UPLOAD, "gone")
    assert seen is not None and seen.state is JobState.INTERRUPTED
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as alive:
        try:
            record_start(any_db, Owner(me.host, alive.pid, "fedcba9876543210"), "JP-CUSTOMS", JobKind.UPLOAD, "live")
            live = job_status(any_db, me, "JP-CUSTOMS", JobKind.UPLOAD, "live")
            assert live is not None and live.state is JobState.RUNNING
        finally:
            alive.kill()
    record_start(any_db, Owner("another-host", me.pid, me.token), "JP-CUSTOMS", JobKind.UPLOAD, "far")
    far = job_status(any_db, me, "JP-CUSTOMS", JobKind.UPLOAD, "far")
    assert far is not None and far.state is JobState.RUNNING  # nothing to tell from here
    assert Owner.parse(str(me)) == me and Owner.parse("garbage") is None
