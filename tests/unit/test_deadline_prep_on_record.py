"""`work_out` compares deadlines with the record of breaches one at a time for a few
changed incidents and gathers the incidents on record for many: the same answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.domain.timefmt import to_iso
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui import deadline_prep


@pytest.mark.parametrize("after", [0, 1, 1_000])
def test_deadlines_on_record_are_left_out_however_they_are_looked_up(
    db_path: Path, clock: FrozenClock, policy: Policy, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    monkeypatch.setattr(deadline_prep, "ON_RECORD_AFTER", after)
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), policy)
    swept = [room.declare("Payments down", "P1"), room.declare("Slow search", "P2")]
    clock.step(hours=6)  # every deadline of these has passed
    room.sweep()  # and is on record
    fresh = room.declare("Flaky login", "P3")  # nothing on record for this one
    listed = read_model.incident_list(store.connect(db_path), policy)
    incidents = list(listed.incidents)
    prepared = deadline_prep.prepare_all(incidents, listed.clocks, policy, {})
    board = deadline_prep.work_out(incidents, listed.clocks, listed.breaches, prepared, policy)
    on_record = {(i, name, deadline) for i, name, deadline in listed.breaches}
    assert {b[0] for b in on_record} == set(swept)
    for incident_id in swept:
        left = board.unrecorded.get(incident_id, ())
        assert all((incident_id, d.name, to_iso(d.deadline)) not in on_record for d in left)
        assert len(left) < len(prepared[incident_id].deadlines)  # some were on record
    assert board.unrecorded[fresh] == prepared[fresh].deadlines
    # a commit's read: one incident changed, the board before it handed on
    clock.step(minutes=1)
    room.log(fresh, "a note")
    again = read_model.incident_list(store.connect(db_path), policy, previous=listed)
    rows = list(again.incidents)
    kept = deadline_prep.prepare_all(rows, again.clocks, policy, board.kept)
    after_note = deadline_prep.work_out(
        rows, again.clocks, again.breaches, kept, policy, before=board
    )
    assert after_note.unrecorded == board.unrecorded
    assert after_note.earliest == board.earliest
