"""The console's top bar says whether an engine runs on the file: from a fresh
heartbeat `engine: running since 09:00 (host:pid)`, from none or a stale one
`engine: none — ladders advance only while a console is open`; judged each
second on the console's clock, so an engine killed without clearing its record
stops counting once its heartbeat is 15 s old."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.helpers import make_app, ready, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.engine_presence import NO_ENGINE
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.app import WarRoomApp
from warroom.tui.widgets.status_bar import StatusBar


def _top_bar(app: WarRoomApp) -> str:
    return app.query_one(StatusBar).render().plain


def _room(db_path: Path, clock: FrozenClock) -> WarRoom:
    return WarRoom(store.connect(db_path), clock, Actor("engine", "svc"), load_policy())


async def test_a_fresh_heartbeat_reads_running_and_a_stale_one_none(
    db_path: Path, clock: FrozenClock
) -> None:
    room = _room(db_path, clock)
    room.declare("Checkout errors", "P2")
    started = room.engine_started(4242, "ops-box", "127.0.0.1:9095", "0.1.0").engine
    app = make_app(db_path, clock)
    async with app.run_test(size=(160, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "engine: running" in _top_bar(app))
        assert "engine: running since 09:00 (ops-box:4242)" in _top_bar(app)
        clock.step(seconds=10)
        room.engine_heartbeat(started)  # the engine beats: the file changes, read again
        beat = clock.now()
        await wait_for(
            pilot, lambda: [e.heartbeat_at for e in app.war_room.engines_on_record] == [beat]
        )
        clock.step(seconds=14)  # a heartbeat 14 s old is still fresh
        app.war_room.heartbeat()
        await pilot.pause()
        assert "engine: running since 09:00 (ops-box:4242)" in _top_bar(app)
        clock.step(seconds=2)  # 16 s since the last beat: the engine is gone (SIGKILL)
        app.war_room.heartbeat()
        await wait_for(pilot, lambda: NO_ENGINE in _top_bar(app))
        room.engine_heartbeat(started)  # it beats again (a long pause, not a death)
        await wait_for(pilot, lambda: "engine: running since 09:00" in _top_bar(app))
        room.engine_stopped(started)  # a clean stop clears it at once
        await wait_for(pilot, lambda: NO_ENGINE in _top_bar(app))


async def test_no_engine_and_a_stale_record_both_read_none(
    db_path: Path, clock: FrozenClock
) -> None:
    room = _room(db_path, clock)
    room.declare("Checkout errors", "P2")
    app = make_app(db_path, clock)
    async with app.run_test(size=(160, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: NO_ENGINE in _top_bar(app))
    clock.step(minutes=5)
    room.engine_started(77, "old-box", "127.0.0.1:9095", "0.1.0")  # then killed
    clock.step(minutes=1)
    app = make_app(db_path, clock)
    async with app.run_test(size=(160, 36)) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert NO_ENGINE in _top_bar(app)
        assert "old-box" not in _top_bar(app)


@pytest.mark.parametrize(
    ("width", "said"),
    [
        (160, NO_ENGINE),
        (100, "engine: none — ladders need a console open"),
        (80, "engine: none"),
    ],
)
async def test_a_narrower_console_says_it_shorter(
    db_path: Path, clock: FrozenClock, width: int, said: str
) -> None:
    room = _room(db_path, clock)
    room.declare("Checkout errors", "P2")
    app = make_app(db_path, clock)
    async with app.run_test(size=(width, 30)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "engine: none" in _top_bar(app))
        assert _top_bar(app).endswith(f"  ·  {said}")
