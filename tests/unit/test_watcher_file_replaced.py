"""A file put in place of the one a console watches (`warroom restore --force`, a
litestream restore: `os.replace` of a restored copy) is read whole: the watcher's
connection stayed on the old file, and the console showed it until restarted."""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import pytest

from tests.watching import WAIT, next_snapshot
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.service import WarRoom
from warroom.tui.messages import Snapshot
from warroom.tui.watcher import DatabaseWatcher


def entries(snapshot: Snapshot) -> list[str]:
    return [] if snapshot.selection is None else [e.text for e in snapshot.selection.entries]


@pytest.mark.parametrize("hear_writes", [True, False], ids=["heard", "polled"])
def test_a_file_put_in_place_under_a_running_watcher_is_read_whole(
    db_path: Path, clock: FrozenClock, policy: Policy, hear_writes: bool
) -> None:
    old_db = store.connect(db_path)
    room = WarRoom(old_db, clock, Actor("Bo", "bo"), policy)
    room.log(room.declare("Old incident", "P1"), "old note")
    restored = db_path.with_name("restored.db")
    new_db = store.connect(restored)
    other = WarRoom(new_db, clock, Actor("Al", "al"), policy)
    other.log(other.declare("Restored one", "P2"), "restored note")
    other.declare("Restored two", "P3")
    new_db.conn.close()  # a finished copy, as a restore leaves it
    posted: queue.Queue[object] = queue.Queue()
    watcher = DatabaseWatcher(db_path, posted.put, policy, hear_writes=hear_writes)
    watcher.take(1)
    worker = threading.Thread(target=watcher.run, daemon=True)
    worker.start()
    try:
        next_snapshot(posted, lambda s: "old note" in entries(s))
        old_db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        old_db.conn.close()
        os.replace(restored, db_path)
        shown = next_snapshot(posted, lambda s: "restored note" in entries(s))
        assert shown.selection is not None
        assert shown.selection.incident.title == "Restored one"
        assert shown.selection.reset  # read whole: nothing of the old file's timeline kept
        assert entries(shown)[-1] == "restored note" and "old note" not in entries(shown)
        assert [i.title for i in shown.incidents] == ["Restored one", "Restored two"]
    finally:
        watcher.stop()
        worker.join(WAIT)
    assert not worker.is_alive()
