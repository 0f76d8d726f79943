"""The alerts pane open on an incident that monitoring declared (120×36)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.ui.helpers import make_app, ready, wait_for
from tests.ui.test_alerts_console import FIXTURES, hostile_body, ingest, other_process
from warroom.clock import FrozenClock
from warroom.tui.widgets.alert_pane import AlertPane


def test_alerts_pane_120x36(snap_compare, tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "alerts.db"
    engine = other_process(path, clock)
    ingest(engine, "alertmanager", (FIXTURES / "alertmanager_firing.json").read_text())
    clock.step(minutes=10)
    ingest(engine, "alertmanager", (FIXTURES / "alertmanager_resolved_db1.json").read_text())
    ingest(engine, "alertmanager", hostile_body())  # another group: an incident of its own
    engine.sweep()  # what falls due is on record before the console opens (clock frozen)
    app = make_app(path, clock)

    async def opened(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("A")  # on the first incident, declared by the disk alert
        pane = app.war_room.query_one(AlertPane)
        await wait_for(pilot, lambda: len(pane.alerts) == 2)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=opened)
