"""The timeline's scrollbar is not drawn again for an entry that leaves it looking
the same (steady_scrollbar), and is whenever the thumb grows, shrinks or moves:
after each entry it shows what a repaint of it would show."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult

from tests.ui.scrollbars import Repaints, bar_drawn, repainted
from warroom.domain.models import TimelineEntry
from warroom.tui.widgets.steady_scrollbar import SteadyScrollBar
from warroom.tui.widgets.timeline_view import TimelineView

T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 24)


def row(entry_id: int) -> TimelineEntry:
    at = T0 + dt.timedelta(seconds=entry_id)
    return TimelineEntry(entry_id, 1, at, at, "Ana", "ana", "note", f"entry {entry_id}", {}, None)


class Host(App[None]):
    CSS: ClassVar[str] = "TimelineView { height: 14; scrollbar-gutter: stable; }"

    def compose(self) -> ComposeResult:
        yield TimelineView(tz=dt.UTC, today=TODAY)


@pytest.mark.parametrize(("first", "added"), [(5, 60), (2000, 40)])
async def test_the_scrollbar_shows_what_a_repaint_would(first: int, added: int) -> None:
    app = Host()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(TimelineView)
        view.replace([row(n) for n in range(1, first + 1)])
        await pilot.pause()
        await pilot.pause()
        bar = view.vertical_scrollbar
        assert isinstance(bar, SteadyScrollBar)
        repaints = Repaints(bar)
        looks = set()
        for entry_id in range(first + 1, first + added + 1):
            view.add([row(entry_id)])
            await pilot.pause()
            assert view.is_vertical_scroll_end
            shown = bar_drawn(bar)
            looks.add(str(shown))
            before = repaints.count
            assert shown == await repainted(pilot, bar), f"after entry {entry_id}"
            repaints.count = before  # the test's own repaint is not counted
        if first < 100:  # the thumb shrank and moved as the timeline grew: drawn each time
            assert len(looks) > 5
            assert repaints.count >= len(looks) - 1
        else:  # a cell at the bottom throughout: never drawn again
            assert len(looks) == 1
            assert repaints.count == 0
