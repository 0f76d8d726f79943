"""The incident list on screen: what each row says, and when it is redrawn."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.geometry import Region

from tests.conftest import T0
from tests.ui.helpers import make_app, ready, wait_for
from tests.ui.test_visible_console import drawn
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.widgets.incident_table import IncidentTable


class Watched(dict):  # type: ignore[type-arg]
    """The list's drawn rows, counting the times they were all dropped (laid out anew)."""

    cleared = 0

    def clear(self) -> None:
        self.cleared += 1
        super().clear()


def line_of(table: IncidentTable, text: str) -> str:
    return next(line for line in drawn(table).splitlines() if text in line)


def cursor_bg(table: IncidentTable, text: str) -> object:
    """The background the row holding `text` is drawn with, where its number is."""
    width, height = table.outer_size
    for strip in table.render_lines(Region(0, 0, width, height)):
        if text in strip.text:
            return next(
                s.style.bgcolor for s in strip if s.text.strip().startswith("#") and s.style
            )
    raise AssertionError(text)


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
        assert "incident 0 " not in drawn(table)  # off screen
        clock.step(hours=2)
        for _ in range(3):
            app.war_room.heartbeat()
            await pilot.pause()
        assert "2h 39m" in drawn(table)  # the oldest, on screen, redrawn as of now
        # off screen nothing was drawn (a row is drawn only when it is on screen)
        assert set(table._strips) <= set(table._on_screen())  # noqa: SLF001
        table.move_cursor(row=len(table.order) - 1, animate=False)
        await pilot.pause()
        row = next(line for line in drawn(table).splitlines() if "incident 0 " in line)
        assert " 2h 00m " in row


async def test_a_kept_row_is_drawn_again_when_what_it_shows_changes(
    db_path: Path, clock: FrozenClock
) -> None:
    """Rows on screen are kept drawn and drawn again only when their incident, age,
    countdown or cursor changed: a heartbeat that changes nothing draws nothing, and
    each of those changes shows at once (never the kept, old row)."""
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy())
    first = room.declare("checkout down", "P1", declared_at=T0 - dt.timedelta(minutes=5))
    room.declare("search slow", "P2", declared_at=T0 - dt.timedelta(minutes=3))
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        table = app.war_room.table
        # the console's first sweep records the ladder's first calls: then it is settled
        await wait_for(pilot, lambda: drawn(table).count(" ack in ") == 2)
        await pilot.pause()
        drawn(table)  # every row on screen drawn once
        built: list[int] = []
        strip = table._strip  # noqa: SLF001
        table._strip = lambda cells, row, *rest: (built.append(row), strip(cells, row, *rest))[1]  # type: ignore[method-assign]  # noqa: SLF001
        app.war_room.heartbeat()  # the same second: nothing changed
        await pilot.pause()
        assert built == []
        assert " 5m " in line_of(table, "checkout down")
        clock.step(minutes=1)
        app.war_room.heartbeat()
        await pilot.pause()
        assert " 6m " in line_of(table, "checkout down")  # the age moved on
        built.clear()
        room.set_status(first, "fixing")
        await wait_for(pilot, lambda: "fixing" in line_of(table, "checkout down"))
        assert built == [table.order.index(first)]  # that row only
        before = cursor_bg(table, "checkout down")
        assert table.selected_id == first and before is not None
        await pilot.press("j")
        await wait_for(pilot, lambda: cursor_bg(table, "search slow") == before)
        assert cursor_bg(table, "checkout down") != before  # the highlight moved
        app.war_room.query_one("#entry-input").focus()  # the list loses focus
        await pilot.pause()
        assert cursor_bg(table, "search slow") != before  # the cursor drawn as blurred


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
        # the countdowns the console's own heartbeat hands down each second meanwhile
        due = app.war_room._next_due(app.war_room.board.read(now))  # noqa: SLF001
        first, rest = incidents[:-1], incidents
        table.show(first, now, live[1], due)
        await pilot.pause()
        table.move_cursor(row=table.order.index(live[2]), animate=False)
        await pilot.pause()
        drawn_rows = Watched(table._strips)  # noqa: SLF001
        table._strips = drawn_rows  # noqa: SLF001
        table.show(rest, now, live[2], due)
        await pilot.pause()
        # not laid out again: the rows drawn are kept, the new row was added below
        assert table._strips is drawn_rows and drawn_rows.cleared == 0  # noqa: SLF001
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


async def test_keys_and_clicks_move_the_cursor_through_a_long_list(
    db_path: Path, clock: FrozenClock
) -> None:
    """End and home go to the last and first incident, page down and up by a screenful,
    a click selects the row clicked; the row under the cursor is always on screen and
    its incident is the one the console shows."""
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy())
    for n in range(30):
        room.declare(f"incident {n}", "P2", declared_at=T0 - dt.timedelta(minutes=n))
    app = make_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = app.war_room
        table = screen.table

        async def shown_at(row: int) -> None:
            await wait_for(pilot, lambda: screen.shown_id == table.order[row])
            assert table.cursor_row == row
            assert row in table._on_screen()  # noqa: SLF001
            # drawn highlighted, unlike the row next to it
            other = row + 1 if row + 1 in table._on_screen() else row - 1  # noqa: SLF001
            assert cursor_bg(table, f" #{table.order[row]} ") != cursor_bg(
                table, f" #{table.order[other]} "
            )

        await pilot.press("end")
        await shown_at(29)
        await pilot.press("home")
        await shown_at(0)
        page = len(table._on_screen())  # noqa: SLF001
        await pilot.press("pagedown")
        await shown_at(page)
        await pilot.press("pageup")
        await shown_at(0)
        await pilot.press("down", "j", "j", "k")
        await shown_at(2)
        # the border, the column names, then the fourth row (the last on screen)
        assert await pilot.click(IncidentTable, offset=(3, 1 + 1 + 3))
        await shown_at(3)
        assert await pilot.click(IncidentTable, offset=(3, 1))  # the names: no move
        await pilot.pause()
        assert table.cursor_row == 3
