"""Six consoles logging into one incident at once lose nothing and reorder nothing.

Each writer is its own process on its own connection, logging through the
service layer; a seventh process reads the timeline throughout, as an open
console does. The long run (6 x 1,000) is in the slow suite (`pytest -m slow`).
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.durability.helpers import (
    check_database,
    finish,
    found_by_search,
    reported,
    spawn,
    stored,
    wait_until,
)
from tests.durability.writer import entry_text
from warroom import store
from warroom.clock import SystemClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries


def _declare(db_path: Path) -> int:
    database = store.connect(db_path)
    try:
        room = WarRoom(database, SystemClock(), Actor("Ana", "ana"), load_policy())
        return room.declare("Many scribes", "P1", "availability")
    finally:
        database.conn.close()


def _run_writers(tmp_path: Path, writers: int, count: int) -> None:
    db_path = tmp_path / "shared.db"
    incident_id = _declare(db_path)
    gate, stop = tmp_path / "go", tmp_path / "stop"
    tags = [f"w{n}" for n in range(writers)]
    reports = {tag: tmp_path / f"{tag}.txt" for tag in tags}
    logging = [
        spawn("log", db_path, reports[tag], tag=tag, count=count, incident=incident_id, gate=gate)
        for tag in tags
    ]
    reads = tmp_path / "reads.txt"
    reader = spawn("read", db_path, reads, incident=incident_id, gate=gate, stop=stop)
    wait_until(
        lambda: all(r.exists() for r in [*reports.values(), reads]), "every process opened the db"
    )
    gate.touch()
    for process in logging:
        finish(process)
    stop.touch()
    finish(reader)

    assert int(reads.read_text()) > 0
    by_tag = stored(db_path, incident_id)
    assert sorted(by_tag) == tags
    for tag in tags:
        commits = reported(reports[tag])
        assert [c.seq for c in commits] == list(range(count)), f"{tag} did not report every commit"
        # every reported commit is there once, in the order written, and nothing else is
        assert by_tag[tag] == commits, f"{tag}'s entries differ from what it committed"
        ids = [c.entry_id for c in commits]
        assert ids == sorted(ids) and len(set(ids)) == count
        assert found_by_search(db_path, incident_id, tag) == ids
    in_commit_order = [tag for _, tag in sorted((c.entry_id, t) for t in tags for c in by_tag[t])]
    switches = sum(a != b for a, b in itertools.pairwise(in_commit_order))
    # one after another would change writer only `writers - 1` times
    assert switches > writers, "the writers never overlapped: nothing concurrent was tested"
    database = store.connect(db_path, create=False)
    assert queries.timeline_count(database, incident_id) == 1 + writers * count  # + declared
    database.conn.close()
    check_database(db_path)


def test_six_writers_each_write_a_hundred(tmp_path: Path) -> None:
    _run_writers(tmp_path, writers=6, count=100)


@pytest.mark.slow
def test_six_writers_each_write_a_thousand(tmp_path: Path) -> None:
    _run_writers(tmp_path, writers=6, count=1000)


def test_scribes_using_the_cli_at_once_lose_nothing(tmp_path: Path) -> None:
    """The real `warroom log`, three shells each logging five entries in a loop."""
    db_path = tmp_path / "cli.db"
    incident_id = _declare(db_path)
    env = {**os.environ, "WARROOM_DB": str(db_path)}
    warroom = Path(sys.executable).with_name("warroom")
    command = str(warroom) if warroom.is_file() else "warroom"
    loop = (
        'for n in $(seq 0 4); do text=$(printf "%s #%04d" "$1" "$n");'
        ' "$2" --as "$1" log "$3" "$text" || exit 1; done'
    )
    shells = [
        subprocess.Popen(
            ["sh", "-c", loop, "sh", f"c{n}", command, str(incident_id)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    for shell in shells:
        finish(shell)
    by_tag = stored(db_path, incident_id)
    for n in range(3):
        texts = [entry_text(f"c{n}", c.seq) for c in by_tag[f"c{n}"]]
        assert texts == [entry_text(f"c{n}", seq) for seq in range(5)]
    check_database(db_path)


def test_the_database_check_notices_a_search_index_out_of_step(tmp_path: Path) -> None:
    db_path = tmp_path / "broken.db"
    incident_id = _declare(db_path)
    check_database(db_path)
    assert len(found_by_search(db_path, incident_id, "scribes")) == 1
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DELETE FROM timeline_fts WHERE rowid = (SELECT max(id) FROM timeline)")
    conn.close()
    assert found_by_search(db_path, incident_id, "scribes") == []
    with pytest.raises(AssertionError, match="out of step"):
        check_database(db_path)
