"""The incident list on screen: what each row says, and when it is redrawn."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import T0
from tests.ui.helpers import make_app, ready
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom


async def test_rows_scrolled_into_view_show_their_times_now(
    db_path: Path, clock: FrozenClock
) -> None:
    """Ages and countdowns are redrawn each second only for the rows on screen; a row
    further down shows its age as of now the moment it scrolls into view."""
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy())
    ids = [
        room.declare(f"incident {n}", "P2", declared_at=T0 - dt.timedelta(minutes=n))
        for n in range(40)
    ]
    app = make_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        table = app.war_room.table
        last = table.order[-1]
        assert last == ids[0]  # the newest is listed last (longest-running first)
        clock.step(hours=2)
        for _ in range(3):
            app.war_room.heartbeat()
            await pilot.pause()
        # off screen nothing was redrawn (it would repaint the table for nothing)
        assert table.get_cell(str(last), "age").plain == "0s"
        table.move_cursor(row=len(table.order) - 1, animate=False)
        await pilot.pause()
        assert table.get_cell(str(last), "age").plain == "2h 00m"
