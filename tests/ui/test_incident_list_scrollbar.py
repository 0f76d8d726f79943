"""The incident list's scrollbar is not drawn again for a j/k that scrolls the list by
a row and leaves its thumb where it was (a cell per ~100 rows of 1,000), and is when
the thumb moves: after each key it shows what a repaint of it would show."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.segment import Segment
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
