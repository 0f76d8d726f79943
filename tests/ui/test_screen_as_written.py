"""What the terminal holds after the frames the console wrote is what a full repaint
would show: each frame's update (usually a part of the screen: another console's
entry) is applied to a copy of the terminal, cell by cell, and compared with the
whole screen composed afresh. A shortcut that leaves a cell out of an update (the
timeline's scrollbar, a countdown, a row of the list) shows here as a stale cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

import sqlite_utils
from rich.cells import cell_len
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget

from tests.conftest import T0
from tests.long_timeline import add_rows
from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.deadline_panes import SlaPane
from warroom.tui.widgets.incident_table import IncidentTable
from warroom.tui.widgets.timeline_view import TimelineView

Cell = tuple[str, str]  # the character, its style as text (links and mouse meta aside)


class Terminal:
    """The cells a terminal shows after the updates written to it."""

    def __init__(self, rows: Iterable[Iterable[Strip]]) -> None:
        self.cells: list[list[Cell]] = []
        for strips in rows:
            self.cells.append([])
            x = 0
            for strip in strips:
                self._put(len(self.cells) - 1, x, strip)
                x += strip.cell_length

    def _put(self, y: int, x: int, strip: Strip) -> None:
        line = self.cells[y]
        for segment in strip:
            style = str(segment.style) if segment.style is not None else ""
            for character in segment.text:
                width = cell_len(character)
                for at, shown in ((x, character), *((x + n, "") for n in range(1, width))):
                    if at < len(line):
                        line[at] = (shown, style)
                    else:
                        line.append((shown, style))
                x += width

    def write(self, update: object) -> None:
        """Apply one frame's update, as `ChopsUpdate.render_segments` writes it."""
        if isinstance(update, LayoutUpdate):
            self.__init__(update.strips)  # type: ignore[misc]  # the whole screen again
            return
        assert isinstance(update, ChopsUpdate), update
        for y, x1, x2 in update.spans:
            for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                if not (x2 > x >= x1 and end <= x2):
                    strip = strip.crop(0, min(end, x2) - x)
                self._put(y, x, strip)

    def area(self, region: Region) -> list[list[Cell]]:
        return [line[region.x : region.right] for line in self.cells[region.y : region.bottom]]

    def text(self, region: Region) -> list[str]:
        return [
            "".join(c for c, _ in line[region.x : region.right])
            for line in self.cells[region.y : region.bottom]
        ]


def watch_frames(app: WarRoomApp) -> Terminal:
    """A terminal holding the screen as it is now, written to by every later frame."""
    compositor = app.war_room._compositor  # noqa: SLF001 - the screen's own
    terminal = Terminal([strip] for strip in compositor.render_strips())
    render_update = compositor.render_update

    def written(*args: Any, **kwargs: Any) -> object:
        update = render_update(*args, **kwargs)
        if update is not None:
            terminal.write(update)
        return update

    compositor.render_update = written  # type: ignore[method-assign]
    return terminal


async def repainted(pilot: Pilot[None]) -> list[list[Cell]]:
    """The screen drawn afresh: every widget (its scrollbars too) drawn again, not
    from what it kept drawn, and composed whole."""
    app = pilot.app
    assert isinstance(app, WarRoomApp)
    for widget in app.war_room.walk_children(with_self=True):
        assert isinstance(widget, Widget)
        widget.refresh()
        bars = (widget._vertical_scrollbar, widget._horizontal_scrollbar)  # noqa: SLF001
        for bar in (*bars, widget._scrollbar_corner):  # noqa: SLF001
            if bar is not None:
                Widget.refresh(bar)  # Textual's own: whatever the bar keeps held
    await pilot.pause()
    compositor = app.war_room._compositor  # noqa: SLF001
    return Terminal([strip] for strip in compositor.render_strips()).cells


async def check_current(pilot: Pilot[None], terminal: Terminal, when: str) -> None:
    """The terminal shows what the screen drawn afresh shows."""
    written = [list(line) for line in terminal.cells]
    assert written == await repainted(pilot), when
    # the repaint draws the scrollbar from what it holds: that must be the timeline's
    view = pilot.app.query_one(TimelineView)
    bar = view._vertical_scrollbar  # noqa: SLF001
    if bar is not None and view.show_vertical_scrollbar:
        held = (bar.position, bar.window_virtual_size, bar.window_size)
        assert held == (view.scroll_y, view.virtual_size.height, view.scrollable_size.height), when


async def test_entries_countdowns_and_rows_from_elsewhere_leave_no_stale_cell(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, make_app(db_path, clock).actor, load_policy())
    incident_id = room.declare("API down", "P1")  # not acknowledged: its countdowns run
    for n in range(30):  # the timeline scrolls, its scrollbar's thumb shrinks as it grows
        room.log(incident_id, f"entry {n}")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = app.war_room
        terminal = watch_frames(app)
        view = app.query_one(TimelineView)
        sla = app.query_one(SlaPane).region
        lines, inside = view.scrollable_content_region, view.content_region
        bar = Region(lines.right, inside.y, inside.right - lines.right, inside.height)
        clocks_seen: list[list[str]] = []
        bars_seen: list[list[list[Cell]]] = []
        for n in range(10):
            clock.step(seconds=1)
            text = f"from elsewhere {n}"
            room.log(incident_id, text)
            if n in (6, 9):  # another console declares: a row the list must show
                room.declare(f"Queue slow {n}", "P3")
            await wait_for(pilot, lambda text=text: text in timeline_text(app))
            if n in (6, 9):  # and the list with its new row (its snapshot can come after)
                await wait_for(
                    pilot, lambda n=n: any(i.title == f"Queue slow {n}" for i in screen.incidents)
                )
            screen.heartbeat()  # the second ticked: the countdowns move
            await pilot.pause()
            await pilot.pause()
            assert text in "\n".join(terminal.text(view.region))
            clocks_seen.append(terminal.text(sla))
            bars_seen.append(terminal.area(bar))  # a thumb is coloured cells
            await check_current(pilot, terminal, f"after entry {n}")
        # each second the countdowns read otherwise, on the terminal too
        assert all(a != b for a, b in pairwise(clocks_seen))
        # the thumb moved as the timeline grew (drawn again: else a stale cell above)
        assert len({str(b) for b in bars_seen[:6]}) > 1
        listed = "\n".join(terminal.text(app.query_one(IncidentTable).region))
        assert all(f"Queue slow {n}" in listed for n in (6, 9))


async def test_a_long_timeline_from_elsewhere_leaves_no_stale_cell(
    db_path: Path, clock: FrozenClock
) -> None:
    """A timeline read a page at a time: the view is scrolled by entry, its scrollbar's
    thumb one cell that stays where it is."""
    room = WarRoom(store.connect(db_path), clock, make_app(db_path, clock).actor, load_policy())
    incident_id = room.declare("API down", "P1")
    room.acknowledge(incident_id)
    # the days before it was declared
    add_rows(sqlite_utils.Database(db_path), incident_id, 6_000, T0 - dt.timedelta(days=3))
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        assert view.paged is not None
        terminal = watch_frames(app)
        for n in range(4):
            clock.step(seconds=1)
            text = f"from elsewhere {n}"
            room.log(incident_id, text)
            await wait_for(pilot, lambda text=text: text in "\n".join(terminal.text(view.region)))
            app.war_room.heartbeat()  # the ages a second older
            await pilot.pause()
            await check_current(pilot, terminal, f"after entry {n}")
