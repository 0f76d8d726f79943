"""Two entries logged in the same second: correcting the first keeps it where it was
(it used to move after the other, so `↑` then `X` struck the wrong entry), the cursor
stays on it, and `X` strikes the entry under the cursor, in a short timeline held
whole and in a long one read a page at a time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

from tests.long_timeline import add_rows
from tests.ui.helpers import make_app, ready, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.timeline_state import fold
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.timeline_view import TimelineView


def same_second_file(
    db_path: Path, clock: FrozenClock, long_rows: int
) -> tuple[sqlite_utils.Database, int]:
    """An incident whose three newest entries are `before`, then `first` and `second`
    logged in the same second (after `long_rows` generated rows)."""
    database = store.connect(db_path)
    room = WarRoom(database, clock, make_app(db_path, clock).actor, load_policy())
    incident_id = room.declare("Same second", "P2")
    if long_rows:
        add_rows(database, incident_id, long_rows, clock.now() - dt.timedelta(days=3))
    room.sweep()
    clock.step(minutes=1)
    room.log(incident_id, "before the pair")
    clock.step(minutes=1)
    room.log(incident_id, "first of the pair")
    room.log(incident_id, "second of the pair")
    return database, incident_id


def texts(app: WarRoomApp) -> list[str]:
    return [s.entry.text for s in app.query_one(TimelineView).shown[-3:]]


def selected_text(app: WarRoomApp) -> str | None:
    item = app.query_one(TimelineView).selected
    return None if item is None else item.entry.text


@pytest.mark.parametrize("long_rows", [0, 6_000], ids=["whole", "paged"])
async def test_correct_then_strike_acts_on_the_entry_under_the_cursor(
    db_path: Path, clock: FrozenClock, long_rows: int
) -> None:
    database, incident_id = same_second_file(db_path, clock, long_rows)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        await wait_for(pilot, lambda: selected_text(app) == "second of the pair")
        assert (view.paged is not None) == bool(long_rows)
        await pilot.press("tab", "k")  # ↑: the first of the pair
        assert selected_text(app) == "first of the pair"
        cursor = view.cursor
        await pilot.press("E")
        app.screen.query_one("#answer").value = "first of the pair, corrected"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "first of the pair, corrected" in texts(app))
        # still before the second, and still under the cursor
        assert texts(app) == [
            "before the pair",
            "first of the pair, corrected",
            "second of the pair",
        ]
        assert view.cursor == cursor
        assert selected_text(app) == "first of the pair, corrected"

        await pilot.press("X", *"logged twice", "enter")
        await wait_for(pilot, lambda: view.selected is not None and view.selected.struck)
        assert selected_text(app) == "first of the pair, corrected" and view.cursor == cursor
        await pilot.press("k")  # ↑ again: the entry logged before the pair
        assert selected_text(app) == "before the pair"

    shown = fold(read_model.timeline(database, incident_id))[-3:]
    assert [(s.entry.text, s.struck) for s in shown] == [
        ("before the pair", False),
        ("first of the pair, corrected", True),
        ("second of the pair", False),
    ]
