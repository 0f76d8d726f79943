"""A console showing a quiet incident while another is busy (issue 12): at each look the
watcher read the quiet incident's rows written after its own newest row, a walk of
every row written since in any incident (on the bench's 1,000-incident file, 6,491
rows and 0.5 ms a look, growing all session). It now reads after the file's newest row
as of its last read: only what was written since that look."""

from __future__ import annotations

import queue
from pathlib import Path

import pytest

from tests.watching import next_snapshot, running
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.service import WarRoom
from warroom.store import queries
from warroom.tui.messages import Snapshot
from warroom.tui.watcher import DatabaseWatcher


def test_a_quiet_incident_is_read_after_the_file_s_newest_row_and_loses_nothing(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Ana", "ana"), policy)
    quiet, busy = room.declare("Quiet one", "P3"), room.declare("Busy one", "P1")
    room.log(quiet, "the quiet incident's first note")
    db = store.connect(db_path)
    afters: list[int] = []  # what the watcher reads the quiet incident's rows after
    since = queries.timeline_since

    def reading(db: object, incident_id: int, after_id: int = 0) -> object:
        if incident_id == quiet:
            afters.append(after_id)
        return since(db, incident_id, after_id)  # type: ignore[arg-type]

    monkeypatch.setattr(queries, "timeline_since", reading)
    posted: queue.Queue[object] = queue.Queue()
    watcher = DatabaseWatcher(db_path, posted.put, policy)
    watcher.selected_id = quiet

    def quiet_shown(snapshot: Snapshot) -> bool:
        return snapshot.selection is not None and snapshot.selection.incident.id == quiet

    with running(watcher):
        next_snapshot(posted, quiet_shown)
        for n in range(30):
            room.log(busy, f"busy note {n}")
        room.acknowledge(busy)  # last: a look that shows it has read every note before
        busy_done = queries.newest_row(db)
        next_snapshot(
            posted,
            lambda s: (
                quiet_shown(s)
                and next(i for i in s.incidents if i.id == busy).acknowledged_at is not None
            ),
        )
        afters.clear()
        room.log(quiet, "the quiet incident's second note")
        shown = next_snapshot(
            posted,
            lambda s: (
                quiet_shown(s) and any(e.text.endswith("second note") for e in s.selection.entries)
            ),  # type: ignore[union-attr]
        )
    # not after its own first note, far back: after the busy notes, read before
    assert afters and afters[0] >= busy_done
    assert shown.selection is not None
    assert [e.text for e in shown.selection.entries] == ["the quiet incident's second note"]
