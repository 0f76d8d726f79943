"""A resize lays the screen out for the new size at once: the same screen as one
started at that size (it used to stay one resize behind)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import make_app, ready, wait_for
from warroom.clock import FrozenClock
from warroom.demo import seed_demo
from warroom.loaders.policy import load_policy
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.deadline_panes import LadderPane


def ladder_text(app: WarRoomApp) -> str:
    return str(app.war_room.query_one(LadderPane).render())


async def test_wide_to_small_and_back(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "demo.db"
    seed_demo(path, load_policy(), clock.now())
    app = make_app(path, clock, name="Maya Chen")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = app.war_room
        await wait_for(pilot, lambda: "Reach" in ladder_text(app))
        assert not screen.has_class("-narrow") and not screen.has_class("-short")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        # the small layout now, with what it draws (no contact lines, the newest entry)
        assert screen.has_class("-narrow") and screen.has_class("-short")
        assert "Reach" not in ladder_text(app)
        clocks = screen.query_one("#clocks")
        assert clocks.region.y > screen.query_one("#timeline").region.y  # under it
        await wait_for(pilot, lambda: screen.timeline.is_vertical_scroll_end)
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert not screen.has_class("-narrow") and not screen.has_class("-short")
        assert "Reach" in ladder_text(app)
        await wait_for(pilot, lambda: screen.timeline.is_vertical_scroll_end)
