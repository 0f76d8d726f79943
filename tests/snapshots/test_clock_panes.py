"""The SLA and ladder panes in their ok, warning and overdue states."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.conftest import T0
from tests.ui.helpers import make_app, ready, showing, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.app import WarRoomApp
from warroom.tui.dialogs.composer import ComposerScreen


def _app(tmp_path: Path, minutes: float) -> WarRoomApp:
    path = tmp_path / "clocks.db"
    clock = FrozenClock(T0)
    room = WarRoom(store.connect(path), clock, Actor("Maya Chen", "maya"), load_policy())
    incident_id = room.declare("Checkout errors in EU", "P1", "availability", "5xx at checkout")
    room.sweep()
    clock.step(minutes=3)
    room.log(incident_id, "Error rate at 40%", "finding")
    clock.set(T0 + dt.timedelta(minutes=minutes))
    return make_app(path, clock, name="Maya Chen")


async def _settled(pilot: Pilot[None]) -> None:
    """Loaded, swept (nothing due left unrecorded), and redrawn."""
    await ready(pilot)
    app = pilot.app
    assert isinstance(app, WarRoomApp)
    await wait_for(pilot, lambda: not app.war_room.board.read(app.clock.now()).unrecorded)
    app.war_room.heartbeat()
    await pilot.pause()


@pytest.mark.parametrize(("minutes", "state"), [(5, "ok"), (12, "warning"), (16, "overdue")])
def test_clock_panes(snap_compare, tmp_path: Path, minutes: float, state: str) -> None:
    assert snap_compare(_app(tmp_path, minutes), terminal_size=(120, 36), run_before=_settled)


def test_checklist_pane(snap_compare, tmp_path: Path) -> None:
    from warroom.loaders.runbooks import load_runbooks

    runbooks = load_runbooks()
    path = tmp_path / "checklist.db"
    clock = FrozenClock(T0)
    room = WarRoom(store.connect(path), clock, Actor("Maya Chen", "maya"), load_policy(), runbooks)
    incident_id = room.declare("Checkout errors in EU", "P1", "availability")
    clock.step(minutes=2)
    room.tick(incident_id, "1")  # item 2 was ticked by warroom at declaration (issue 13)
    room.answer(incident_id, "rapid-assessment/triage-questions/1", "checkout-api [eu-west]")
    clock.step(minutes=14)
    app = make_app(path, clock, name="Maya Chen", runbooks=runbooks)

    async def open_checklist(pilot: Pilot[None]) -> None:
        await _settled(pilot)
        await pilot.press("c")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=open_checklist)


def test_composer(snap_compare, tmp_path: Path) -> None:
    app = _app(tmp_path, 10)

    async def open_composer(pilot: Pilot[None]) -> None:
        await _settled(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: showing(pilot.app, ComposerScreen))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=open_composer)
