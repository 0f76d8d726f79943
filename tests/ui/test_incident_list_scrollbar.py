"""The incident list's scrollbar is not drawn again for a j/k that scrolls the list by
a row and leaves its thumb where it was (a cell per ~100 rows of 1,000), and is when
the thumb moves: after each key it shows what a repaint of it would show."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot

from tests.records import an_incident
from tests.ui.scrollbars import Repaints, bar_drawn, repainted
from warroom.tui.widgets.incident_table import IncidentTable

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


class Host(App[None]):
    CSS: ClassVar[str] = "IncidentTable { height: 12; }"

    def compose(self) -> ComposeResult:
        yield IncidentTable()


async def listed(pilot: Pilot[None], incidents: int) -> IncidentTable:
    """The host's list showing that many incidents, focused, its first row selected."""
    table = pilot.app.query_one(IncidentTable)
    rows = [an_incident(n, NOW - dt.timedelta(minutes=n)) for n in range(1, incidents + 1)]
    table.show(rows, NOW, 1, {})
    table.focus()
    await pilot.pause()
    return table


async def test_j_draws_the_lists_scrollbar_again_only_when_its_thumb_moves() -> None:
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        table = await listed(pilot, 1000)
        bar = table.vertical_scrollbar
        repaints = Repaints(bar)
        looks = []
        for _ in range(150):  # past the first screenful: each j scrolls by a row
            await pilot.press("j")
            shown = bar_drawn(bar)
            if not looks or looks[-1] != str(shown):
                looks.append(str(shown))
            before = repaints.count
            assert shown == await repainted(pilot, bar), f"at row {table.cursor_row}"
            repaints.count = before  # the test's own repaint is not counted
        assert table.cursor_row == 150
        assert len(looks) > 1  # the thumb moved on the way
        assert 0 < repaints.count < 20  # drawn when it moved, not for each of 150 keys


def finished(table: IncidentTable) -> list[list[tuple[str, object]]]:
    """Each row of the list as the screen gets it (border, padding, filters), by cell."""
    width, height = table.outer_size
    strips = table.render_lines(Region(0, 0, width, height))
    return [[(ch, s.style) for s in strip for ch in s.text] for strip in strips]


async def test_j_that_scrolls_the_list_shows_each_row_as_a_full_redraw_would() -> None:
    """The rows finished before are kept through a scroll (`KeptStrips`): after each key,
    row for row and cell for cell, what Textual's own finish draws."""
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        table = await listed(pilot, 60)
        kept = table._styles_cache  # noqa: SLF001 - compared with Textual's own
        for key in ["j"] * 25 + ["k"] * 15 + ["pagedown", "j", "blur"]:
            if key == "blur":
                app.set_focus(None)  # the border and cursor as an unfocused list draws them
            else:
                await pilot.press(key)
            await pilot.pause()
            shown = finished(table)
            table._styles_cache = StylesCache()  # noqa: SLF001
            try:
                assert shown == finished(table), f"after {key} at row {table.cursor_row}"
            finally:
                table._styles_cache = kept  # noqa: SLF001
