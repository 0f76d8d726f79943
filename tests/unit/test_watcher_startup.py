"""The watcher's start-up: the live incidents first, the rest (closed, cancelled) read
on a thread of their own, so what the person does meanwhile is read and shown at
once, and the rest reaches the screen up to date."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

import sqlite_utils

from tests.watching import WAIT, next_snapshot
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.service import WarRoom
from warroom.tui.watcher import DatabaseWatcher, Rest


class HeldWatcher(DatabaseWatcher):
    """Reads the rest, then holds it until the test lets it go on."""

    def __init__(self, path: Path, post: Any, policy: Policy) -> None:
        super().__init__(path, post, policy)
        self.rest_read = threading.Event()
        self.go_on = threading.Event()

    def read_rest(self, db: sqlite_utils.Database) -> Rest:
        rest = super().read_rest(db)
        self.rest_read.set()
        assert self.go_on.wait(WAIT)
        return rest


def test_an_entry_written_while_the_rest_is_read_shows_first_and_the_rest_is_up_to_date(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    closed = room.declare("Older outage", "P0")
    room.set_status(closed, "resolved")
    room.set_status(closed, "closed", postmortem_owner="Di")
    resolved = room.declare("Old outage", "P1")
    room.set_status(resolved, "resolved")
    live = room.declare("Slow search", "P2")
    posted: queue.Queue[object] = queue.Queue()
    watcher = HeldWatcher(db_path, posted.put, policy)
    watcher.selected_id = live  # as the console selects its first row
    worker = threading.Thread(target=watcher.run, daemon=True)
    worker.start()
    try:
        first = next_snapshot(posted, lambda s: s.selection is not None)
        assert [i.id for i in first.incidents] == [live, resolved]  # the live ones first
        assert watcher.rest_read.wait(WAIT)  # every incident read, not yet handed on
        # meanwhile the scribe logs an entry and the resolved incident is closed
        room.log(live, "rolled back the search index")
        room.set_status(resolved, "closed", postmortem_owner="Di")
        watcher.poke()  # as the bridge does after its own write
        shown = next_snapshot(
            posted,
            lambda s: (
                s.selection is not None
                and any(e.text == "rolled back the search index" for e in s.selection.entries)
            ),
        )
        # the entry did not wait for the rest: still only the live incidents listed
        assert closed not in {i.id for i in shown.incidents}
        watcher.go_on.set()
        every = next_snapshot(posted, lambda s: closed in {i.id for i in s.incidents})
        by_id = {i.id: i for i in every.incidents}
        assert set(by_id) == {closed, resolved, live}
        # the rest was read before the close: handed on as the file says now
        assert by_id[resolved].status == "closed"
        assert by_id[closed].status == "closed"
        assert set(every.prepared) <= set(by_id)
        assert all(every.prepared[i].incident is by_id[i] for i in every.prepared)
    finally:
        watcher.go_on.set()
        watcher.stop()
        worker.join(WAIT)
    assert not worker.is_alive()


def test_a_rest_that_cannot_be_read_beside_is_read_by_the_watcher(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    closed = room.declare("Older outage", "P0")
    room.set_status(closed, "resolved")
    room.set_status(closed, "closed", postmortem_owner="Di")
    live = room.declare("Slow search", "P2")

    class Failing(DatabaseWatcher):
        def read_rest(self, db: sqlite_utils.Database) -> Rest:
            raise OSError("disk I/O error")

    posted: queue.Queue[object] = queue.Queue()
    watcher = Failing(db_path, posted.put, policy)
    watcher.selected_id = live
    worker = threading.Thread(target=watcher.run, daemon=True)
    worker.start()
    try:
        every = next_snapshot(posted, lambda s: closed in {i.id for i in s.incidents})
        assert [i.id for i in every.incidents] == [live, closed]
    finally:
        watcher.stop()
        worker.join(WAIT)
    assert not worker.is_alive()


def held_soon(watcher: DatabaseWatcher, incident_id: int) -> None:
    """Wait until the watcher holds a read of `incident_id` ahead (fails after WAIT)."""
    deadline = threading.Event()
    for _ in range(int(WAIT / 0.01)):
        if watcher.holds(incident_id):
            return
        deadline.wait(0.01)
    raise AssertionError(f"no read of #{incident_id} held ahead")


def test_while_the_rest_is_read_the_next_incidents_are_read_ahead_and_never_stale(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    """10,000 incidents: the rest takes seconds, and `j`/`k` meanwhile showed each
    incident only after a round trip through the watcher. The live list holds every
    row the screen lists, so the incidents near the selection are read ahead from the
    start; a commit meanwhile drops them and they are read again as the file is now."""
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    closed = room.declare("Older outage", "P0")
    room.set_status(closed, "resolved")
    room.set_status(closed, "closed", postmortem_owner="Di")
    first = room.declare("Slow search", "P2")
    second = room.declare("Login errors", "P2")
    room.log(second, "first look at the logs")
    posted: queue.Queue[object] = queue.Queue()
    watcher = HeldWatcher(db_path, posted.put, policy)
    watcher.selected_id = first
    worker = threading.Thread(target=watcher.run, daemon=True)
    worker.start()
    try:
        live = next_snapshot(posted, lambda s: s.selection is not None)
        assert watcher.rest_read.wait(WAIT)  # the rest is read, not yet handed on
        assert watcher.take(first, (second,)) is None  # start-up showed it: not held
        held_soon(watcher, second)
        assert not watcher.whole_list_read
        # another console logs on the incident held ahead: that read is dropped...
        while not posted.empty():  # what was posted before the commit
            posted.get_nowait()
        room.log(second, "rolled back the login service")
        watcher.poke()
        next_snapshot(posted, lambda s: True)  # the file read again: held reads dropped
        # ...and read again with the entry, still before the rest arrives
        held_soon(watcher, second)
        assert not watcher.whole_list_read
        selection = watcher.take(second, (first,))
        assert selection is not None
        texts = [e.text for e in selection.entries]
        assert "rolled back the login service" in texts
        assert "first look at the logs" in texts
        watcher.go_on.set()
        every = next_snapshot(posted, lambda s: closed in {i.id for i in s.incidents})
        assert {i.id for i in every.incidents} == {closed, first, second}
        # a row unchanged since the live list is that list's very object, its deadlines
        # the ones worked out for it (the screen skips them at a glance)
        by_id = {i.id: i for i in every.incidents}
        before = {i.id: i for i in live.incidents}
        assert by_id[first] is before[first]
        assert every.prepared[first] is live.prepared[first]
        assert every.clocks[first] is live.clocks[first]
        assert by_id[closed].status == "closed"
    finally:
        watcher.go_on.set()
        watcher.stop()
        worker.join(WAIT)
    assert not worker.is_alive()


class SteppedMonotonic:
    """The watcher's monotonic clock, moved only by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_rest_is_read_once_the_person_stops_moving_and_arrives_whole(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    """The rest shares the interpreter with the console's thread: while the person
    moves through the list (`j`/`k`), it waits; once the selection stays put it is
    read and handed on with every incident, as the file says then."""
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    closed = room.declare("Older outage", "P0")
    room.set_status(closed, "resolved")
    room.set_status(closed, "closed", postmortem_owner="Di")
    first = room.declare("Slow search", "P2")
    second = room.declare("Login errors", "P2")
    posted: queue.Queue[object] = queue.Queue()
    watcher = HeldWatcher(db_path, posted.put, policy)
    watcher.go_on.set()  # the rest is handed on as soon as it is read
    monotonic = SteppedMonotonic()
    watcher._monotonic = monotonic  # noqa: SLF001 - the test steps the time of moves
    watcher.selected_id = first
    watcher.take(second, (first,))  # a move, before start-up's first read
    worker = threading.Thread(target=watcher.run, daemon=True)
    worker.start()
    try:
        shown = next_snapshot(posted, lambda s: s.selection is not None)
        assert closed not in {i.id for i in shown.incidents}
        # moved just now: the rest waits (a short look: it must not have started)
        assert not watcher.rest_read.wait(0.3)
        monotonic.now += 0.4
        watcher.take(first, (second,))  # moving on
        monotonic.now += 0.4  # 0.4 s since the last move: still waiting
        assert not watcher.rest_read.wait(0.3)
        room.set_status(first, "resolved")  # meanwhile another console resolves one
        monotonic.now += 0.2  # the selection stayed put long enough
        assert watcher.rest_read.wait(WAIT)
        every = next_snapshot(posted, lambda s: closed in {i.id for i in s.incidents})
        by_id = {i.id: i for i in every.incidents}
        assert set(by_id) == {closed, first, second}
        assert by_id[first].status == "resolved"
        assert watcher.whole_list_read
    finally:
        watcher.stop()
        worker.join(WAIT)
    assert not worker.is_alive()
