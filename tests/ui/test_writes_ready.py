"""The service layer is loaded beside the console once its first incident is drawn,
so the person's first entry is written at once instead of importing it first (issue
12: ~25 modules, 30-40 ms beside start-up's work)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.ui.helpers import make_app, ready, timeline_text, wait_for
from tests.ui.test_read_ahead import three_incidents
from warroom.clock import FrozenClock
from warroom.tui.bridge import Bridge


def test_ready_writes_loads_the_service_layer_on_a_worker(tmp_path: Path) -> None:
    """In a fresh interpreter (this one has the service loaded): nothing of it is
    imported with the bridge, and all of it once `ready_writes` has run its worker."""
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from warroom.tui.bridge import Bridge

        class App:
            def run_worker(self, work, **options):
                assert options["thread"] is True  # off the console's thread
                work()

        bridge = Bridge(App(), db_path=Path({str(tmp_path / "w.db")!r}), clock=None,
                        actor=None, policy=None)
        assert "warroom.service.war_room" not in sys.modules
        bridge.ready_writes()
        assert "warroom.service.war_room" in sys.modules
        assert "warroom.service.scribe" in sys.modules
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


async def test_the_console_readies_its_writes_once_its_first_incident_is_drawn(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_incidents(db_path, clock)
    asked: list[bool] = []
    ready_writes = Bridge.ready_writes

    def counted(bridge: Bridge) -> None:
        asked.append(bridge.app.war_room.shown_id is not None)
        ready_writes(bridge)

    monkeypatch.setattr(Bridge, "ready_writes", counted)
    app = make_app(db_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: bool(asked))
        assert asked == [True]  # after the first incident showed
        await pilot.press("j", "j", "k")
        await pilot.press("l", *"written", "enter")
        await wait_for(pilot, lambda: "written" in timeline_text(app))
        assert asked == [True]  # once
