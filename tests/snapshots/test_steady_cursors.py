"""Snapshot runs draw the same cursor however long a step took (no blink)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, TextArea

from tests.ui.helpers import make_app, ready, showing, wait_for
from warroom.clock import FrozenClock
from warroom.demo import seed_demo
from warroom.loaders.policy import load_policy
from warroom.tui.dialogs.composer import ComposerScreen

BLINK_PERIOD = 0.5  # textual toggles a blinking cursor every half second


def _drawn(widget: Widget) -> list[Strip]:
    return [widget.render_line(y) for y in range(widget.size.height)]


async def _steady_for_two_blinks(pilot: Pilot[None], widget: Widget) -> None:
    """The focused field looks the same at each quarter of two blink periods."""
    assert widget.has_focus
    first = _drawn(widget)
    for _ in range(8):
        await pilot.pause(BLINK_PERIOD / 4)
        assert _drawn(widget) == first, "the cursor blinked during a snapshot run"


async def test_declare_form_cursor_stays_drawn(tmp_path: Path, clock: FrozenClock) -> None:
    seed_demo(tmp_path / "demo.db", load_policy(), clock.now())
    app = make_app(tmp_path / "demo.db", clock, name="Maya Chen")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        assert isinstance(app.focused, Input) and not app.focused.cursor_blink
        await _steady_for_two_blinks(pilot, app.focused)


async def test_composer_body_cursor_stays_drawn(tmp_path: Path, clock: FrozenClock) -> None:
    seed_demo(tmp_path / "demo.db", load_policy(), clock.now())
    app = make_app(tmp_path / "demo.db", clock, name="Maya Chen")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        assert isinstance(app.focused, TextArea) and not app.focused.cursor_blink
        await _steady_for_two_blinks(pilot, app.focused)
