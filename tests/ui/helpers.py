"""Building a console on a frozen clock and reading what it shows."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

from warroom.clock import FrozenClock
from warroom.domain.models import Actor, Incident
from warroom.domain.runbooks import Runbook
from warroom.loaders.policy import load_policy
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.incident_detail import IncidentDetail
from warroom.tui.widgets.timeline_view import TimelineView

# when the header tests' incident was declared
HEADER_T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


def header_incident(**changes: object) -> Incident:
    """#7, a P2 outage Dana commands, declared at `HEADER_T0`, with `changes`."""
    base = Incident(
        7, "Checkout 503s", "P2", "investigating", "outage", "", "", "", "", "Dana", False,
        HEADER_T0, None, None, None, None, None, None, 0, "#inc-7",
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def make_app(
    db_path: Path, clock: FrozenClock, name: str = "Ana", runbooks: Sequence[Runbook] = ()
) -> WarRoomApp:
    return WarRoomApp(
        db_path=db_path,
        actor=Actor(name, name.lower()),
        policy=load_policy(),
        clock=clock,
        tz=dt.UTC,
        runbooks=runbooks,
    )


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 10.0
) -> None:
    """Let the app run until `condition` holds; fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the console did not show it in time")
        await pilot.pause(0.02)


def showing(app: App[object], kind: type[Screen[Any]]) -> bool:
    """`kind` is the screen on top and it has mounted: its fields are there to read."""
    screen = app.screen
    return isinstance(screen, kind) and screen.is_mounted


def timeline_text(app: WarRoomApp) -> str:
    """Every line the timeline would draw, scrolled or not."""
    view = app.query_one(TimelineView)
    lines = []
    scrolled = view.scroll_y
    for y in range(len(view._rows)):  # noqa: SLF001 - read what would be drawn
        view.scroll_to(y=0, animate=False, immediate=True)
        lines.append(view.render_line(y).text)
    view.scroll_to(y=scrolled, animate=False, immediate=True)  # as the person left it
    return "\n".join(lines)


def detail_text(app: WarRoomApp) -> str:
    return app.query_one(IncidentDetail).describe(app.clock.now()).plain


async def ready(pilot: Pilot[None]) -> None:
    """Wait until the database has been read and the selected incident is shown."""
    app = pilot.app
    assert isinstance(app, WarRoomApp)
    screen = app.war_room
    await wait_for(pilot, lambda: screen.loaded and screen.shown_id == screen.selected_id)
    # and drawn: start-up shows the list and its first incident in one message, so the
    # panes may still be laid out for the empty screen they replace
    await pilot.pause()
