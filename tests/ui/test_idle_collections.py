"""The console runs the full garbage collection that is due when the person pauses
(one in the middle of typing cost 20-50 ms between Enter and the entry drawn)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import warroom.tui.screens.war_room as war_room_module
from tests.ui.helpers import make_app, ready
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom


async def test_the_heartbeat_collects_only_once_nobody_typed_for_a_while(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy()).declare("x", "P2")
    runs: list[float] = []
    monkeypatch.setattr(war_room_module, "collect_if_due", lambda: runs.append(1) or True)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("j")  # a key, just now
        runs.clear()
        app.war_room.heartbeat()
        assert runs == []  # typing: put off
        app.keyed_at = time.monotonic() - war_room_module.IDLE_SECONDS
        app.war_room.heartbeat()
        assert runs == [1]  # a pause: run it
