"""The ladder in the console: `e` asks before it pages, roles hold several people."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from tests.ui.helpers import detail_text, make_app, ready, showing, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.app import WarRoomApp
from warroom.tui.dialogs.choose import ChooseScreen
from warroom.tui.dialogs.escalate import EscalateScreen
from warroom.tui.widgets.deadline_panes import LadderPane


@pytest.fixture
def room(db_path: Path, clock: FrozenClock) -> WarRoom:
    return WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())


def calls(room: WarRoom, incident_id: int) -> list[tuple[str, str, str]]:
    return [(e.who, e.person, e.how) for e in queries.engagements(room.db, incident_id)]


def dialog_text(app: WarRoomApp) -> str:
    screen = app.screen
    assert isinstance(screen, EscalateScreen)
    return str(screen.query_one("#escalate-who").render())


async def test_e_names_who_will_be_called_and_escape_pages_nobody(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    incident_id = room.declare("Checkout errors", "P1")
    room.assign_role(incident_id, "tech-lead", "Chen Wei")
    room.sweep()  # the on-call is paged at once
    room.acknowledge(incident_id)  # so the Tech lead rung (unacknowledged) is not needed
    clock.step(minutes=20)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "not needed" in str(app.query_one(LadderPane).content))
        pane = str(app.query_one(LadderPane).content)  # how to reach people, beside the ladder
        assert "On call   Ben Okafor\n  +44 20 7946 0102 · @ben" in pane
        assert "2nd       Chen Wei\n  +44 20 7946 0103 · @chen" in pane  # each person once
        await pilot.press("e")
        await wait_for(pilot, lambda: showing(app, EscalateScreen))
        said = dialog_text(app)
        assert "Calls level 2 Tech lead: Chen Wei via Slack + Phone" in said
        assert "+44 20 7946 0103 · @chen · chen@example.com" in said  # how to reach him
        assert "Not needed: it calls only while unacknowledged" in said
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, EscalateScreen))
        await pilot.pause(0.2)
        assert calls(room, incident_id) == [("On-call", "Ben Okafor", "auto")]  # nobody paged

        await pilot.press("e")
        await wait_for(pilot, lambda: showing(app, EscalateScreen))
        await pilot.press("e")  # one more key pages
        await wait_for(pilot, lambda: len(calls(room, incident_id)) == 2)
        assert calls(room, incident_id)[-1] == ("Tech lead", "Chen Wei", "manual")
        await wait_for(pilot, lambda: "✓ 2 Tech lead" in str(app.query_one(LadderPane).content))
        said = [e.text for e in queries.timeline(room.db, incident_id)]
        assert "Escalated to level 2: Tech lead (Chen Wei) via Slack + Phone by Ana" in said


async def test_a_rung_called_elsewhere_meanwhile_is_not_called_twice(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    incident_id = room.declare("Checkout errors", "P0")  # On-call, Eng lead at once; CTO 30m
    room.sweep()
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: showing(app, EscalateScreen))
        said = dialog_text(app)
        assert "Calls level 3 CTO: Eve Adams" in said and "Not needed yet: due at 09:30" in said
        room.escalate(incident_id)  # another console calls the CTO while this one asks
        await pilot.press("enter")
        said = lambda: [str(n.message) for n in app._notifications]  # noqa: E731, SLF001
        await wait_for(pilot, lambda: any("ladder moved on" in m for m in said()))
        assert [who for who, _, _ in calls(room, incident_id)] == [
            "On-call", "Eng lead", "CTO"
        ]  # fmt: skip  # the CEO was never paged


async def test_a_role_holds_several_people_in_the_console(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    incident_id = room.declare("Replica lag", "P2")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        for person in ("Priya", "Tom"):
            await pilot.press("r")
            await pilot.pause()
            # the roles are a list inside the dialog now (a dropdown drew outside it)
            roles = app.screen.query_one("#role", OptionList)
            roles.highlighted = app.screen.role_keys.index("sme")  # type: ignore[attr-defined]
            await pilot.press("enter", *person, "enter")
            await wait_for(pilot, lambda p=person: f"{p}" in detail_text(app))
        assert "SME: Priya, Tom" in detail_text(app)  # the second added, not replacing
        pane = str(app.query_one(LadderPane).content)
        assert "SME       Priya (no contact)\nSME       Tom (no contact)" in pane
        holders = [(r.role, r.person) for r in queries.roles(room.db, incident_id)]
        assert ("sme", "Priya") in holders and ("sme", "Tom") in holders
        await pilot.press("R")  # take one holder off: the list names each person and role
        await wait_for(pilot, lambda: showing(app, ChooseScreen))
        options = app.screen.query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(2)] == [
            "Priya — SME", "Tom — SME"
        ]  # fmt: skip
        options.highlighted = 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: "SME: Tom" in detail_text(app))
        assert "Priya is no longer SME" in timeline_text(app)
        said = [e.text for e in queries.timeline(room.db, incident_id) if e.kind == "role"]
        assert said[-2:] == [
            "Tom is now also SME (with Priya)",
            "Priya is no longer SME (Tom still is)",
        ]
        assert [(r.role, r.person) for r in queries.roles(room.db, incident_id)] == [
            ("commander", "Bo"), ("sme", "Tom")
        ]  # fmt: skip


async def test_e_says_when_the_next_rung_has_nobody_and_where_the_call_goes(
    db_path: Path, clock: FrozenClock, room: WarRoom
) -> None:
    incident_id = room.declare("Checkout errors", "P1")  # nobody is Tech lead
    room.sweep()
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(
            pilot, lambda: "2 Tech lead nobody" in str(app.query_one(LadderPane).content)
        )
        await pilot.press("e")
        await wait_for(pilot, lambda: showing(app, EscalateScreen))
        said = dialog_text(app)
        assert "⚠ Level 2 Tech lead: nobody holds it; the call falls through." in said
        assert "Calls level 3 CTO: Eve Adams via Slack + Phone" in said
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(calls(room, incident_id)) == 3)
        assert calls(room, incident_id)[1:] == [
            ("Tech lead", "", "manual"),
            ("CTO", "Eve Adams", "manual"),
        ]
