"""The palette finds actions by what they do and shows their keys, offering only
what can apply; the search dialog starts empty with the last query as a hint."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from tests.ui.helpers import make_app, ready, showing, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.app import WarRoomApp
from warroom.tui.dialogs.answer import AnswerScreen
from warroom.tui.keys import ACTIONS
from warroom.tui.palette import offered
from warroom.tui.widgets.timeline_view import TimelineView


def gathering(app: WarRoomApp) -> bool:
    """Whether the command palette is still gathering the commands that match."""
    group = CommandPalette._GATHER_COMMANDS_GROUP  # noqa: SLF001 - Textual's worker group
    return any(w.group == group and not w.is_finished for w in app.workers)


async def palette_lines(pilot, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The palette's entries for `query`, as drawn (label, key, help)."""
    app = pilot.app
    if not isinstance(app.screen, CommandPalette):
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: showing(app, CommandPalette))
    palette_input = app.screen.query_one(Input)
    palette_input.value = query
    await pilot.pause(0.4)
    # and, however slow the machine, until the palette has gathered every match
    await wait_for(pilot, lambda: not gathering(app))
    listing = app.screen.query_one(CommandList)
    return [
        str(listing.get_option_at_index(i).prompt).replace("\n", " ")
        for i in range(listing.option_count)
    ]


def labels(app: WarRoomApp) -> set[str]:
    return {a.label for a in offered(app.war_room)}


async def test_post_finds_the_update_with_its_key(db_path: Path, clock: FrozenClock) -> None:
    WarRoom(store.connect(db_path), clock, make_app(db_path, clock).actor, load_policy()).declare(
        "API down", "P2"
    )
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        found = await palette_lines(pilot, "post")
        assert found and found[0].startswith("Update  u")
        assert "Compose a status update" in found[0]
        every = await palette_lines(pilot, "")
        help_key = next(line for line in every if line.startswith("Help"))
        assert help_key.startswith("Help  ?")
        await pilot.press("escape")


async def test_the_palette_offers_only_what_can_apply(db_path: Path, clock: FrozenClock) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.war_room.loaded)
        assert labels(app) == {"Declare", "Ended", "Zoom", "Help"}  # no incident: no Ack, no Update
        assert not [line for line in await palette_lines(pilot, "ack") if line.startswith("Ack")]
        await pilot.press("escape")
        room = WarRoom(store.connect(db_path), clock, app.actor, load_policy())
        incident_id = room.declare("API down", "P2")
        await wait_for(pilot, lambda: app.war_room.selected_id == incident_id)
        await wait_for(pilot, lambda: app.query_one(TimelineView).selected is not None)
        view = app.query_one(TimelineView)
        assert view.selected is not None and view.selected.entry.kind not in ("note", "action")
        assert {"Ack", "Update", "Status", "Pin"} <= labels(app)
        assert "Strike" not in labels(app)  # a console record at the cursor: only pinned
        room.acknowledge(incident_id)
        await wait_for(pilot, lambda: "Ack" not in labels(app))
        clock.step(minutes=1)
        room.log(incident_id, "restarted the pool", "action")
        await wait_for(
            pilot, lambda: "restarted" in (view.selected.entry.text if view.selected else "")
        )
        assert {"Strike", "Edit", "Promote"} <= labels(app)
        everything = {a.label for a in ACTIONS} - {"Quit"}
        # nobody shares a role, no runbook is attached: nothing to take off or detach;
        # this console's policy is the one in effect: nothing to adopt
        assert everything - labels(app) == {"Ack", "Unassign", "Detach", "Adopt policy"}


async def test_search_starts_empty_with_the_last_query_as_a_hint(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, make_app(db_path, clock).actor, load_policy())
    incident_id = room.declare("API down", "P2")
    room.log(incident_id, "restarted the pool")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"pool", "enter")
        await wait_for(pilot, lambda: app.war_room.search_text == "pool")
        await pilot.press("slash")
        assert isinstance(app.screen, AnswerScreen)
        field = app.screen.query_one("#answer", Input)
        assert field.value == ""  # not refilled: typing starts a new search
        assert "pool" in str(field.placeholder)
        await pilot.press("p", "right")  # the last query completes
        assert field.value == "pool"
        await pilot.press("ctrl+u", *"rest", "escape")  # Esc keeps what was typed
        await pilot.press("slash")
        assert app.screen.query_one("#answer", Input).value == "rest"
        await pilot.press("ctrl+u", "enter")  # empty: everything again
        await wait_for(pilot, lambda: app.war_room.search_text == "")
