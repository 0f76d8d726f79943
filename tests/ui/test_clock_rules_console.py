"""Issue 13's clocks in the console: `m` names the post-mortem's owner and marks it
done (each a timeline row; its clock met when done, not when closed), `i` records
when customer impact started and ended, and the SLA pane has a clock per audience."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, Label

from tests.conftest import T0
from tests.ui.helpers import make_app, ready, showing, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.app import WarRoomApp
from warroom.tui.dialogs.impact import ImpactScreen
from warroom.tui.dialogs.postmortem import PostmortemScreen
from warroom.tui.keys import ACTIONS
from warroom.tui.widgets.deadline_panes import SlaPane

MIN = dt.timedelta(minutes=1)


def sla_text(app: object) -> str:
    return str(app.query_one(SlaPane).content)  # type: ignore[attr-defined]


async def test_m_names_the_owner_then_marks_the_post_mortem_done(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout errors", "P1")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: showing(app, PostmortemScreen))
        assert not app.screen.query("#pm-done")  # not resolved: nothing to mark done yet
        await pilot.press(*"Cy Ito", "enter")
        await wait_for(pilot, lambda: "Post-mortem owner: Cy Ito" in timeline_text(app))
        room.set_status(number, "resolved")  # another console resolves it
        clock.step(minutes=10)
        await pilot.press("t")  # resolved: listed with the ended incidents
        await wait_for(pilot, lambda: "Post-mortem   in " in sla_text(app))
        await pilot.press("m")
        await wait_for(pilot, lambda: showing(app, PostmortemScreen))
        await pilot.click("#pm-done")
        await pilot.press("ctrl+s")
        database = store.connect(db_path)
        await wait_for(pilot, lambda: queries.incident(database, number).postmortem_done_at)
        await wait_for(pilot, lambda: "marked done by Ana" in timeline_text(app))
        await wait_for(pilot, lambda: "Post-mortem   met 09:10" in sla_text(app))
    incident = queries.incident(database, number)
    assert incident.postmortem_owner == "Cy Ito" and incident.postmortem_done_at is not None


async def test_a_closed_incident_keeps_its_post_mortem_clock_until_done(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout errors", "P1")
    room.set_status(number, "resolved")
    clock.step(seconds=20)
    room.set_status(number, "closed", postmortem_owner="Cy Ito")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")  # closed: listed with the ended incidents
        await wait_for(pilot, lambda: "Post-mortem   in 1d 23h" in sla_text(app))
        room.postmortem(number, done=True)  # another console marks it done
        await wait_for(pilot, lambda: "no running clocks" in sla_text(app))


def test_m_is_on_the_help_screen_and_in_the_palette() -> None:
    action = next(a for a in ACTIONS if a.key == "m")
    assert action.action == "postmortem" and "mark it done" in action.help


async def test_i_records_when_customer_impact_started_and_ended(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout errors", "P1")
    clock.step(minutes=30)
    app = make_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: showing(app, ImpactScreen))
        app.screen.query_one("#impact-impact_started_at", Input).value = "08:40"
        app.screen.query_one("#impact-impact_ended_at", Input).value = "later"
        await pilot.press("ctrl+s")
        error = app.screen.query_one("#form-error", Label)
        assert "Customer impact ended: 'later' is not a time" in str(error.content)
        app.screen.query_one("#impact-impact_ended_at", Input).value = "09:20"
        await pilot.press("ctrl+s")
        database = store.connect(db_path)
        await wait_for(pilot, lambda: queries.incident(database, number).impact_ended_at)
    incident = queries.incident(database, number)
    assert (incident.impact_started_at, incident.impact_ended_at) == (
        T0 - 20 * MIN,
        T0 + 20 * MIN,
    )
    texts = [e.text for e in queries.timeline(database, number) if e.kind == "impact"]
    assert texts == [
        "Impact times — impact started 2026-11-23 08:40:00 UTC;"
        " impact ended 2026-11-23 09:20:00 UTC"
    ]


async def test_the_sla_pane_shows_a_clock_per_audience(db_path: Path, clock: FrozenClock) -> None:
    seed003 = load_policy(
        Path(__file__).resolve().parents[1] / "fixtures/policies/seed003_p0_p3.yaml"
    )
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), seed003)
    number = room.declare("Checkout errors", "P0")
    clock.step(minutes=2)
    room.post_update(number, "We are investigating.", audience="external")
    app = WarRoomApp(
        db_path=db_path, actor=Actor("Ana", "ana"), policy=seed003, clock=clock, tz=dt.UTC
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "Customer upd" in sla_text(app))
        lines = sla_text(app).splitlines()
        assert "1st update by met 09:02          09:15" in lines
        assert "Internal upd  in 13m00s          09:15" in lines  # the customer post: not it
        assert "Customer upd  in 30m00s          09:32" in lines
