"""A key that comes while the watcher reads ahead (issue 12): holding `j` at the
keyboard's repeat rate, each key came as the incident it selects was being read ahead,
found nothing held yet, and was read for it a second time; during start-up's board, a
key read for it was followed by a wait for a quiet moment before reading ahead, which
keys at that rate never left. Both cost a read per key (a second frame on a slow host)."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from tests.unit.test_watcher_board_first import BoardHeld, board_held, j_during_the_board
from tests.waits import until
from tests.watching import next_snapshot, running
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui.watcher import DatabaseWatcher, HeldRead


class KeyWhileReading(DatabaseWatcher):
    """Counts its reads of each incident; once armed, the screen's key for `target`
    comes while `target` is being read ahead (as `watch_selected_id` does it: `take`
    finds nothing held, then `poke`)."""

    def __init__(self, path: Path, post: Any, policy: Policy) -> None:
        super().__init__(path, post, policy)
        self.reads: dict[int, int] = {}
        self.target: int | None = None
        self.pressed = threading.Event()
        self.took: object = "not yet"  # what the key's `take` found

    def _selection_read(
        self,
        db: sqlite_utils.Database,
        listed: read_model.IncidentList,
        selected: int,
        **kw: Any,
    ) -> HeldRead:
        self.reads[selected] = self.reads.get(selected, 0) + 1
        if selected == self.target and self.selected_id != selected and not self.pressed.is_set():
            self.pressed.set()
            self.took = self.take(selected, ())  # j: nothing held yet, it is being read
            self.poke(reset_selection=True)
        return super()._selection_read(db, listed, selected, **kw)


def test_a_key_that_comes_while_its_incident_is_read_ahead_shows_that_read(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    first, second = room.declare("Checkout down", "P1"), room.declare("Search slow", "P1")
    room.log(second, "replica lag 40 s")
    posted: queue.Queue[object] = queue.Queue()
    watcher = KeyWhileReading(db_path, posted.put, policy)
    watcher.selected_id = first
    with running(watcher):
        next_snapshot(posted, lambda s: s.selection is not None and s.board is not None)
        until(lambda: watcher.whole_list_read, "read the whole list")
        reads_before = watcher.reads.get(second, 0)
        watcher.target = second
        watcher.take(first, (second,))  # the rows around #1 are read ahead: #2 first
        shown = next_snapshot(
            posted, lambda s: s.selection is not None and s.selection.incident.id == second
        )
    assert watcher.pressed.is_set() and watcher.took is None
    assert shown.selection is not None and shown.selection.reset
    assert [e.text for e in shown.selection.entries if e.kind == "note"] == ["replica lag 40 s"]
    assert watcher.reads[second] - reads_before == 1  # read once, for both


class LogsWaits(BoardHeld):
    """`BoardHeld` that notes, in order, each key's incident served, each read ahead
    and each wait for something to happen."""

    def __init__(self, path: Path, post: Any, policy: Policy) -> None:
        super().__init__(path, post, policy)
        self.events: list[str] = []
        wake, events = self._wake, self.events

        class Noted(threading.Event):
            def wait(self, timeout: float | None = None) -> bool:
                events.append("wait")
                return wake.wait(timeout)

            def set(self) -> None:
                wake.set()

            def clear(self) -> None:
                wake.clear()

            def is_set(self) -> bool:
                return wake.is_set()

        self._wake = Noted()

    def _serve(self, db: sqlite_utils.Database, current: int, **kw: Any) -> Any:
        served = super()._serve(db, current, **kw)
        if served is not None:
            self.events.append(f"served {served.incident.id}")
        return served

    def _read_ahead(self, db: sqlite_utils.Database, **kw: Any) -> None:
        self.events.append("ahead")
        super()._read_ahead(db, **kw)


def test_during_the_board_a_keys_incident_served_is_followed_by_reading_ahead(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up's board waits while the person moves: a key's incident read for it is
    followed at once by the rows around it, not by a wait the next key would end."""
    _, (first, second, third) = board_held(db_path, clock, policy, monkeypatch)
    posted: queue.Queue[object] = queue.Queue()
    watcher = LogsWaits(db_path, posted.put, policy)
    with running(watcher, watcher.go_on):
        j_during_the_board(watcher, posted, first, second, third)
        until(lambda: watcher.holds(third), "read the next row ahead")
        events = list(watcher.events)
        watcher.go_on.set()
    served = events.index(f"served {second}")
    assert events[served + 1] == "ahead", events[served : served + 3]
