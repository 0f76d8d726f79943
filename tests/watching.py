"""A console's watcher driven by a test on its own thread: what it posts is queued, the
test takes the snapshots it waits for."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from warroom.store import read_model
from warroom.tui.messages import Snapshot
from warroom.tui.watcher import DatabaseWatcher

WAIT = 30.0  # seconds before a step that never comes fails the test (never reached)


def next_snapshot(posted: queue.Queue[object], want: Callable[[Snapshot], bool]) -> Snapshot:
    """The next snapshot posted for which `want` holds (others are skipped)."""
    while True:
        message = posted.get(timeout=WAIT)
        if isinstance(message, Snapshot) and want(message):
            return message


@contextmanager
def running(watcher: DatabaseWatcher, *held: threading.Event) -> Iterator[None]:
    """The watcher's loop on its own thread, stopped after; `held`: the events a test's
    watcher waits on, set first so it can stop."""
    worker = threading.Thread(target=watcher.run, daemon=True)
    worker.start()
    try:
        yield
    finally:
        for event in held:
            event.set()
        watcher.stop()
        worker.join(WAIT)
    assert not worker.is_alive()


def whole_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The incidents whose timelines are read whole from here on, in turn."""
    whole: list[int] = []
    timeline = read_model.queries.timeline

    def counted(db: Any, incident_id: int) -> Any:
        whole.append(incident_id)
        return timeline(db, incident_id)

    monkeypatch.setattr(read_model.queries, "timeline", counted)
    return whole
