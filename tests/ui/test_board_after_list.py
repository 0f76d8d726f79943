"""Start-up shows the list and the first incident's timeline in its first frame; the
deadline board's state for every running incident follows. Meanwhile nothing reads
wrong: rows not yet worked out say so, keys act on the incident under the cursor, and
the board then says what a board worked out whole says."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest

import warroom.tui.watcher as watcher_module
from tests.conftest import T0
from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from tests.ui.test_incident_list import line_of
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui.deadline_board import WORKING_OUT, DeadlineBoard
from warroom.tui.widgets.status_bar import StatusBar


def _outages(
    db_path: Path, clock: FrozenClock, policy: Policy, count: int
) -> tuple[WarRoom, list[int]]:
    """`count` P1 outages declared a minute apart, the oldest 30 minutes ago."""
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    return room, [
        room.declare(f"outage {n}", "P1", declared_at=T0 - dt.timedelta(minutes=30 - n))
        for n in range(count)
    ]


def _board_held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The watcher's board work waits until the event returned is set."""
    gate = threading.Event()
    worked = watcher_module.work_out

    def held(*args: Any, **kwargs: Any) -> Any:
        assert gate.wait(30)
        return worked(*args, **kwargs)

    monkeypatch.setattr(watcher_module, "work_out", held)
    return gate


async def test_list_and_timeline_first_then_the_board(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = load_policy()
    room, ids = _outages(db_path, clock, policy, 3)
    # listed oldest first: outage 0, 1, 2; none acknowledged, deadlines passed
    room.log(ids[0], "restarted the primary")
    monkeypatch.setattr(watcher_module, "FIRST_ROWS", 1)  # the screen's first rows: one
    gate = _board_held(monkeypatch)  # the board's work waits until the test lets it go on
    app = make_app(db_path, clock)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            bar = app.war_room.query_one(StatusBar)
            assert "3 live" in str(bar.render())
            # before the first read the bar said so, not a wrong "0 live"
            before = StatusBar(person="Ana", file_name="warroom.db")
            assert "reading the file" in str(before.render())
            assert " live" not in str(before.render())
            screen = app.war_room
            table = screen.table
            # one frame: the whole list and the first incident's timeline
            assert table.order == ids and screen.shown_id == ids[0]
            assert "restarted the primary" in timeline_text(app)
            assert screen.board.pending
            assert "OVERDUE" in line_of(table, "outage 0")
            for title in ("outage 1", "outage 2"):
                assert WORKING_OUT in line_of(table, title)  # not blank, not a count
            assert not screen.board.read(clock.now()).unrecorded  # no sweep meanwhile
            # keys act on the row under the cursor
            await pilot.press("j")
            assert screen.selected_id == ids[1]
            await pilot.press("a")
            db = store.connect(db_path)

            def acked(incident_id: int) -> bool:
                incident = read_model.incident_view(db, incident_id).incident
                return incident.acknowledged_at is not None

            await wait_for(pilot, lambda: acked(ids[1]))
            assert not acked(ids[0])
            gate.set()
            await wait_for(pilot, lambda: not screen.board.pending and screen.shown_id == ids[1])
            now = clock.now()

            def whole_board() -> DeadlineBoard:
                listed = read_model.incident_list(db, policy)
                whole = DeadlineBoard(policy)
                whole.update(list(listed.incidents), dict(listed.clocks), listed.breaches)
                return whole

            def same_as_whole() -> bool:
                # worked out from the file as it is now: the console's own sweep may
                # record a breach meanwhile, which the screen shows once it has read it
                whole = whole_board()
                labels = [whole.due_label(i, now) for i in ids]
                return (
                    screen.board.read(now).next_due.keys() == set(ids)
                    and all(labels)
                    and labels == [screen.board.due_label(i, now) for i in ids]
                    and all(
                        str(label) in line_of(table, f"outage {n}")
                        for n, label in enumerate(labels)
                    )
                    and screen.board.read(now).unrecorded == whole.read(now).unrecorded
                )

            await wait_for(pilot, same_as_whole)
    finally:
        gate.set()


async def test_a_long_list_shows_its_first_rows_and_the_whole_counts_then_every_row(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, ids = _outages(db_path, clock, load_policy(), 4)
    major = room.declare("major", "P0", declared_at=T0 - dt.timedelta(minutes=5))
    room.set_status(ids[3], "resolved")
    room.log(major, "failed over to the standby")
    listed = [major, *ids]  # the most severe first; the resolved one last
    monkeypatch.setattr(watcher_module, "FIRST_PAGE", 2)  # start-up reads two rows first
    gate = _board_held(monkeypatch)  # the board's snapshot (every row) waits for the test
    app = make_app(db_path, clock)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            screen, bar = app.war_room, app.war_room.query_one(StatusBar)
            # the first rows and the first incident's timeline, and the whole file's
            # counts (not the page's: "2 live")
            assert screen.table.order == listed[:2] and screen.shown_id == major
            assert "failed over to the standby" in timeline_text(app)
            assert "4 live · 1 resolved" in str(bar.render())
            gate.set()
            await wait_for(pilot, lambda: screen.table.order == listed)
            assert "4 live · 1 resolved" in str(bar.render()) and bar.counts is None
            assert screen.shown_id == major and not screen.board.pending
            await pilot.press("end")
            await wait_for(pilot, lambda: screen.selected_id == ids[3])
    finally:
        gate.set()
