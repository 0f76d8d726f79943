"""The bench counts a key as shown when a frame draws the widgets that show it, not at
the first refresh after the change (which can draw the list's cursor alone)."""

from __future__ import annotations

import asyncio

from bench.run import Frames, minimal_keys
from textual.app import App, ComposeResult
from textual.widgets import Static


class TwoLabels(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("a", id="a")
        yield Static("b", id="b")


async def test_a_frame_that_draws_another_widget_does_not_count() -> None:
    app = TwoLabels()
    async with app.run_test() as pilot:
        await pilot.pause()
        a, b = app.query_one("#a", Static), app.query_one("#b", Static)
        frames = Frames(app.screen)
        changed = [False]
        painted = frames.painted(lambda: changed[0], b)
        b.update("b, before it counts")  # drawn while the change is not made: no
        await pilot.pause(0.1)
        changed[0] = True
        a.update("a again")  # drawn with the change made, but not the widget watched
        await pilot.pause(0.1)
        assert not painted.done()
        b.update("b again")
        await asyncio.wait_for(asyncio.shield(painted), 5)
        assert painted.done()


async def test_minimal_app_keys_are_timed() -> None:
    times = await minimal_keys(3)
    assert len(times) == 3
    assert all(t > 0 for t in times)
