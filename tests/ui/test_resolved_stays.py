"""Resolving keeps the incident on every console's list (marked, dimmed) until it
is closed: the resolution update, the cause and the close need no `t`."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from tests.ui.helpers import make_app, ready, showing, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.dialogs.choose import ChooseScreen
from warroom.tui.dialogs.close import CloseScreen
from warroom.tui.widgets.status_bar import StatusBar


def _dimmed(cell: Text) -> bool:
    return any("dim" in str(span.style) for span in cell.spans)


def _bar(app: object) -> str:
    return str(app.war_room.query_one(StatusBar).render())  # type: ignore[attr-defined]


async def test_a_resolved_incident_stays_listed_and_the_scribe_keeps_logging(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    checkout = room.declare("Checkout errors", "P1")
    search = room.declare("Slow search", "P2")
    room.set_status(checkout, "monitoring")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = app.war_room
        assert screen.selected_id == checkout  # P1 first
        await pilot.press("s")
        await wait_for(pilot, lambda: showing(app, ChooseScreen))
        await pilot.press("enter")  # the next step forward is highlighted: resolved
        database = store.connect(db_path)
        await wait_for(pilot, lambda: queries.incident(database, checkout).status == "resolved")
        await wait_for(pilot, lambda: "1 resolved" in _bar(app))
        # still listed (below the live one), still selected; marked in words, dimmed
        assert screen.table.order == [search, checkout]
        assert screen.selected_id == checkout
        status = screen.table.get_cell(str(checkout), "status")
        assert status.plain == "✓ RESOLVED" and _dimmed(status)
        assert "1 live · 1 resolved" in _bar(app)
        # its age stopped at the resolution
        age = screen.table.get_cell(str(checkout), "age").plain
        clock.step(minutes=10)
        screen.heartbeat()
        await pilot.pause()
        assert screen.table.get_cell(str(checkout), "age").plain == age
        # the scribe logs the cause on it
        await pilot.press("l", *"cause: expired TLS cert", "enter")
        await wait_for(pilot, lambda: "expired TLS cert" in timeline_text(app))
        logged = queries.timeline(database, checkout)[-1]
        assert (logged.kind, logged.text) == ("root-cause", "expired TLS cert")
        # and the commander closes it, without `t`: closed is what `s` Enter offers
        await pilot.press("escape", "s")
        await wait_for(pilot, lambda: showing(app, ChooseScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(app, CloseScreen))
        await pilot.press("ctrl+u", *"Di", "enter")
        await wait_for(pilot, lambda: queries.incident(database, checkout).status == "closed")
        # closed: it leaves the list (t shows it); the live one is selected
        await wait_for(pilot, lambda: screen.table.order == [search])
        assert screen.selected_id == search
        assert "resolved" not in _bar(app)
        await pilot.press("t")
        await wait_for(pilot, lambda: screen.table.order == [search, checkout])
        assert screen.table.get_cell(str(checkout), "status").plain == "✓ CLOSED"


async def test_another_consoles_resolve_keeps_the_incident_on_this_list(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout errors", "P1")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        room.set_status(number, "resolved")  # another console
        await wait_for(pilot, lambda: "0 live · 1 resolved" in _bar(app))
        assert app.war_room.table.order == [number]
        assert app.war_room.selected_id == number
        assert "No incident selected" not in str(app.war_room.query_one("#detail").render())


async def test_start_up_lists_resolved_incidents_after_the_live_ones(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    resolved = room.declare("Old outage", "P0")
    room.set_status(resolved, "resolved")
    closed = room.declare("Older outage", "P0")
    room.set_status(closed, "resolved")
    room.set_status(closed, "closed", postmortem_owner="Di")
    live = room.declare("Slow search", "P2")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.war_room.table.order == [live, resolved])
        assert app.war_room.selected_id == live


async def test_s_highlights_the_next_status_forward(db_path: Path, clock: FrozenClock) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout errors", "P1")
    room.set_status(number, "fixing")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: showing(app, ChooseScreen))
        choices = app.screen.query_one("#choices")
        shown = [str(choices.get_option_at_index(n).prompt) for n in range(choices.option_count)]  # type: ignore[attr-defined]
        assert any(line.startswith("monitoring") and "next" in line for line in shown)
        assert any(line.startswith("investigating") and "back" in line for line in shown)
        await pilot.press("enter")
        database = store.connect(db_path)
        await wait_for(pilot, lambda: queries.incident(database, number).status == "monitoring")
