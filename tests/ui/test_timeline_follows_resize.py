"""The timeline follows the newest entry when it loses rows to the panes above it.

Moving to an incident whose header is taller (a long summary and impact) shrinks
the timeline after its entries are laid out; a console that follows the newest
entry must still show it on the timeline's bottom line, not a row or three above.
"""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region

from tests.ui.helpers import make_app, ready, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.timeline_view import TimelineView

LONG = "every EU customer paying by card, and the partners' checkout widgets, see 503s " * 2


def seeded(db_path: Path, clock: FrozenClock) -> tuple[int, int]:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    short = room.declare("Search slow", "P1")
    tall = room.declare(
        "Checkout failing",
        "P1",
        summary=LONG,
        impact={"users": LONG, "services": LONG, "business": LONG},
    )
    for number in (short, tall):
        for n in range(60):
            clock.step(seconds=10)
            room.log(number, f"#{number} step {n:02d}")
    return short, tall


def visible_timeline(app: WarRoomApp) -> list[str]:
    view = app.query_one(TimelineView)
    region = Region(0, 0, view.outer_size.width, view.outer_size.height)
    return [strip.text for strip in view.render_lines(region)]


async def test_a_taller_header_leaves_the_newest_entry_on_the_bottom_line(
    db_path: Path, clock: FrozenClock
) -> None:
    short, tall = seeded(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        room = app.war_room
        first = room.selected_id
        await wait_for(
            pilot, lambda: any(f"#{first} step 59" in line for line in visible_timeline(app))
        )
        other = tall if first == short else short
        while room.selected_id != other:
            await pilot.press("j")
        await wait_for(pilot, lambda: room.shown_id == other)
        for _ in range(5):
            await pilot.pause()
        lines = visible_timeline(app)
        # the last line inside the border is the newest entry's
        assert f"#{other} step 59" in lines[-2], lines
