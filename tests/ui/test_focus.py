"""Where the keys go is unmistakable: the focused pane's border and title, the
footer's first words, and a typing mode on the entry line."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey, FooterLabel

from tests.ui.helpers import make_app, ready, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.entry_line import EntryLine
from warroom.tui.widgets.keys_footer import KeysFooter


def footer_label(app: WarRoomApp) -> str:
    labels = app.war_room.query_one(KeysFooter).query(FooterLabel)
    return str(labels.first().render()) if labels else ""


def footer_actions(app: WarRoomApp) -> set[str]:
    return {key.action for key in app.war_room.query_one(KeysFooter).query(FooterKey)}


def heavy(app: WarRoomApp, selector: str) -> bool:
    return app.war_room.query_one(selector).styles.border_top[0] == "heavy"


async def test_typing_mode_keeps_letters_out_of_the_actions(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout errors", "P1")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: footer_label(app) == "keys → incident list")
        assert heavy(app, "#incidents") and not heavy(app, "#timeline")
        assert {"acknowledge", "escalate"} <= footer_actions(app)
        entry = app.war_room.query_one(EntryLine)
        assert not entry.has_class("-typing")
        await pilot.press("l")
        await wait_for(pilot, lambda: footer_label(app).startswith("✎ TYPING"))
        # the line opens into a box that says so; the footer offers only what it does
        assert entry.has_class("-typing") and "TYPING" in str(entry.border_title)
        assert entry.outer_size.height == 3
        assert not heavy(app, "#incidents")
        assert "acknowledge" not in footer_actions(app)
        assert "escalate" not in footer_actions(app)
        assert "screen.leave_entry" in footer_actions(app)
        # `a` and `e` type themselves: nothing acked, nobody paged
        await pilot.press("a", "e", "r")
        assert entry.input.value == "aer"
        incident = queries.incident(store.connect(db_path), number)
        assert incident.acknowledged_at is None and incident.escalation_level <= 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: footer_label(app) == "keys → incident list")
        assert not entry.has_class("-typing") and entry.outer_size.height == 1
        assert entry.input.value == "aer"  # kept for when the scribe comes back
        assert heavy(app, "#incidents")


async def test_tab_moves_the_heavy_border_and_the_footer_says_where(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    room.declare("Checkout errors", "P1")
    app = make_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("tab")
        await wait_for(pilot, lambda: footer_label(app) == "keys → timeline")
        # a short terminal draws the timeline with a top rule only: that rule is heavy
        assert heavy(app, "#timeline") and not heavy(app, "#incidents")
        await pilot.press("F")
        await wait_for(pilot, lambda: footer_label(app) == "keys → follow-ups")
        assert heavy(app, "#follow-ups")
        await pilot.press("F")
        await wait_for(pilot, lambda: footer_label(app) == "keys → incident list")
