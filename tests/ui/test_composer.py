"""The comms lead composes, copies and posts an update; drafts survive a restart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.ui.helpers import make_app, ready, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain import sla
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.dialogs.composer import ComposerScreen


@pytest.fixture
def incident(db_path: Path, clock: FrozenClock) -> int:
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), load_policy())
    incident_id = room.declare("[#33] Checkout errors", "P1", "availability")
    room.set_impact(incident_id, users="40% of EU users")
    return incident_id


async def test_compose_edit_copy_and_post(
    db_path: Path, clock: FrozenClock, incident: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    clock.step(minutes=10)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComposerScreen))
        assert isinstance(app.screen, ComposerScreen)
        screen = app.screen
        assert "We are currently investigating" in screen.body  # external initial
        assert "[#33] Checkout errors" in screen.body or "40% of EU users" in screen.body
        screen.query_one("#body").text = screen.body + "\nMore soon."
        await pilot.press("ctrl+y")
        assert app.clipboard.endswith("More soon.")
        assert copied == [app.clipboard]
        await pilot.press("ctrl+s", "ctrl+s")  # the second: post despite the status-page marker
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposerScreen))
    database = store.connect(db_path)
    [update] = database.conn.execute("SELECT audience, template, body, author FROM updates")
    assert update[0:2] == ("external", "external-initial") and update[3] == "Ana"
    assert update[2].endswith("More soon.")
    kinds = [e.kind for e in queries.timeline(database, incident)]
    assert "update_posted" in kinds
    timers = {
        t.name: t
        for t in sla.timers(
            queries.incident(database, incident),
            load_policy(),
            clock.now(),
            queries.history(database, incident),
        )
    }
    assert timers["update"].deadline == clock.now() + dt.timedelta(minutes=30)
    assert timers["first_update"].state == sla.MET


async def test_unfilled_markers_need_a_second_post(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComposerScreen))
        screen = app.screen
        assert isinstance(screen, ComposerScreen)
        screen.query_one("#template").value = "incident-update"
        await pilot.pause()
        assert "⟨ETA?⟩" in screen.body
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)
        assert "Still unfilled" in str(screen.query_one("#composer-status").render())
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposerScreen))


async def test_a_draft_survives_closing_and_reopening_the_app(
    db_path: Path, clock: FrozenClock, incident: int
) -> None:
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComposerScreen))
        screen = app.screen
        assert isinstance(screen, ComposerScreen)
        screen.query_one("#body").text = "Half-written [bold]update[/]"
        await pilot.press("escape")
        await wait_for(
            pilot,
            lambda: (
                store.connect(db_path).conn.execute("SELECT count(*) FROM drafts").fetchone()[0]
                == 1
            ),
        )
    again = make_app(db_path, clock)
    async with again.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComposerScreen))
        screen = again.screen
        assert isinstance(screen, ComposerScreen)
        assert screen.body == "Half-written [bold]update[/]"
        await pilot.press("ctrl+d")
        await wait_for(
            pilot,
            lambda: (
                store.connect(db_path).conn.execute("SELECT count(*) FROM drafts").fetchone()[0]
                == 0
            ),
        )
