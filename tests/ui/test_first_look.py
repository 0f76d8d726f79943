"""The console's first read starts before the console is built (`tui/first_look.py`):
what it reads waits for the screen, reaches it in order and whole, and the watcher
then follows the file as the screen's own would."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import ready, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui import first_look
from warroom.tui.app import WarRoomApp
from warroom.tui.first_look import FirstLook
from warroom.tui.messages import Snapshot


def _until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the watcher did not get there in time"
        time.sleep(0.01)


def _room(db_path: Path, clock: FrozenClock) -> tuple[WarRoom, list[int]]:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    ids = [room.declare(f"outage {n}", "P1") for n in range(3)]
    room.log(ids[0], "restarted the primary")
    return room, ids


def _snapshots(posted: list[Any]) -> list[Snapshot]:
    return [m for m in posted if isinstance(m, Snapshot)]


def test_the_first_snapshot_waits_for_the_screen_then_the_watcher_goes_on(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_look, "RELEASE_SECONDS", 60)  # however slow this machine is
    room, ids = _room(db_path, clock)
    look = FirstLook(db_path, load_policy()).start()
    try:
        _until(lambda: look.held >= 1)  # read before any console exists
        time.sleep(0.3)
        assert look.held == 1  # and nothing more: the board's work waits for the screen
        posted: list[Any] = []
        assert look.hand_to(posted.append) is look.watcher
        first = _snapshots(posted)
        assert len(posted) == 1 and len(first) == 1
        assert [i.id for i in first[0].incidents] == ids
        assert first[0].board_pending
        # and the first row's view, held for the screen to take with the list
        held = look.watcher.take(ids[0])
        assert held is not None and held.reset
        assert "restarted the primary" in [e.text for e in held.entries]
        time.sleep(0.3)
        assert len(posted) == 1  # handed over, not yet drawn: still waiting
        look.release()
        _until(lambda: any(s.board is not None for s in _snapshots(posted)))
        room.log(ids[0], "failed over to the replica")
        _until(
            lambda: any(
                "failed over to the replica" in [e.text for e in s.selection.entries]
                for s in _snapshots(posted)
                if s.selection is not None
            )
        )
    finally:
        look.stop()
    _until(lambda: not look.running)


def test_a_first_look_the_console_never_took_stops_with_it(
    db_path: Path, clock: FrozenClock
) -> None:
    _room(db_path, clock)
    look = FirstLook(db_path, load_policy()).start()
    _until(lambda: look.held >= 1)
    look.stop()  # as console_start does when the console fails to start
    _until(lambda: not look.running)


async def test_the_console_shows_what_its_first_look_read_and_follows_the_file(
    db_path: Path, clock: FrozenClock
) -> None:
    room, ids = _room(db_path, clock)
    look = FirstLook(db_path, load_policy()).start()
    _until(lambda: look.held >= 1)
    app = WarRoomApp(  # as console_start builds it
        db_path=db_path,
        actor=Actor("Ana", "ana"),
        policy=load_policy(),
        clock=clock,
        tz=dt.UTC,
        first_look=look,
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert app.bridge.watcher is look.watcher  # adopted, not a second watcher
        screen = app.war_room
        assert screen.table.order == ids and screen.shown_id == ids[0]
        assert "restarted the primary" in timeline_text(app)
        await wait_for(pilot, lambda: not screen.board.pending)  # released once drawn
        room.log(ids[0], "failed over to the replica")  # another console's write
        await wait_for(pilot, lambda: "failed over to the replica" in timeline_text(app))
    _until(lambda: not look.running)  # the console's stop is the first look's
