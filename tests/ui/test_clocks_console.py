"""Countdowns and the ladder on screen, with a clock the test steps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.conftest import T0
from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.deadline_panes import LadderPane, SlaPane


def pane_text(app: WarRoomApp, pane: type[SlaPane] | type[LadderPane]) -> str:
    return str(app.query_one(pane).content)


@pytest.fixture
def p1(db_path: Path, clock: FrozenClock) -> int:
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy())
    incident_id = room.declare("Checkout errors", "P1")
    room.assign_role(incident_id, "tech-lead", "Chen Wei")  # the second rung has someone
    return incident_id


async def step(pilot: Pilot[None], clock: FrozenClock, **delta: float) -> None:
    clock.step(**delta)
    app = pilot.app
    assert isinstance(app, WarRoomApp)
    app.war_room.heartbeat()
    await pilot.pause()


async def test_stepping_past_the_ack_deadline(db_path: Path, clock: FrozenClock, p1: int) -> None:
    app = make_app(db_path, clock)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "On-call" in pane_text(app, LadderPane))
        # issue 13: a countdown carries its units: never alike the deadline beside it
        assert "Ack by        in 15m00s          09:15" in pane_text(app, SlaPane)
        await step(pilot, clock, minutes=12)
        assert "Ack by        in 3m00s soon" in pane_text(app, SlaPane)
        assert app.query_one(SlaPane).has_class("-warning")
        await step(pilot, clock, minutes=3)
        assert "Ack by        due now" in pane_text(app, SlaPane)  # at the deadline: on time
        await step(pilot, clock, seconds=1)
        assert "Ack by        OVERDUE 1s" in pane_text(app, SlaPane)
        assert app.query_one(SlaPane).has_class("-overdue")
        await wait_for(pilot, lambda: "SLA breached: Acknowledge by" in timeline_text(app))
        await wait_for(pilot, lambda: "✓ 2 Tech lead" in pane_text(app, LadderPane))
        for _ in range(3):
            await step(pilot, clock, seconds=1)
        assert "ack OVERDUE 4s" in app.war_room.table.get_cell(str(p1), "next").plain
        assert len(rings) == 1  # two breaches at the same moment: one ring, and no more
    database = store.connect(db_path)
    kinds = [e.kind for e in queries.timeline(database, p1)]
    assert kinds.count("sla_breach") == 2
    assert kinds.count("escalation") == 2
    assert database.conn.execute("SELECT count(*) FROM sla_breaches").fetchone()[0] == 2


async def test_showing_ended_incidents_keeps_breaches_known_and_clocks_shown(
    db_path: Path, clock: FrozenClock, p1: int
) -> None:
    """`t` once redrew the list from a snapshot without clocks or breaches: the SLA
    pane went blank and the next real read rang the bell again for every breach."""
    app = make_app(db_path, clock)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await step(pilot, clock, minutes=15, seconds=1)
        await wait_for(pilot, lambda: "SLA breached: Acknowledge by" in timeline_text(app))
        await wait_for(pilot, lambda: len(rings) == 1)
        for shown in ("showing ended incidents", ""):
            await pilot.press("t")
            assert shown in str(app.query_one("#top-bar").render())
            assert "Ack by        OVERDUE" in pane_text(app, SlaPane)
            await step(pilot, clock, seconds=1)
            assert "Ack by        OVERDUE" in pane_text(app, SlaPane)
        room.log(p1, "read after the toggle")  # another console: a real snapshot follows
        await wait_for(pilot, lambda: "read after the toggle" in timeline_text(app))
        await step(pilot, clock, seconds=1)
        assert "Ack by        OVERDUE" in pane_text(app, SlaPane)
        assert len(rings) == 1


async def test_old_breaches_of_ended_incidents_read_at_start_up_do_not_ring(
    db_path: Path, clock: FrozenClock, p1: int
) -> None:
    """Start-up reads the live incidents first and the ended ones just after: the
    ended ones' breaches are old news, not a reason to ring."""
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    ended = room.declare("Old outage", "P1", declared_at=clock.now() - dt.timedelta(hours=3))
    room.sweep()  # its ack and first update breached long ago, on record
    room.set_status(ended, "resolved")  # ended, its post-mortem clock still running
    app = make_app(db_path, clock)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: ended in app.war_room.table.order)
        await step(pilot, clock, seconds=1)
        assert rings == []


async def test_acknowledging_stops_the_clock_and_the_ladder(
    db_path: Path, clock: FrozenClock, p1: int
) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await step(pilot, clock, minutes=5)
        await pilot.press("a")
        await wait_for(pilot, lambda: "Ack by        met" in pane_text(app, SlaPane))
        await step(pilot, clock, minutes=20)
        assert "– 2 Tech lead" in pane_text(app, LadderPane)
        assert "not needed" in pane_text(app, LadderPane)


async def test_e_escalates_now(db_path: Path, clock: FrozenClock, p1: int) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        try:
            await wait_for(pilot, lambda: "→ 2 Tech lead" in pane_text(app, LadderPane))
        except AssertionError:
            raise AssertionError(pane_text(app, LadderPane)) from None
        await pilot.press("e", "e")  # `e` asks first (issue 13); `e` again pages
        await wait_for(pilot, lambda: "✓ 2 Tech lead" in pane_text(app, LadderPane))
        assert "by hand" in pane_text(app, LadderPane)
        assert "Escalated to level 2: Tech lead" in timeline_text(app)


async def test_a_five_level_policy_drives_the_console(db_path: Path) -> None:
    policy = load_policy(Path(__file__).parents[1] / "fixtures" / "policies" / "sev5.yaml")
    clock = FrozenClock(dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC))  # a Tuesday, 10:00 NY
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    room.declare("Queue backlog", "SEV2")
    app = WarRoomApp(
        db_path=db_path, actor=Actor("Ana", "ana"), policy=policy, clock=clock, tz=dt.UTC
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "SEV2" in pane_text(app, LadderPane))
        await pilot.press("p", "end", "enter")
        await wait_for(pilot, lambda: "SEV5" in pane_text(app, LadderPane))
    assert clock.now() > T0
