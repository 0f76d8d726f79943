"""The clock panes are not drawn again for another console's entry (nothing they show
changed; the heartbeat moves the countdowns), but every change they do show that
another console makes reaches them with the snapshot, not a heartbeat later."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from warroom import store
from warroom.clock import FrozenClock
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.tui.widgets.deadline_panes import LadderPane, SlaPane


async def test_changes_elsewhere_reach_the_clocks_without_a_heartbeat(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = WarRoom(store.connect(db_path), clock, make_app(db_path, clock).actor, load_policy())
    incident_id = room.declare("API down", "P1")
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)

        def sla() -> str:
            return str(app.query_one(SlaPane).content)  # type: ignore[attr-defined]

        def ladder() -> str:
            return str(app.query_one(LadderPane).content)  # type: ignore[attr-defined]

        await wait_for(pilot, lambda: "Ack by" in sla())
        # only what the watcher reads redraws the panes from here on
        beats = [t for t in app.war_room._timers if t.name == "heartbeat"]  # noqa: SLF001
        assert len(beats) == 1
        beats[0].stop()
        drawn = []
        show = SlaPane.show
        monkeypatch.setattr(
            SlaPane, "show", lambda pane, *a, **k: (drawn.append(1), show(pane, *a, **k))[1]
        )
        room.log(incident_id, "an entry from elsewhere")
        await wait_for(pilot, lambda: "an entry from elsewhere" in timeline_text(app))
        await pilot.pause()
        assert drawn == []  # nothing the clocks show changed
        room.assign_role(incident_id, "scribe", "Tom Okafor")
        await wait_for(pilot, lambda: "Tom Okafor" in ladder())  # Reach lists role holders
        room.acknowledge(incident_id)
        await wait_for(pilot, lambda: "Ack by        met" in sla())
        clock.step(minutes=20)  # the tech lead's rung is due (P1: 15 minutes)
        room.escalate(incident_id)
        await wait_for(pilot, lambda: "by hand" in ladder())
