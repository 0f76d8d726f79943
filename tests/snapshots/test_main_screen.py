"""What the main screen looks like with the demo war room on a frozen clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.ui.helpers import make_app, ready
from warroom.clock import FrozenClock
from warroom.demo import seed_demo
from warroom.loaders.policy import load_policy


@pytest.fixture
def demo_app(tmp_path: Path, clock: FrozenClock):
    path = tmp_path / "demo.db"
    seed_demo(path, load_policy(), clock.now())
    return make_app(path, clock, name="Maya Chen")


async def _loaded(pilot: Pilot[None]) -> None:
    await ready(pilot)
    await pilot.pause()


def test_main_screen_120x36(snap_compare, demo_app) -> None:
    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=_loaded)


def test_main_screen_80x24(snap_compare, demo_app) -> None:
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=_loaded)


def test_main_screen_resized_120x36_to_80x24(snap_compare, demo_app) -> None:
    """Laid out for the size reached, like one started at 80x24 (issue 14)."""

    async def resized(pilot: Pilot[None]) -> None:
        await _loaded(pilot)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=resized)


def test_declare_form_80x24(snap_compare, demo_app) -> None:
    async def open_form(pilot: Pilot[None]) -> None:
        await _loaded(pilot)
        await pilot.press("n")
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=open_form)


def test_help_screen(snap_compare, demo_app) -> None:
    async def open_help(pilot: Pilot[None]) -> None:
        await _loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=open_help)
