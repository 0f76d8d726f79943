"""Start-up's deadline board is worked out a batch at a time, and what the person waits
for meanwhile (a key's incident, an entry just written) is read and shown between two
batches, not after the whole board (issue 12: at 10,000 incidents the first keys and
the first entry waited ~0.5 s of the interpreter behind it)."""

from __future__ import annotations

import datetime as dt
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
from warroom.domain.models import Actor, Incident
from warroom.domain.policy import Policy
from warroom.domain.timefmt import to_iso
from warroom.service import WarRoom
from warroom.tui import deadline_prep
from warroom.tui import watcher as watcher_module
from warroom.tui.messages import Snapshot
from warroom.tui.watcher import DatabaseWatcher

MARQUESAS = dt.timezone(dt.timedelta(hours=-9, minutes=-30))


class BoardHeld(DatabaseWatcher):
    """Start-up's board work stops between its batches until the test lets it go on
    (doing there what the watcher does between batches, again and again)."""

    def __init__(self, path: Path, post: Any, policy: Policy, *, hear_writes: bool = True) -> None:
        super().__init__(path, post, policy, hear_writes=hear_writes)
        self.in_board = threading.Event()
        self.go_on = threading.Event()
        self.looked = 0  # times it did what the watcher does between batches

    def _board_between(self, db: sqlite_utils.Database) -> None:
        self.in_board.set()
        while not self.go_on.wait(0.005):
            super()._board_between(db)
            self.looked += 1
        super()._board_between(db)


def test_a_key_and_an_entry_during_the_boards_work_show_before_the_board(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the first row's deadlines with the first snapshot, the others' one at a time after
    room, (first, second, third), watcher, posted = board_started(
        db_path, clock, policy, monkeypatch
    )
    with running(watcher, watcher.go_on):
        start = next_snapshot(posted, lambda s: True)
        assert [i.id for i in start.incidents] == [first, second, third]
        assert start.board_pending and set(start.prepared) == {first}
        held = watcher.take(first, (second, third))  # the screen shows its first row
        assert held is not None and held.incident.id == first
        assert watcher.in_board.wait(WAIT)  # the board's work is under way, and waits
        # j: nothing is held ahead for the second row; it is read between two batches
        assert watcher.take(second, (third, first)) is None
        moved = next_snapshot(posted, lambda s: s.selection is not None)
        assert moved.selection is not None and moved.selection.incident.id == second
        assert moved.selection.reset
        # with the very list and deadlines the screen has (it redraws the panes only)
        assert moved.board_pending and moved.incidents is start.incidents
        assert moved.clocks is start.clocks and moved.prepared is start.prepared
        # an entry written (our own write, or another console's) shows before the board too
        room.log(second, "failed over to the replica")
        watcher.poke()
        logged = next_snapshot(posted, lambda s: s.selection is not None)
        assert logged.board_pending
        assert logged.selection is not None and not logged.selection.reset
        assert [e.text for e in logged.selection.entries] == ["failed over to the replica"]
        watcher.go_on.set()
        board = next_snapshot(posted, lambda s: not s.board_pending)
        assert set(board.prepared) == {first, second, third}  # the board whole
        # the entry already shown is not handed on again
        assert board.selection is None or all(
            e.text != "failed over to the replica" for e in board.selection.entries
        )


def test_a_read_held_ahead_during_the_board_never_shows_an_entry_written_since(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, (first, second, third), watcher, posted = board_started(
        db_path, clock, policy, monkeypatch
    )
    with running(watcher, watcher.go_on):
        j_during_the_board(watcher, posted, first, second, third)
        watcher.settled()  # drawn: while the person moves, the next rows are read ahead
        until(lambda: watcher.holds(third), "read the next row ahead")
        room.log(third, "rolled back the deploy")  # another console, meanwhile
        held = watcher.take(third, (first, second))  # j again
        watcher.settled()
        shown = [] if held is None else [e.text for e in held.entries]
        if "rolled back the deploy" not in shown:  # the read held before the entry was shown:
            caught_up = next_snapshot(  # what was written since follows at once
                posted,
                lambda s: s.selection is not None and s.selection.incident.id == third,
            )
            assert caught_up.board_pending  # before the board's work is done
            assert caught_up.selection is not None
            assert [e.text for e in caught_up.selection.entries] == ["rolled back the deploy"]


def j_during_the_board(
    watcher: BoardHeld, posted: queue.Queue[object], first: int, second: int, third: int
) -> Snapshot:
    """Start-up's first snapshot, its first row shown and the board's work waiting
    between batches; then `j`: nothing is held ahead for the second row, read between
    two batches and posted (the snapshot returned)."""
    next_snapshot(posted, lambda s: True)
    watcher.take(first, (second, third))
    assert watcher.in_board.wait(WAIT)
    assert watcher.take(second, (third, first)) is None  # j: read between batches
    return next_snapshot(posted, lambda s: s.selection is not None)


def board_held(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> tuple[WarRoom, list[int]]:
    """Three incidents; the first row's deadlines first, the others' one at a time."""
    monkeypatch.setattr(watcher_module, "FIRST_ROWS", 1)
    monkeypatch.setattr(watcher_module, "BOARD_BATCH", 1)
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    ids = [
        room.declare("Payments down", "P1"),
        room.declare("Slow search", "P2"),
        room.declare("Flaky login", "P3"),
    ]
    return room, ids


def board_started(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> tuple[WarRoom, list[int], BoardHeld, queue.Queue[object]]:
    """`board_held`'s incidents, and a watcher whose board waits between batches."""
    room, ids = board_held(db_path, clock, policy, monkeypatch)
    posted: queue.Queue[object] = queue.Queue()
    return room, ids, BoardHeld(db_path, posted.put, policy), posted


def test_a_key_after_a_commit_shown_during_the_board_shows_the_row_as_committed(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another console's commit shown between two batches: the next key's incident is
    read as the file is now, not from the list the board works on (read before it)."""
    room, (first, _, third), watcher, posted = board_started(db_path, clock, policy, monkeypatch)
    with running(watcher, watcher.go_on):
        next_snapshot(posted, lambda s: True)
        watcher.take(first, ())
        assert watcher.in_board.wait(WAIT)
        room.set_severity(third, "P1")  # another console, while the board works
        room.log(first, "note on the first")
        watcher.poke()
        shown = next_snapshot(posted, lambda s: s.selection is not None)
        assert shown.selection is not None and shown.selection.incident.id == first
        assert watcher.take(third, ()) is None  # j: nothing held ahead
        moved = next_snapshot(
            posted, lambda s: s.selection is not None and s.selection.incident.id == third
        )
        assert moved.selection is not None and moved.selection.incident.severity == "P1"


@pytest.mark.parametrize("change", ["severity", "ack"])
def test_a_change_to_the_shown_incident_during_the_board_shows_with_its_deadlines(
    db_path: Path,
    clock: FrozenClock,
    policy: Policy,
    monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:
    """Another console's severity change or acknowledgement during start-up's board
    work is never shown ahead of its deadlines (the detail saying P3 or acknowledged
    beside the list's row and SLA pane from before it, until the board was whole), and
    once shown it is never undone by the board's snapshot, read before it."""
    room, (first, _, _), watcher, posted = board_started(db_path, clock, policy, monkeypatch)

    def changed(incident: Incident) -> bool:
        if change == "severity":
            return incident.severity == "P3"
        return incident.acknowledged_at is not None

    with running(watcher, watcher.go_on):
        next_snapshot(posted, lambda s: True)
        watcher.take(first, ())
        assert watcher.in_board.wait(WAIT)
        if change == "severity":
            room.set_severity(first, "P3")
        else:
            room.acknowledge(first)
        watcher.poke()
        looked = watcher.looked
        until(lambda: watcher.looked > looked + 3, "look between batches a few times")
        watcher.go_on.set()
        shown = False
        while True:  # until the board is whole and the list read since lists the change
            snapshot = next_snapshot(posted, lambda s: True)
            row = next(i for i in snapshot.incidents if i.id == first)
            selection = snapshot.selection
            if selection is not None and selection.incident.id == first:
                if changed(selection.incident):
                    shown = True
                    assert changed(row)  # the list's row: the one its deadlines are from
                    assert snapshot.prepared[first].incident == row
                else:
                    assert not shown  # never the incident as it was, once shown changed
            if not snapshot.board_pending and changed(row):
                break


def test_without_inotify_another_consoles_entry_shows_during_the_board(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No write heard (and no poke: another console wrote): the file's version says so."""
    room, (first, _, _) = board_held(db_path, clock, policy, monkeypatch)
    posted: queue.Queue[object] = queue.Queue()
    watcher = BoardHeld(db_path, posted.put, policy, hear_writes=False)
    with running(watcher, watcher.go_on):
        next_snapshot(posted, lambda s: True)
        watcher.take(first, ())
        assert watcher.in_board.wait(WAIT)
        room.log(first, "from another console")
        logged = next_snapshot(
            posted,
            lambda s: (
                s.selection is not None
                and any(e.text == "from another console" for e in s.selection.entries)
            ),
        )
        assert logged.board_pending  # before the board's work is done


class SteppedClock:
    """The watcher's monotonic clock, stepped by the test; counts its reads."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


def test_the_board_is_worked_out_at_most_board_wait_seconds_after_start_while_keys_come(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, (first, _, _) = board_held(db_path, clock, policy, monkeypatch)
    posted: queue.Queue[object] = queue.Queue()
    watcher = DatabaseWatcher(db_path, posted.put, policy)
    stepped = watcher._monotonic = SteppedClock()  # noqa: SLF001 - the test steps time
    watcher.take(first, ())
    watcher._moved_at = 1e12  # noqa: SLF001 - the person never stops moving
    with running(watcher):
        next_snapshot(posted, lambda s: True)
        reads = stepped.reads
        until(lambda: stepped.reads > reads + 5, "wait for the person between batches")
        while not posted.empty():
            message = posted.get_nowait()
            assert not isinstance(message, Snapshot) or message.board_pending
        stepped.now += watcher_module.BOARD_WAIT_SECONDS
        board = next_snapshot(posted, lambda s: not s.board_pending)
        assert board.board is not None


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 1, 59, 59, 999_999, tzinfo=dt.UTC),
        dt.datetime(
            2026, 10, 25, 2, 30, 7, tzinfo=dt.timezone(dt.timedelta(hours=-9, minutes=-30))
        ),
        dt.datetime(999, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    ],
)
def test_deadlines_are_compared_with_the_record_in_its_very_form(at: dt.datetime) -> None:
    assert deadline_prep.record_form(at) == to_iso(at)


def test_a_breach_on_record_is_recorded_and_the_others_are_not(
    db_path: Path, clock: FrozenClock, policy: Policy
) -> None:
    from warroom.store import read_model

    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    swept = room.declare("Payments down", "P1")
    clock.step(hours=6)  # every deadline of the first has passed
    room.sweep()  # and is on record
    fresh = room.declare("Slow search", "P2")  # nothing on record for this one
    db = store.connect(db_path)
    listed = read_model.incident_list(db, policy)
    incidents = list(listed.incidents)
    prepared = deadline_prep.prepare_all(incidents, listed.clocks, policy, {})
    board = deadline_prep.work_out(incidents, listed.clocks, listed.breaches, prepared, policy)
    assert {b[0] for b in listed.breaches} == {swept}
    on_record = {(name, deadline) for _, name, deadline in listed.breaches}
    assert {(d.name, to_iso(d.deadline)) for d in board.unrecorded.get(swept, ())}.isdisjoint(
        on_record
    )
    assert board.unrecorded[fresh] == prepared[fresh].deadlines
