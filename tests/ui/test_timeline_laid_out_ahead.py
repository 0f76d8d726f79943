"""A key shows the incident it selects with its timeline laid out ahead, off the
console's thread (issue 12: an incident of 3,000 entries took ~13 ms of the console's
thread to lay out on each key onto it, and ~5 ms more to let the old one go): the rows
it shows are those the view lays out itself, and a view of another shape lays out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from tests.ui.test_read_ahead import three_incidents, watcher_of
from warroom.clock import FrozenClock
from warroom.tui.widgets.timeline_view import TimelineView


def laid_out_ahead(watcher: Any, incident_id: int) -> bool:
    with watcher._asked:  # noqa: SLF001 - what it holds ahead
        held = watcher._held.get(incident_id)  # noqa: SLF001
    return held is not None and held.selection.laid_out is not None


def layout_of(view: TimelineView) -> tuple[object, ...]:
    return (
        list(view._rows),  # noqa: SLF001 - the rows it draws from
        list(view._first_row),  # noqa: SLF001
        [item.entry.id for item in view.shown],
        dict(view._line_counts),  # noqa: SLF001
    )


async def two_laid_out_ahead(pilot: Any) -> tuple[Any, Any, TimelineView]:
    """`j`, `k`: back on #1 once the view has said its shape, and #2 read ahead since
    (so laid out in that shape); the screen, its watcher and its timeline."""
    app = pilot.app
    screen, watcher = app.war_room, watcher_of(app)
    await pilot.press("j", "k")
    await wait_for(pilot, lambda: screen.shown_id == 1 and laid_out_ahead(watcher, 2))
    return screen, watcher, app.query_one(TimelineView)


@asynccontextmanager
async def decision_on_two(db_path: Path, clock: FrozenClock) -> AsyncIterator[Any]:
    """`three_incidents`, and a decision logged on #2 (what a filter to decisions shows),
    in a console that is ready: its pilot."""
    three_incidents(db_path, clock).log(2, "a decision on two", "decision")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        yield pilot


@pytest.fixture
def relayouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    relayout = TimelineView._relayout  # noqa: SLF001

    def counted(view: TimelineView, **kw: Any) -> None:
        calls.append(1)
        relayout(view, **kw)

    monkeypatch.setattr(TimelineView, "_relayout", counted)
    return calls


async def test_j_shows_the_timeline_laid_out_ahead_as_the_view_lays_it_out(
    db_path: Path, clock: FrozenClock, relayouts: list[int]
) -> None:
    room = three_incidents(db_path, clock)
    for n in range(60):  # #2: two days, entries that wrap, one of several lines
        text = f"note {n} " + ("that goes on and on " * 12 if n % 9 == 0 else "")
        room.log(2, text + ("\nsecond line\nthird" if n == 30 else ""))
        clock.step(minutes=50)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen, _, view = await two_laid_out_ahead(pilot)
        relayouts.clear()
        await pilot.press("j")
        assert screen.shown_id == 2
        assert relayouts == []  # taken as laid out ahead
        taken = layout_of(view)
        view._relayout(follow=True)  # noqa: SLF001 - as the view lays it out itself
        assert layout_of(view) == taken
        text = timeline_text(app)
        assert "note 59" in text and "second line" in text and "note 0" in text


async def test_a_view_of_another_shape_lays_out_itself(
    db_path: Path, clock: FrozenClock, relayouts: list[int]
) -> None:
    async with decision_on_two(db_path, clock) as pilot:
        screen, _, view = await two_laid_out_ahead(pilot)
        view.set_filter("decision")  # after #2 was laid out ahead for "all"
        relayouts.clear()
        await pilot.press("j")
        assert screen.shown_id == 2
        assert relayouts  # laid out here, under the filter
        assert [item.entry.text for item in view.shown] == ["a decision on two"]


async def test_after_a_filter_the_incidents_read_ahead_are_laid_out_under_it(
    db_path: Path, clock: FrozenClock, relayouts: list[int]
) -> None:
    async with decision_on_two(db_path, clock) as pilot:
        app = pilot.app
        watcher, view = watcher_of(app), app.query_one(TimelineView)
        view.set_filter("decision")
        await wait_for(
            pilot,
            lambda: (
                watcher.timeline_shape is not None
                and watcher.timeline_shape.filter_name == "decision"
            ),
        )
        screen, _, _ = await two_laid_out_ahead(pilot)  # #2 read ahead under the filter
        relayouts.clear()
        await pilot.press("j")
        assert screen.shown_id == 2
        assert relayouts == []  # taken as laid out ahead, under the filter
        assert [item.entry.text for item in view.shown] == ["a decision on two"]
