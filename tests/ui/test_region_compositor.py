"""The war room's compositor draws, for a partial update, only the widgets it shows,
and writes what Textual's own compositor writes for the same update (less a cursor
move that writes nothing)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.console import Console
from textual._compositor import Compositor
from textual.geometry import Region
from textual.widget import Widget

from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.region_compositor import RegionCompositor
from warroom.tui.widgets.incident_table import IncidentTable
from warroom.tui.widgets.timeline_view import TimelineView

# the cursor moved and nothing written there (Textual writes an empty piece for a
# widget whose edge is the update's right edge): no cell changes
IDLE_MOVE = re.compile(r"\x1b\[\d+;\d+H(?=\x1b\[\d+;\d+H|\n|$)")


def _update(compositor: Compositor, regions: list[Region], console: Console) -> str:
    """The terminal text of a partial update of `regions` (moves that write nothing
    left out)."""
    compositor._dirty_regions.update(regions)  # noqa: SLF001 - what a refresh leaves there
    update = compositor.render_partial_update()
    assert update is not None
    return IDLE_MOVE.sub("", update.render_segments(console))


async def test_a_partial_update_writes_what_textuals_own_writes(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = WarRoom(store.connect(db_path), clock, make_app(db_path, clock).actor, load_policy())
    for n in range(3):
        room.declare(f"Queue slow {n}", "P3")
    incident_id = room.declare("API down", "P1")  # first in the list: selected
    for n in range(30):  # more than the timeline shows: it scrolls
        room.log(incident_id, f"entry {n} " + "long words " * (n % 9))
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "entry 29" in timeline_text(app))
        await pilot.pause()
        compositor = app.war_room._compositor  # noqa: SLF001 - the screen's own
        assert isinstance(compositor, RegionCompositor)
        timeline = app.query_one(TimelineView).region
        table = app.query_one(IncidentTable).region
        cases = [
            [timeline],  # another console's entry
            [table],
            [Region(timeline.x + 3, timeline.y + 2, 7, 1)],  # inside one line, mid-widget
            [Region(0, table.y + 2, 5, 1), Region(100, timeline.bottom - 1, 20, 1)],
            [Region(50, 0, 70, 36)],  # across every pane, a column cut in two
            [app.war_room.region],
        ]
        ours = [_update(compositor, regions, app.console) for regions in cases]
        for name in ("_get_renders", "_render_chops"):
            monkeypatch.setattr(RegionCompositor, name, getattr(Compositor, name))
        textuals = [_update(compositor, regions, app.console) for regions in cases]
    assert ours == textuals
    assert all("entry 29" in text for text in ours[:1])


async def test_an_entry_from_elsewhere_draws_the_timeline_not_the_list(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The incident list (and the other panes beside the timeline) are not drawn
    for a change they do not show; they still are for one they do."""
    room = WarRoom(store.connect(db_path), clock, make_app(db_path, clock).actor, load_policy())
    incident_id = room.declare("API down", "P1")
    # acknowledged: the console's deadline sweep has no rung to climb (its write would
    # change the list, the ladder and the clocks in the window measured, on a slow machine)
    room.acknowledge(incident_id)
    app = make_app(db_path, clock)
    drawn: list[str] = []
    render_lines = Widget.render_lines
    table_lines = IncidentTable.render_lines

    def counted(self: Widget, crop: Region) -> object:
        drawn.append(type(self).__name__)
        return render_lines(self, crop)

    def table_counted(self: IncidentTable, crop: Region) -> object:
        drawn.append("IncidentTable")
        return table_lines(self, crop)

    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        room.log(incident_id, "the first entry")
        await wait_for(pilot, lambda: "the first entry" in timeline_text(app))
        await pilot.pause()
        monkeypatch.setattr(Widget, "render_lines", counted)
        monkeypatch.setattr(IncidentTable, "render_lines", table_counted)
        room.log(incident_id, "from another console")
        await wait_for(pilot, lambda: "from another console" in timeline_text(app))
        await pilot.pause()
        assert "TimelineView" in drawn, drawn
        assert "IncidentTable" not in drawn, drawn
        assert "StatusBar" not in drawn
        # the containers around the timeline: all they show there is drawn over by it
        assert "ContentSwitcher" not in drawn and "WarRoomScreen" not in drawn, drawn
        drawn.clear()
        app.query_one(IncidentTable).refresh()
        await pilot.pause()
        assert "IncidentTable" in drawn
        assert "TimelineView" not in drawn
