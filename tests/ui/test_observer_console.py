"""The console opened read-only (`warroom --read-only`): it reads and follows the
file, and a key that would write says "read-only" instead of failing silently."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.bridge import Sweep, WriteRefused
from warroom.tui.widgets.deadline_panes import SlaPane


async def test_observer_follows_the_file_and_a_write_says_read_only(
    db_path: Path, clock: FrozenClock
) -> None:
    writer = store.connect(db_path, read_only=False)
    room = WarRoom(writer, clock, make_app(db_path, clock, "Eve").actor, load_policy())
    incident_id = room.declare("API down", "P2")
    store.set_access(db_path, store.Access(read_only=True))  # as `warroom --read-only` does
    try:
        app = make_app(db_path, clock)
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            top = app.query_one("#top-bar")
            await wait_for(pilot, lambda: "OBSERVER" in str(top.render()))
            assert "OBSERVER, opened with --read-only" in str(top.render())
            room.log(incident_id, "another console logged this")  # a writer elsewhere
            await wait_for(pilot, lambda: "another console logged this" in timeline_text(app))

            def refusals() -> int:
                return sum(
                    n.message == "read-only: opened with --read-only; nothing was saved"
                    for n in app._notifications  # noqa: SLF001
                )

            before = refusals()
            await pilot.press("a")  # acknowledge
            await wait_for(pilot, lambda: refusals() > before)
    finally:
        store.set_access(db_path, store.Access())
    assert queries.incident(writer, incident_id).acknowledged_at is None


async def test_an_observer_says_once_that_it_cannot_record_a_breach(
    db_path: Path, clock: FrozenClock
) -> None:
    """Every second the deadline board asks for the breach to be recorded, and an
    observer is refused every time: the person is told once, and the clock still shows."""
    room = WarRoom(
        store.connect(db_path), clock, make_app(db_path, clock, "Eve").actor, load_policy()
    )
    room.declare("API down", "P1")
    room.sweep()
    store.set_access(db_path, store.Access(read_only=True))
    try:
        app = make_app(db_path, clock)
        seen: list[Message] = []
        async with app.run_test(size=(120, 36), message_hook=seen.append) as pilot:
            await ready(pilot)
            clock.step(minutes=16)

            def sweeps_refused() -> int:
                return sum(
                    isinstance(m, WriteRefused) and isinstance(m.request, Sweep) for m in seen
                )

            for n in range(1, 4):
                app.war_room.heartbeat()
                await wait_for(pilot, lambda n=n: sweeps_refused() >= n)  # type: ignore[misc]
            said = [n for n in app._notifications if "read-only" in str(n.message)]  # noqa: SLF001
            assert len(said) == 1
            assert "Ack by        OVERDUE" in str(app.query_one(SlaPane).content)
    finally:
        store.set_access(db_path, store.Access())
