"""A j/k draws the incident it selects in the frame that moves the list's cursor
(issue 12): not the cursor on the new row beside the old incident for a frame."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from textual import events

from tests.ui.helpers import detail_text, make_app, ready, timeline_text, wait_for
from tests.ui.test_read_ahead import three_incidents, watcher_of
from warroom.clock import FrozenClock
from warroom.tui.watcher import DatabaseWatcher
from warroom.tui.widgets.incident_detail import IncidentDetail


def frames_of(screen: Any) -> list[set[str]]:
    """The ids of the widgets each frame of `screen` draws, from now on (a frame that
    draws the whole screen: every widget, as "*")."""
    frames: list[set[str]] = []
    draw = screen._compositor_refresh  # noqa: SLF001 - where a frame is drawn

    def drawing() -> None:
        dirty = screen._dirty_widgets  # noqa: SLF001 - what the frame draws
        frames.append({"*"} if screen in dirty else {w.id or "" for w in dirty})
        draw()

    screen._compositor_refresh = drawing  # noqa: SLF001
    return frames


def slow_detail(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """The detail takes `seconds` to fill (a big incident on a slow machine): the frame
    the cursor asked for falls due meanwhile."""
    show = IncidentDetail.show

    def slow_show(detail: IncidentDetail, *args: Any) -> None:
        time.sleep(seconds)
        show(detail, *args)

    monkeypatch.setattr(IncidentDetail, "show", slow_show)


@pytest.mark.parametrize("key", ["j", "k"])
async def test_the_key_s_frame_draws_the_cursor_and_the_incident_it_selects(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    three_incidents(db_path, clock)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen, watcher = app.war_room, watcher_of(app)
        if key == "k":  # from the last row up
            await pilot.press("end")
            await wait_for(pilot, lambda: screen.shown_id == 3)
            await pilot.pause(0.1)
        start = screen.shown_id
        after = 2
        await wait_for(pilot, lambda: watcher.holds(after))
        slow_detail(monkeypatch, 0.05)
        frames = frames_of(screen)
        await pilot.press(key)
        await wait_for(pilot, lambda: screen.shown_id == after)
        await pilot.pause(0.1)
        assert start != after
        assert f"Incident number {after}" in detail_text(app)
        assert f"first note on {after}" in timeline_text(app)
        # the first frame that draws the list's cursor draws the new incident with it
        first = next(frame for frame in frames if {"incidents", "*"} & frame)
        assert "*" in first or {"detail", "sla", "ladder", "timeline"} <= first, frames


async def test_an_incident_read_for_its_key_is_drawn_when_it_comes_not_at_the_next_tick(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not held ahead, the incident is read for the key and comes just after the frame
    that moved the cursor; Textual's frame timer then waited one to two frames more.
    Here the timer never ticks again once the key is pressed: the incident is drawn all
    the same."""
    three_incidents(db_path, clock)
    monkeypatch.setattr(DatabaseWatcher, "_read_ahead", lambda *_a, **_k: None)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen, watcher = app.war_room, watcher_of(app)
        await pilot.pause(0.1)
        assert not watcher.holds(2)  # nothing held ahead: read for the key
        frames = frames_of(screen)
        timer = screen._update_timer  # noqa: SLF001 - the frame timer
        monkeypatch.setattr(timer, "resume", lambda: None)
        timer.pause()
        # the key as a terminal sends it, and no pilot between: a pilot's pause draws a
        # frame itself
        app.post_message(events.Key("j", "j"))
        drawn = False
        for _ in range(400):  # up to ~2 s, for a slow machine
            await asyncio.sleep(0.005)
            drawn = screen.shown_id == 2 and any(
                {"detail", "timeline"} <= frame or "*" in frame for frame in frames
            )
            if drawn:
                break
        assert drawn, (screen.shown_id, frames)
        assert "Incident number 2" in detail_text(app)
        assert "first note on 2" in timeline_text(app)
