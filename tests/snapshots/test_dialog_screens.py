"""The dialogs a comms lead and a commander use on a small terminal (80x24): the
composer (the text gets the rows; its one free field labelled as an input) and
the role dialog (its list inside the dialog, the name field completing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.ui.helpers import make_app, ready, showing, wait_for
from warroom.clock import FrozenClock
from warroom.demo import seed_demo
from warroom.loaders.policy import load_policy
from warroom.tui.dialogs.assign import AssignScreen
from warroom.tui.dialogs.composer import ComposerScreen


@pytest.fixture
def demo_app(tmp_path: Path, clock: FrozenClock):
    path = tmp_path / "demo.db"
    seed_demo(path, load_policy(), clock.now())
    return make_app(path, clock, name="Maya Chen")


def test_composer_80x24(snap_compare, demo_app) -> None:
    async def open_composer(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=open_composer)


def test_role_dialog_80x24(snap_compare, demo_app) -> None:
    async def open_role(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: showing(pilot.app, AssignScreen))
        await pilot.press("down", "down", "enter", "d", "a")  # Scribe, then a contact's name
        await pilot.pause(0.2)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=open_role)
