"""The watcher reads its list, then the selected incident's rows: a commit between the
two never shows the incident's new rows beside the list's row and deadlines from
before it (an acknowledgement's entry beside "not acknowledged", for a frame)."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from tests.waits import until
from tests.watching import next_snapshot, running
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor, Incident
from warroom.domain.policy import Policy
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui.messages import Snapshot
from warroom.tui.watcher import DatabaseWatcher, HeldRead


class AckBetween(DatabaseWatcher):
    """Once armed, another console acknowledges an incident the watcher is about to read
    the rows of (`acks`: which), right before it reads them."""

    def __init__(self, path: Path, post: object, policy: Policy, room: WarRoom) -> None:
        super().__init__(path, post, policy)  # type: ignore[arg-type]
        self.room = room
        self.armed = threading.Event()

    def acks(self, listed: read_model.IncidentList, incident_id: int) -> bool:
        """The selected incident's rows, read after the list (`read`)."""
        return incident_id in listed.by_id

    def _selection_read(
        self,
        db: sqlite_utils.Database,
        listed: read_model.IncidentList,
        selected: int,
        **kw: object,
    ) -> HeldRead:
        if self.armed.is_set() and self.acks(listed, selected):
            self.armed.clear()
            self.room.acknowledge(selected)
        return super()._selection_read(db, listed, selected, **kw)  # type: ignore[arg-type]


Watcher = TypeVar("Watcher", bound=AckBetween)


def started(
    kind: type[Watcher], db_path: Path, clock: FrozenClock, policy: Policy
) -> tuple[WarRoom, tuple[int, int], Watcher, queue.Queue[object]]:
    """Two P1 incidents declared by Ana, and a watcher of `kind` (not yet running) whose
    acknowledgements Bo makes, from a console of his own; the first incident selected."""
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    ids = (room.declare("Checkout down", "P1"), room.declare("Search slow", "P1"))
    other = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    posted: queue.Queue[object] = queue.Queue()
    watcher = kind(db_path, posted.put, policy, other)
    watcher.selected_id = ids[0]
    return room, ids, watcher, posted


def test_an_ack_committed_between_the_list_and_the_view_shows_with_its_row(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    room, (first, _), watcher, posted = started(AckBetween, db_path, clock, policy)
    with running(watcher):
        next_snapshot(posted, lambda s: s.selection is not None and s.board is not None)
        watcher.armed.set()
        room.log(first, "failing over")  # the file moves: the list and the rows are read
        seen: list[Snapshot] = []
        while True:
            shown = next_snapshot(posted, lambda s: s.selection is not None)
            seen.append(shown)
            assert shown.selection is not None
            if any(e.kind == "ack" for e in shown.selection.entries):
                break
        for snapshot in seen:
            assert snapshot.selection is not None
            row = next(i for i in snapshot.incidents if i.id == first)
            if any(e.kind == "ack" for e in snapshot.selection.entries):
                # the entry shows with the row (and so the deadlines) it belongs to
                assert snapshot.selection.incident.acknowledged_at is not None
                assert row.acknowledged_at is not None
                assert snapshot.prepared[first].incident == row


class AckAhead(AckBetween):
    """`AckBetween` for an incident read ahead; what is held after each read ahead is
    noted on the watcher's thread (before its next look at the file could drop it)."""

    def __init__(self, path: Path, post: object, policy: Policy, room: WarRoom) -> None:
        super().__init__(path, post, policy, room)
        # (what a read held ahead shows of its incident, the row the list holds for it)
        self.held_seen: list[tuple[Incident, Incident | None]] = []

    def acks(self, listed: read_model.IncidentList, incident_id: int) -> bool:
        return incident_id != self.selected_id

    def _read_ahead(self, db: sqlite_utils.Database, **kw: object) -> None:
        super()._read_ahead(db, **kw)  # type: ignore[arg-type]
        listed = self._list
        with self._asked:
            for held in self._held.values():
                shown = held.selection.incident
                row = None if listed is None else listed.by_id.get(shown.id)
                self.held_seen.append((shown, row))


def test_a_read_ahead_of_an_incident_changed_since_the_list_is_not_held(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    _, (first, second), watcher, posted = started(AckAhead, db_path, clock, policy)
    with running(watcher):
        next_snapshot(posted, lambda s: s.selection is not None and s.board is not None)
        until(lambda: watcher.whole_list_read, "read the whole list")
        watcher.armed.set()
        watcher.take(first, (second,))  # #1 again: the incidents around it are read ahead
        until(lambda: watcher.holds(second), "read #2 ahead, as it is now")
        held = watcher.take(second, (first,))
    assert held is not None and held.incident.acknowledged_at is not None
    assert watcher.held_seen
    for shown, row in watcher.held_seen:
        # held only as the list lists it: shown with the list's deadlines for that row
        assert shown == row


def test_the_list_the_screen_replaced_is_freed_by_the_watcher_once_nothing_moves(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    """The watcher holds the board it handed on before until the screen has taken the
    new one (so the screen's thread does not free it), and lets it go at its next look
    with nothing new: a console keeps no more than it shows (how long it is held races
    the watcher's looks: only that it is let go is asserted)."""
    import gc
    import weakref

    room, (first, _), watcher, posted = started(AckBetween, db_path, clock, policy)
    with running(watcher):
        shown = next_snapshot(posted, lambda s: s.selection is not None and s.board is not None)
        assert shown.board is not None
        board = weakref.ref(shown.board)
        room.acknowledge(first)  # the list changes: a new board is handed on
        later = next_snapshot(posted, lambda s: s.board is not None and s.board is not board())
        del shown
        until(lambda: watcher._dropped_here == (), "let it go")  # noqa: SLF001
        gc.collect()
        assert board() is None
        assert later.board is not None
