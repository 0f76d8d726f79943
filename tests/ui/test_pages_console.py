"""The console shows who the selected incident paged, through what, when, and whether
it got through; a page that FAILED is said in the top bar and pops up once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.ui.helpers import ready, wait_for
from tests.unit.test_outbox import Recorder, paging_policy, room_on
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.pages_line import PagesLine
from warroom.tui.widgets.status_bar import StatusBar


def console(db_path: Path, clock: FrozenClock, policy: Policy) -> WarRoomApp:
    return WarRoomApp(
        db_path=db_path, actor=Actor("Zed", "zed"), policy=policy, clock=clock, tz=dt.UTC
    )


def shown(app: WarRoomApp) -> str:
    line = app.query_one(PagesLine)
    return str(line.content) if line.display else ""


async def test_pages_and_a_failed_one_are_shown_loudly(db_path: Path, clock: FrozenClock) -> None:
    policy = paging_policy("pages:\n  subscribers: [Eve Adams]\n  max_attempts: 1\n")
    room = room_on(db_path, clock, policy)
    quiet = room.declare("Quiet one", "P3", commander="Zed")  # Eve only
    # acknowledged: its ladder (Support team at once while unacknowledged, who has no
    # channel) is not climbed by the console's sweep, whenever that runs
    room.acknowledge(quiet)
    room.deliver_pages(Recorder())
    incident_id = room.declare("Checkout down", "P1", commander="Dana Kim")
    # Dana's page gets through; Eve's fails for good (one attempt allowed)
    room.deliver_pages(Recorder(fail=0), limit=1)
    room.deliver_pages(Recorder(fail=1), limit=1)
    app = console(db_path, clock, policy)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = app.war_room
        assert screen.selected_id == incident_id
        await wait_for(pilot, lambda: "Dana Kim" in shown(app))
        line = shown(app)
        assert "✓ Dana Kim via json 09:00:00 UTC" in line
        assert (
            "⚠ page to Eve Adams via json (declared) FAILED after 1 attempt:"
            " sink said 503 Service Unavailable"
        ) in line
        assert app.query_one(PagesLine).has_class("-failed")
        bar = str(app.query_one(StatusBar).render())
        assert f"⚠ PAGE FAILED: #{incident_id} page to Eve Adams via json (declared) FAILED" in bar
        # a page failing while the console is open pops up, once
        other = room.declare("Second", "P2", commander="Zed")
        room.deliver_pages(Recorder(fail=1))
        said = lambda: [str(n.message) for n in app._notifications]  # noqa: E731, SLF001
        await wait_for(pilot, lambda: any(f"#{other} page to Eve" in s for s in said()))
        await pilot.pause(0.3)
        assert sum(f"#{other} page to Eve" in s for s in said()) == 1
        assert not any(f"#{incident_id} page to Eve" in s for s in said())  # failed before
        # an incident whose pages all got through shows them, not in red
        screen.selected_id = quiet
        await wait_for(pilot, lambda: "Eve Adams" in shown(app) and "⚠" not in shown(app))
        assert not app.query_one(PagesLine).has_class("-failed")


async def test_no_pages_no_line(db_path: Path, clock: FrozenClock) -> None:
    policy = paging_policy()
    room = room_on(db_path, clock, policy)
    room.declare("Nobody to page", "P3", commander="Zed")  # no subscribers, Zed no contact
    app = console(db_path, clock, policy)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert not app.query_one(PagesLine).display
        assert "PAGE FAILED" not in str(app.query_one(StatusBar).render())
