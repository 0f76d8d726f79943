"""A console killed with SIGKILL at any moment leaves a sound database.

Every commit the writer was told had returned is still there; at most the one
in flight when it died is there unreported; nothing is half-written, and the
next console opens the file and writes on. The long run (50 kills) is in the
slow suite (`pytest -m slow`).
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.durability.helpers import (
    HANG,
    check_database,
    finish,
    found_by_search,
    reported,
    spawn,
    stored,
    wait_until,
)
from warroom import store
from warroom.clock import SystemClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries

FOREVER = 10_000_000  # entries: the writer is killed long before it finishes


def _kill_after(process: subprocess.Popen[str], delay: float, *, may_finish: bool) -> None:
    """SIGKILL at `delay` seconds, unless it finished cleanly first (and `may_finish`)."""
    try:
        _, stderr = process.communicate(timeout=delay)
    except subprocess.TimeoutExpired:
        process.kill()  # (a no-op if it has just finished by itself)
        _, stderr = process.communicate(timeout=HANG)
        finished = may_finish and process.returncode == 0
        assert process.returncode == -signal.SIGKILL or finished, stderr
    else:
        assert may_finish, f"the writer stopped before it was killed:\n{stderr}"
        assert process.returncode == 0 and stderr == "", stderr


def _kill_a_writer_again_and_again(tmp_path: Path, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    db_path = tmp_path / "killed.db"
    database = store.connect(db_path)
    room = WarRoom(database, SystemClock(), Actor("Ana", "ana"), load_policy())
    incident_id = room.declare("Scribe keeps crashing", "P1", "availability")
    database.conn.close()

    tags = [f"r{n:02d}" for n in range(kills)]
    for n, tag in enumerate(tags):
        report = tmp_path / f"{tag}.txt"
        writer = spawn("log", db_path, report, tag=tag, count=FOREVER, incident=incident_id)
        if n == len(tags) - 1:  # the last one is killed mid-stream, however slow the machine
            wait_until(lambda r=report: len(reported(r)) > 0, f"writer {tag} reported a commit")
            _kill_after(writer, rng.uniform(0.0, 0.2), may_finish=False)
        else:  # from interpreter start-up (nothing written yet) to mid-stream
            _kill_after(writer, rng.uniform(0.05, 1.0), may_finish=False)
    # after all that, a console opens the file and writes as if nothing happened
    finish(
        spawn("log", db_path, tmp_path / "after.txt", tag="after", count=20, incident=incident_id)
    )

    by_tag = stored(db_path, incident_id)
    written = 0
    for tag in tags:
        commits = reported(tmp_path / f"{tag}.txt")
        kept = by_tag.get(tag, [])
        context = f"round {tag} (seed {seed}): reported {len(commits)}, stored {len(kept)}"
        # what the writer reported is there, once, in order, with the ids it was given ...
        assert kept[: len(commits)] == commits, context
        # ... and at most the one commit it had no time to report is there besides
        assert len(kept) - len(commits) in (0, 1), context
        assert [c.seq for c in kept] == list(range(len(kept))), context
        assert found_by_search(db_path, incident_id, tag) == [c.entry_id for c in kept], context
        written += len(kept)
    assert [c.seq for c in by_tag["after"]] == list(range(20))
    assert written > 0, "no writer lived long enough to write: the test proved nothing"
    database = store.connect(db_path, create=False)
    assert queries.timeline_count(database, incident_id) == 1 + written + 20
    database.conn.close()
    check_database(db_path)


def test_a_writer_killed_five_times_loses_no_reported_commit(tmp_path: Path) -> None:
    _kill_a_writer_again_and_again(tmp_path, kills=5, seed=time.time_ns())


@pytest.mark.slow
def test_a_writer_killed_fifty_times_loses_no_reported_commit(tmp_path: Path) -> None:
    _kill_a_writer_again_and_again(tmp_path, kills=50, seed=time.time_ns())


def _kill_while_creating(tmp_path: Path, rounds: int, seed: int) -> None:
    """Killed while it creates and migrates a brand new file: the next console still opens it."""
    rng = random.Random(seed)
    for n in range(rounds):
        db_path = tmp_path / f"fresh{n}.db"
        report, gate = tmp_path / f"fresh{n}.txt", tmp_path / f"go{n}"
        opener = spawn("declare", db_path, report, tag=f"o{n}", gate=gate)
        wait_until(report.exists, "the console started")
        gate.touch()
        # creating and migrating the file takes some 30 ms: kill before, during or after it
        _kill_after(opener, rng.uniform(0.0, 0.08), may_finish=True)
        database = store.connect(db_path)
        room = WarRoom(database, SystemClock(), Actor("Ana", "ana"), load_policy())
        incident_id = room.declare("After the crash", "P2", "availability")
        assert queries.incident(database, incident_id).title == "After the crash"
        database.conn.close()
        check_database(db_path)


def test_a_console_killed_while_creating_the_file(tmp_path: Path) -> None:
    _kill_while_creating(tmp_path, rounds=5, seed=time.time_ns())


@pytest.mark.slow
def test_a_console_killed_while_creating_the_file_many_times(tmp_path: Path) -> None:
    _kill_while_creating(tmp_path, rounds=40, seed=time.time_ns())
