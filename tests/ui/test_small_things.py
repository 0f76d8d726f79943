"""Issue 14's small things: an ended incident's age and ladder, a new incident's
first seconds, the commander's place after a hand-off, the demo's count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.ui.helpers import detail_text, make_app, ready, wait_for
from warroom import store
from warroom.cli import cli
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.app import WarRoomApp
from warroom.tui.screens.war_room import WarRoomScreen
from warroom.tui.widgets.deadline_panes import LadderPane
from warroom.tui.widgets.status_bar import StatusBar


def ladder_text(app: WarRoomApp) -> str:
    return str(app.war_room.query_one(LadderPane).render())


async def test_a_closed_incident_stops_ageing_and_says_its_ladder_stopped(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout errors", "P1")  # the on-call is called at once
    room.sweep()
    clock.step(minutes=42)
    room.set_status(number, "resolved")
    clock.step(minutes=5)
    room.set_status(number, "closed", postmortem_owner="Di")
    room.postmortem(number, done=True)  # no clock runs any more
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await ready(pilot)
        await wait_for(pilot, lambda: app.war_room.selected_id == number)
        table = app.war_room.table
        assert table.get_cell(str(number), "age").plain == "42m"  # declared to resolved
        assert "age 42m" in detail_text(app)
        clock.step(hours=3)
        app.war_room.heartbeat()
        await pilot.pause()
        assert table.get_cell(str(number), "age").plain == "42m"
        assert "age 42m" in detail_text(app)
        await wait_for(pilot, lambda: "stopped: #1 is closed" in ladder_text(app))
        assert "no ladder for this severity" not in ladder_text(app)
        assert "✓ 1 On-call" in ladder_text(app)  # the call on record still shows


async def test_a_new_incident_has_its_on_call_called_with_the_declaration(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No heartbeat here: the first rung is called by the declaration itself, so the
    list never shows the escalation as due (it read `escal. OVERDUE 1s`)."""
    monkeypatch.setattr(WarRoomScreen, "heartbeat", lambda self: None)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", *"Checkout errors", "ctrl+s")
        await wait_for(pilot, lambda: app.war_room.table.order == [1])
        database = store.connect(db_path)
        await wait_for(pilot, lambda: queries.incident(database, 1).escalation_level == 1)
        await wait_for(pilot, lambda: "ack in" in app.war_room.table.get_cell("1", "next").plain)
        clock.step(seconds=1)
        await pilot.pause()
        assert "escal." not in app.war_room.table.get_cell("1", "next").plain


async def test_the_commander_stays_first_on_the_roles_line_after_a_hand_off(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout errors", "P1")
    room.assign_role(number, "scribe", "Tom Okafor")
    room.assign_role(number, "tech-lead", "Priya Raman")
    clock.step(minutes=5)
    room.hand_off(number, "Dana Kim", "State: rolling back")
    app = make_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        roles = next(line for line in detail_text(app).splitlines() if "Declared" in line)
        assert roles.index("IC: Dana Kim") < roles.index("Scribe: Tom Okafor")
        # at 80 columns the line wraps after the first roles: the commander is on screen
        shown = app.war_room.query_one("#detail")
        assert "IC: Dana Kim" in "".join(
            strip.text for strip in shown.render_lines(shown.region.reset_offset)
        )


async def test_the_demo_says_the_count_the_screen_shows(
    tmp_path: Path, cli_clock: FrozenClock
) -> None:
    path = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["--as", "Ana", "demo", "--no-open", "--db", str(path)])
    assert result.exit_code == 0, result.output
    said = re.search(r"demo database, (\d+ live · \d+ resolved) \(6 incidents\)", result.output)
    assert said is not None, result.output
    app = make_app(path, cli_clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        bar = app.war_room.query_one(StatusBar)
        await wait_for(pilot, lambda: f"{said.group(1)}  ·" in str(bar.render()))
