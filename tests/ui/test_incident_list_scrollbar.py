"""The incident list's scrollbar is not drawn again for a j/k that scrolls the list by
a row and leaves its thumb where it was (a cell per ~100 rows of 1,000), and is when
the thumb moves: after each key it shows what a repaint of it would show."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.segment import Segment
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.scrollbar import ScrollBar

from tests.records import an_incident
from warroom.tui.widgets.incident_table import IncidentTable

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


class Host(App[None]):
    CSS: ClassVar[str] = "IncidentTable { height: 12; }"

    def compose(self) -> ComposeResult:
        yield IncidentTable()


def bar_drawn(bar: ScrollBar) -> list[list[Segment]]:
    width, height = bar.outer_size
    strips = bar.render_lines(Region(0, 0, width, height))
    return [[Segment(s.text, s.style) for s in strip] for strip in strips]


async def repainted(pilot: Pilot[None], bar: ScrollBar) -> list[list[Segment]]:
    bar.refresh()
    await pilot.pause()
    return bar_drawn(bar)


async def test_j_draws_the_lists_scrollbar_again_only_when_its_thumb_moves() -> None:
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(IncidentTable)
        incidents = [an_incident(n, NOW - dt.timedelta(minutes=n)) for n in range(1, 1001)]
        table.show(incidents, NOW, 1, {})
        table.focus()
        await pilot.pause()
        bar = table.vertical_scrollbar
        drawn_again = 0
        real = bar._render_content  # noqa: SLF001 - count the repaints

        def counted() -> None:
            nonlocal drawn_again
            drawn_again += 1
            real()

        bar._render_content = counted  # type: ignore[method-assign]  # noqa: SLF001
        looks = []
        for _ in range(150):  # past the first screenful: each j scrolls by a row
            await pilot.press("j")
            shown = bar_drawn(bar)
            if not looks or looks[-1] != str(shown):
                looks.append(str(shown))
            before = drawn_again
            assert shown == await repainted(pilot, bar), f"at row {table.cursor_row}"
            drawn_again = before  # the test's own repaint is not counted
        assert table.cursor_row == 150
        assert len(looks) > 1  # the thumb moved on the way
        assert 0 < drawn_again < 20  # drawn when it moved, not for each of 150 keys


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
        table = app.query_one(IncidentTable)
        incidents = [an_incident(n, NOW - dt.timedelta(minutes=n)) for n in range(1, 61)]
        table.show(incidents, NOW, 1, {})
        table.focus()
        await pilot.pause()
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
