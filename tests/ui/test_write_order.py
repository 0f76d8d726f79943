"""One console's writes commit in the order they were asked for, and a slow
notify hook never holds back what the scribe types meanwhile."""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import make_app, ready, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.policy import NotifyHook
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.widgets.entry_line import EntryLine


async def test_entries_submitted_back_to_back_commit_in_order(
    db_path: Path, clock: FrozenClock
) -> None:
    app = make_app(db_path, clock)
    room = WarRoom(store.connect(db_path), clock, app.actor, app.policy)
    incident_id = room.declare("API down", "P1")

    def logged() -> int:
        return sum("entry" in e.text for e in queries.timeline(room.db, incident_id))

    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        line = app.query_one(EntryLine)
        for n in range(40):  # no pause between them: each write is a thread of its own
            line.post_message(EntryLine.Submitted(f"entry {n:02d}"))
        await wait_for(pilot, lambda: logged() == 40, timeout=20)
    rows = [e for e in queries.timeline(room.db, incident_id) if e.text.startswith("entry")]
    in_commit_order = [e.text for e in sorted(rows, key=lambda e: e.id)]
    assert in_commit_order == [f"entry {n:02d}" for n in range(40)]


async def test_a_slow_notify_hook_does_not_hold_back_the_timeline(
    db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    gate = tmp_path / "let-the-hook-finish"
    hook = tmp_path / "page"
    hook.write_text(f"#!/bin/sh\nwhile [ ! -e {gate} ]; do sleep 0.05; done\nexit 3\n")
    hook.chmod(0o755)
    app = make_app(db_path, clock)
    app.policy = type(app.policy)(**{**app.policy.__dict__, "notify_hook": NotifyHook(str(hook))})
    room = WarRoom(store.connect(db_path), clock, app.actor, app.policy)
    incident_id = room.declare("API down", "P1")
    room.sweep()  # the first rung is reached at once; `e` calls the next

    def texts() -> list[str]:
        return [e.text for e in queries.timeline(room.db, incident_id)]

    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("e", "e")  # `e` asks first, naming who (issue 13); `e` again pages
        await wait_for(pilot, lambda: any("by Ana" in t for t in texts()))
        await pilot.press("l", *"logged while the hook runs", "enter")
        await wait_for(pilot, lambda: "logged while the hook runs" in texts())
        assert not any("notify hook" in t for t in texts())  # the hook is still running
        gate.touch()
        await wait_for(pilot, lambda: any("notify hook failed" in t for t in texts()), timeout=10)
        await wait_for(pilot, lambda: any("exited 3" in str(n.message) for n in app._notifications))  # noqa: SLF001
