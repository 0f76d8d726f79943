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


async def test_resolved_incidents_read_after_the_live_ones_are_added_below_them(
    db_path: Path, clock: FrozenClock
) -> None:
    """At start-up the live incidents come first, the resolved ones a moment later: the
    rows already shown stay (cursor and all) and the new rows are added under them,
    reading exactly as in a table drawn whole."""
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy())
    live = [
        room.declare(f"live {n}", "P2", declared_at=T0 - dt.timedelta(minutes=n)) for n in range(4)
    ]
    ended = room.declare("[bold]ended[/]", "P1", declared_at=T0 - dt.timedelta(hours=2))
    room.set_status(ended, "resolved")
    app = make_app(db_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        table = app.war_room.table
        incidents = list(app.war_room.incidents)
        assert [i.id for i in incidents][-1] == ended  # resolved: listed after the live
        now = clock.now()
        due = {i.id: f"due {i.id}" for i in incidents}
        first, rest = incidents[:-1], incidents
        table.show(first, now, live[1], due)
        await pilot.pause()
        table.move_cursor(row=table.order.index(live[2]), animate=False)
        cleared: list[bool] = []
        clear = table.clear
        table.clear = lambda *args, **kwargs: (cleared.append(True), clear(*args, **kwargs))[1]
        table.show(rest, now, live[2], due)
        await pilot.pause()
        assert cleared == []  # not laid out again: the new row was added below
        table.clear = clear
        assert table.order == [i.id for i in rest]
        assert table.row_count == len(rest)
        assert table.selected_id == live[2]  # the cursor did not move

        def rows() -> list[list[str]]:
            # the countdown and age columns are the console's own (its heartbeat redraws
            # them each second): the rest of each row is what is compared
            return [
                [cell.plain for n, cell in enumerate(table.get_row(str(i.id))) if n not in (3, 4)]
                for i in rest
            ]

        grown = rows()
        table.show([], now, None, {})  # drawn whole, from nothing
        table.show(rest, now, live[2], due)
        await pilot.pause()
        assert rows() == grown
        assert "[bold]ended[/]" in grown[-1][-1] and "RESOLVED" in grown[-1][2]
