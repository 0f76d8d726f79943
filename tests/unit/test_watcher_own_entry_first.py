"""The person's own entry shows before the list read under way is done (issue 12: at
10,000 incidents each commit's list and deadline-board work is 30-70 ms of the
interpreter, and an entry typed waited for the read under way and a whole read more),
and only an entry that cannot move a deadline is hurried so: an acknowledgement shows
with the deadlines worked out from the acknowledged row."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from tests.waits import until
from tests.watching import WAIT, next_snapshot, running
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui import watcher as watcher_module
from warroom.tui.messages import Snapshot
from warroom.tui.watcher import DatabaseWatcher


class ReadHeld(DatabaseWatcher):
    """A list read after start-up stops between its stages, once `hold` is set, until
    the test lets it go on."""

    def __init__(self, path: Path, post: Any, policy: Policy) -> None:
        super().__init__(path, post, policy)
        self.hold = threading.Event()
        self.in_read = threading.Event()
        self.go_on = threading.Event()
        self.looked = threading.Event()
        self.finish = threading.Event()

    def _own_write_first(self, db: sqlite_utils.Database) -> None:
        if not self.hold.is_set():
            super()._own_write_first(db)
            return
        self.hold.clear()
        self.in_read.set()
        self.go_on.wait(WAIT)  # the test writes meanwhile
        super()._own_write_first(db)
        self.looked.set()  # and sees what was posted while the read is still under way
        self.finish.wait(WAIT)


def texts(snapshot: Snapshot) -> list[str]:
    return [] if snapshot.selection is None else [e.text for e in snapshot.selection.entries]


def drained(posted: queue.Queue[object]) -> list[object]:
    found = []
    while not posted.empty():
        found.append(posted.get_nowait())
    return found


def last_posted(posted: queue.Queue[object], last: Snapshot) -> Snapshot:
    """The last snapshot posted so far (the queue emptied)."""
    while not posted.empty():
        message = posted.get_nowait()
        if isinstance(message, Snapshot):
            last = message
    return last


def started(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> tuple[WarRoom, list[int], ReadHeld, queue.Queue[object]]:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    ids = [room.declare("Payments down", "P1"), room.declare("Slow search", "P2")]
    posted: queue.Queue[object] = queue.Queue()
    return room, ids, ReadHeld(db_path, posted.put, policy), posted


def past_start_up(watcher: ReadHeld, posted: queue.Queue[object], first: int) -> Snapshot:
    """Start-up over (the board whole, every incident read), the first row shown."""
    next_snapshot(posted, lambda s: True)
    watcher.take(first, ())
    until(lambda: watcher.whole_list_read, "start-up's reads")
    watcher.poke()  # a read after start-up: the list with its board, the incident shown
    return next_snapshot(posted, lambda s: not s.board_pending and s.board is not None)


def list_read_waiting(
    room: WarRoom, watcher: ReadHeld, posted: queue.Queue[object], first: int, second: int
) -> Snapshot:
    """Start-up over, then another console's note on `second`: a list read begins and
    waits between its stages (the test writes meanwhile). The snapshot before it."""
    before = past_start_up(watcher, posted, first)
    watcher.hold.set()
    room.log(second, "another console's note")
    assert watcher.in_read.wait(WAIT)
    return before


def test_our_entry_shows_before_the_list_read_under_way_and_only_once(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    room, (first, second), watcher, posted = started(db_path, clock, policy)
    with running(watcher, watcher.go_on, watcher.finish):
        before = list_read_waiting(room, watcher, posted, first, second)
        before = last_posted(posted, before)
        room.log(first, "failed over to the replica")  # our own entry, meanwhile
        watcher.poke()
        watcher.go_on.set()
        assert watcher.looked.wait(WAIT)
        during = [m for m in drained(posted) if isinstance(m, Snapshot)]
        # posted while the list read is still under way, with the list and deadlines
        # already drawn
        assert [texts(s) for s in during] == [["failed over to the replica"]]
        served = during[0]
        assert served.incidents is before.incidents and served.board is before.board
        watcher.finish.set()
        room.log(first, "replica healthy")
        watcher.poke()
        later: list[Snapshot] = []
        while "replica healthy" not in texts(later[-1] if later else served):
            later.append(next_snapshot(posted, lambda s: True))
        # the entry shown first is never handed on again, nor lost by the list read
        assert [t for s in later for t in texts(s)] == ["replica healthy"]


def test_an_acknowledgement_shows_with_the_deadlines_of_the_acknowledged_row(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    """A write that can move a deadline is never shown ahead of its deadlines."""
    room, (first, second), watcher, posted = started(db_path, clock, policy)
    with running(watcher, watcher.go_on, watcher.finish):
        list_read_waiting(room, watcher, posted, first, second)
        clock.step(minutes=3)
        room.acknowledge(first)  # ours, meanwhile: the ack deadline is met
        watcher.poke()
        watcher.go_on.set()
        watcher.finish.set()
        acked = next_snapshot(
            posted,
            lambda s: s.selection is not None and s.selection.incident.acknowledged_at is not None,
        )
        assert acked.selection is not None
        prepared = acked.prepared[first]
        assert prepared.incident == acked.selection.incident  # its deadlines, from that row
        assert acked.board is not None and acked.board.kept[first] is prepared


def test_a_write_under_way_is_counted_until_each_is_done(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    _, _, watcher, _ = started(db_path, clock, policy)
    assert not watcher.write_under_way
    watcher.write_asked()
    watcher.write_asked()
    watcher.write_done()
    assert watcher.write_under_way  # the second is still to come
    watcher.write_done()
    assert not watcher.write_under_way
    watcher.write_done()  # one too many (never below none)
    watcher.write_asked()
    assert watcher.write_under_way


def test_a_write_held_up_holds_the_work_up_for_write_wait_seconds_at_most(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write stuck behind another process's lock: the list and board work goes on."""
    monkeypatch.setattr(watcher_module, "WRITE_WAIT_SECONDS", 1e6)
    _, _, watcher, _ = started(db_path, clock, policy)
    now = [1_000.0]
    watcher._monotonic = lambda: now[0]  # noqa: SLF001 - the test steps time
    watcher.write_asked()
    now[0] += 2e6  # longer than WRITE_WAIT_SECONDS since it was asked
    waiting = threading.Thread(target=watcher._let_writes_through, daemon=True)  # noqa: SLF001
    waiting.start()
    waiting.join(WAIT)
    assert not waiting.is_alive() and watcher.write_under_way


def test_a_key_pressed_while_a_write_is_under_way_is_not_held_up(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watcher_module, "WRITE_WAIT_SECONDS", 1e6)
    _, (first, _), watcher, _ = started(db_path, clock, policy)
    watcher.write_asked()
    assert watcher.take(first, ()) is None  # j: nothing held ahead, to be read now
    waiting = threading.Thread(target=watcher._let_writes_through, daemon=True)  # noqa: SLF001
    waiting.start()
    waiting.join(WAIT)
    assert not waiting.is_alive() and watcher.write_under_way


def test_a_note_after_a_role_waits_for_the_deadlines_of_that_role(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    """A role (which the ladder and its deadlines read) written before a note: the note
    is not hurried ahead of the list read, since it would show with the old holders."""
    room, (first, second), watcher, posted = started(db_path, clock, policy)
    with running(watcher, watcher.go_on, watcher.finish):
        list_read_waiting(room, watcher, posted, first, second)
        drained(posted)  # what was posted before the read began
        room.assign_role(first, "comms-lead", "Cy")
        room.log(first, "Cy takes comms")
        watcher.poke()
        watcher.go_on.set()
        assert watcher.looked.wait(WAIT)
        during = [s for s in drained(posted) if isinstance(s, Snapshot)]
        assert not any("Cy takes comms" in texts(s) for s in during)
        watcher.finish.set()
        shown = next_snapshot(posted, lambda s: "Cy takes comms" in texts(s))
        assert shown.selection is not None
        assert any(r.person == "Cy" for r in shown.selection.roles)
        assert shown.prepared[first].incident == shown.selection.incident


def test_the_rest_is_read_after_the_first_row_the_screen_selected_meanwhile(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    """Start-up: the screen selects a row while the watcher reads the first row to hold
    for it; the closed and cancelled incidents are still read next (they waited for a
    commit before)."""
    _, (first, _), watcher, _ = started(db_path, clock, policy)
    db = store.connect(db_path)
    try:
        listed = read_model.incident_list(db, policy, kept=read_model.ClockHistories())
        watcher.selected_id = first  # the screen selected it meanwhile
        watcher._hold_first_row(db, listed, 0)  # noqa: SLF001
        assert watcher._rest_due  # noqa: SLF001
        assert not watcher.holds(first)
    finally:
        db.conn.close()


@pytest.mark.parametrize("by_id", [True, False])
def test_kinds_since_by_either_path(
    room: WarRoom, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch, by_id: bool
) -> None:
    """The kinds written to an incident since a row, whether the rows since are walked
    by id (few) or the incident's own rows by its index (many)."""
    monkeypatch.setattr(read_model, "_walk_by_id", lambda db, incident_id, after: by_id)
    quiet, busy = room.declare("Quiet", "P3"), room.declare("Busy", "P2")
    room.log(quiet, "looking")
    newest = max(e.id for e in read_model.incident_view(db, quiet).timeline)
    for n in range(5):
        room.log(busy, f"busy note {n}")
    assert read_model.kinds_since(db, quiet, newest) == frozenset()
    room.log(quiet, "found it", kind="finding")
    room.log(busy, "more")
    assert read_model.kinds_since(db, quiet, newest) == {"finding"}
    room.acknowledge(quiet)
    assert read_model.kinds_since(db, quiet, newest) == {"finding", "ack"}


def test_kinds_since_walks_the_shorter_way(
    room: WarRoom, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_model, "_KINDS_BY_ID", 0)  # count the incident's rows each time
    quiet, busy = room.declare("Quiet", "P3"), room.declare("Busy", "P2")
    newest = max(e.id for e in read_model.incident_view(db, quiet).timeline)
    for n in range(5):
        room.log(busy, f"busy note {n}")
    # five rows since in the file, one row of the quiet incident's own: its index
    assert not read_model._walk_by_id(db, quiet, newest)  # noqa: SLF001
    # the busy incident's six rows against the five since: by id
    assert read_model._walk_by_id(db, busy, newest)  # noqa: SLF001
