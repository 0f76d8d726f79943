"""Full garbage collections wait while the console starts up (issue 12: at 10,000
incidents each one walked everything read so far, 40-150 ms landing on a key), and
come back as before once start-up's reads are on screen and frozen."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest
import sqlite_utils

from tests.ui.helpers import make_app, ready, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui import start_up_gc
from warroom.tui.watcher import DatabaseWatcher, Rest


async def test_full_collections_wait_for_the_rest_then_come_back(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = WarRoom(
        store.connect(db_path), clock, make_app(db_path, clock, "Eve").actor, load_policy()
    )
    closed = room.declare("Older outage", "P0")
    room.set_status(closed, "resolved")
    room.set_status(closed, "closed", postmortem_owner="Di")
    room.declare("Slow search", "P2")
    room.declare("Login errors", "P2")
    go_on = threading.Event()
    read_rest = DatabaseWatcher.read_rest

    def held_rest(watcher: DatabaseWatcher, db: sqlite_utils.Database) -> Rest:
        rest = read_rest(watcher, db)
        go_on.wait(30)
        return rest

    monkeypatch.setattr(DatabaseWatcher, "read_rest", held_rest)
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    app = make_app(db_path, clock)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            # the live incidents are on screen, the closed one still coming: no full
            # collection meanwhile (young ones go on), nothing frozen yet
            assert gc.get_threshold()[:2] == before[:2]
            assert gc.get_threshold()[2] > 1000
            assert gc.get_freeze_count() == 0
            await pilot.press("j")
            assert app.war_room.shown_id == app.war_room.selected_id
            go_on.set()
            await wait_for(pilot, lambda: gc.get_freeze_count() > 0)
            # full collections again, put off to the person's pauses (the heartbeat runs
            # the one due once nobody types; ten times later automatically, a backstop)
            assert gc.get_threshold() == (*before[:2], before[2] * start_up_gc.DEFERRED)
            await pilot.press("t")  # the closed incident arrived with the rest
            await wait_for(pilot, lambda: closed in app.war_room.table.order)
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == before
    finally:
        go_on.set()


async def test_a_console_that_never_gets_the_rest_collects_as_before_after_a_while(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However start-up goes, full collections are not held for ever."""
    room = WarRoom(
        store.connect(db_path), clock, make_app(db_path, clock, "Eve").actor, load_policy()
    )
    room.declare("Slow search", "P2")
    go_on = threading.Event()
    read_rest = DatabaseWatcher.read_rest

    def held_rest(watcher: DatabaseWatcher, db: sqlite_utils.Database) -> Rest:
        rest = read_rest(watcher, db)
        go_on.wait(30)
        return rest

    monkeypatch.setattr(DatabaseWatcher, "read_rest", held_rest)
    monkeypatch.setattr("warroom.tui.screens.war_room.START_UP_GC_SECONDS", 0.2)
    before = gc.get_threshold()
    app = make_app(db_path, clock)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            await wait_for(pilot, lambda: gc.get_threshold() == before)
            assert gc.get_freeze_count() == 0  # nothing frozen: the rest never came
    finally:
        go_on.set()
    assert gc.get_threshold() == before
