"""The incident header never cuts the impact or the commander: at 80×24 it has three
rows, and the whole header (title, state, roles, summary, impact) used to be cut at
the bottom, where the impact is; it is laid out compact there instead."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region

from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.detail_fit import share_out
from warroom.tui.widgets.incident_detail import IncidentDetail

USERS = "every EU customer paying by card (about 60% of sessions fail at checkout)"
SERVICES = "checkout-api, payments-gateway (eu-west), [bold]ledger[/bold]"
BUSINESS = "about EUR 40k/h of orders at risk"


def header_lines(app: WarRoomApp) -> list[str]:
    """The rows the header draws now."""
    detail = app.war_room.query_one(IncidentDetail)
    region = Region(0, 0, detail.outer_size.width, detail.outer_size.height)
    return [strip.text.strip() for strip in detail.render_lines(region)]


def seeded(db_path: Path, clock: FrozenClock) -> int:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare(
        "Checkout API returning 503 for EU customers paying by card since the deploy",
        "P1",
        summary="Checkout requests in eu-west fail with 503 since the 08:10 deploy.",
        drill=True,
        impact={"users": USERS, "services": SERVICES, "business": BUSINESS},
    )
    room.assign_role(number, "scribe", "Tom Okafor")
    room.assign_role(number, "tech-lead", "Priya Raman")
    room.assign_role(number, "comms-lead", "Sam Novak")
    clock.step(minutes=5)
    room.hand_off(number, "Dana Kim-Oyelaran", "State: rolling back")
    return number


async def test_at_80x24_the_commander_and_the_impact_show(
    db_path: Path, clock: FrozenClock
) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: any("Impact" in line for line in header_lines(app)))
        lines = header_lines(app)
        assert len(lines) == 3
        title, state, impact = lines
        assert title.startswith("#1 Checkout API") and title.endswith("…  [DRILL]")
        assert "IC: Dana Kim-Oyelaran" in state and "P1" in state and "INVESTIGATING" in state
        assert impact.startswith("Impact users: every EU")
        # each value cut to its share, the markup-looking one shown as typed
        assert "· svc: checkout-api" in impact and "· biz: about EUR" in impact
        assert all(len(line) <= 78 for line in lines)

        # wide and tall: the whole impact, wrapped where it needs to be
        await pilot.resize_terminal(140, 40)
        await wait_for(pilot, lambda: len(header_lines(app)) > 3)
        shown = " ".join(header_lines(app))
        assert "IC: Dana Kim-Oyelaran" in shown
        for value in (USERS, SERVICES, BUSINESS):
            assert " ".join(value.split()) in shown
        assert "Summary" in shown

        # and back: compact again at once (not one resize behind)
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: len(header_lines(app)) == 3)
        assert header_lines(app)[2].startswith("Impact users:")


def test_values_share_the_row_fairly() -> None:
    """A short value keeps all of itself; the long ones split what is left; wide
    characters count two cells."""
    assert share_out(["?", "x" * 50, "y" * 50], 41) == ["?", "x" * 19 + "…", "y" * 19 + "…"]
    assert share_out(["short", "also"], 40) == ["short", "also"]
    cut = share_out(["障害" * 10, "abc"], 13)
    assert cut[1] == "abc" and cut[0].endswith("…")
    assert sum(2 if ord(c) > 0x2E80 else 1 for c in cut[0]) <= 10


async def test_a_compact_header_follows_each_change_made_elsewhere(
    db_path: Path, clock: FrozenClock
) -> None:
    """The fitted header is kept while what it says stays the same (another console's
    entry); a new commander, a new impact or the age moving on is laid out again."""
    number = seeded(db_path, clock)
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    app = make_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: any("Impact" in line for line in header_lines(app)))
        before = header_lines(app)
        room.log(number, "from elsewhere")
        await wait_for(pilot, lambda: "from elsewhere" in timeline_text(app))
        assert header_lines(app) == before
        room.assign_role(number, "commander", "Femi Bello")
        await wait_for(pilot, lambda: "IC: Femi Bello" in header_lines(app)[1])
        room.set_impact(number, users="nobody now")
        await wait_for(pilot, lambda: header_lines(app)[2].startswith("Impact users: nobody now"))
        clock.step(hours=3)
        app.war_room.heartbeat()
        await wait_for(pilot, lambda: "age 3h" in " ".join(header_lines(app)))
