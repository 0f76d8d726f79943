"""An entry typed while the console records a backlog of what fell due (a month-old
file of 1,000 incidents: ~1.2 s of sweep) commits and shows at once: the sweep runs
beside the person's queue of writes, in transactions of about 25 ms that end early
once the person's write waits, steps aside between two transactions while the
person's writes wait or run, and the write waits for the transaction under way in
the console, not in SQLite's busy handler (the service's side:
tests/unit/test_sweep_transactions.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.service.clocks import SweepResult
from warroom.store import queries
from warroom.tui.bridge import Sweep, WriteDone
from warroom.tui.screens.war_room import WarRoomScreen
from warroom.tui.widgets.entry_line import EntryLine


async def test_an_entry_shows_while_a_long_sweep_is_under_way(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout errors", "P1")
    release, in_transaction = threading.Event(), threading.Event()
    ended_for_the_person: list[int] = []
    transactions: list[int] = []

    def long_sweep(
        self: WarRoom,
        incident_ids: Any = None,
        *,
        waiting: Callable[[], bool],
        turn: Callable[[], AbstractContextManager[object]],
    ) -> Any:
        while not release.is_set():  # a backlog: transaction after transaction
            with turn():
                in_transaction.set()
                transactions.append(1)
                while not waiting() and not release.wait(0.005):
                    pass  # incident after incident
                if waiting():
                    ended_for_the_person.append(1)
                    time.sleep(0.05)  # the incident it is on, and the commit
                in_transaction.clear()
        return SweepResult([], [])

    logged_in_transaction: list[bool] = []
    log = WarRoom.log

    def noted_log(self: WarRoom, *args: Any, **kwargs: Any) -> Any:
        logged_in_transaction.append(in_transaction.is_set())
        return log(self, *args, **kwargs)

    monkeypatch.setattr(WarRoom, "sweep", long_sweep)
    monkeypatch.setattr(WarRoom, "log", noted_log)
    done: list[Any] = []
    original = WarRoomScreen.on_write_done

    def noted(screen: WarRoomScreen, message: WriteDone[Any]) -> None:
        done.append(message.request)
        original(screen, message)

    monkeypatch.setattr(WarRoomScreen, "on_write_done", noted)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = app.war_room
        screen.write(Sweep())
        await wait_for(pilot, in_transaction.is_set)
        await pilot.press("l", *"failover", "enter")
        line = screen.query_one(EntryLine)
        try:
            await wait_for(pilot, lambda: "failover" in timeline_text(app))
            texts = [e.text for e in queries.timeline(store.connect(db_path), number)]
            assert texts.count("failover") == 1
            assert line.input.value == ""
            assert not any(isinstance(r, Sweep) for r in done)  # the sweep goes on
            # with a transaction after the entry's (once it stops stepping aside: a fast
            # machine showed the entry, and released the sweep, before that)
            await wait_for(pilot, lambda: len(transactions) >= 2)
        finally:
            release.set()
        await wait_for(pilot, lambda: any(isinstance(r, Sweep) for r in done))
        # the transaction under way ended for the entry, which waited for its end
        assert ended_for_the_person and logged_in_transaction == [False]
        assert len(transactions) >= 2  # and the sweep went on after it
