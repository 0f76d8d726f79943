"""Start-up's first list reads the clock inputs of the first rows only; the rest come
with the deadline board's snapshot. No row may show a deadline worked out without its
incident's history (a severity change, an update posted, a reopen, a call)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

import warroom.tui.watcher as watcher_module
from tests.seeded import same_list
from warroom.clock import FrozenClock
from warroom.domain.policy import Policy
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui.deadline_board import WORKING_OUT, DeadlineBoard
from warroom.tui.messages import Snapshot


def _running(listed: read_model.IncidentList) -> list[int]:
    return [i.id for i in listed.incidents if read_model.clocks_run(i)]


def test_the_first_rows_clocks_then_the_rest_say_what_a_whole_read_says(
    db: sqlite_utils.Database, room: WarRoom, policy: Policy, seeded: dict[str, int]
) -> None:
    room.sweep()  # what fell due recorded: breaches on the first rows and beyond
    kept = read_model.ClockHistories()
    first = read_model.incident_list(db, policy, kept=kept, clocks_first=2)
    assert first.partial
    first_rows = {i.id for i in first.incidents[:2]}
    assert set(first.clocks) == first_rows
    whole = read_model.incident_list(db, policy)
    assert not whole.partial and first.incidents == whole.incidents
    # the recorded breaches of the first rows only, too; the rest with their clocks
    assert {b[0] for b in whole.breaches} - first_rows and {
        b[0] for b in whole.breaches
    } & first_rows
    assert first.breaches == {b for b in whole.breaches if b[0] in first_rows}
    # incidents beyond the first rows whose histories matter: an update posted, a call
    assert {seeded["newer P1"], seeded["old P2"]} <= set(whole.clocks) - set(first.clocks)

    # a change before the rest is read: the list read again stays partial until filled
    room.set_severity(seeded["old P2"], "P1")  # a severity change in its history
    room.post_update(seeded["older P1 monitoring"], "Watching the graphs.")
    again = read_model.incident_list(db, policy, kept=kept, previous=first)
    assert again.partial
    filled = read_model.with_clocks(db, again, kept)
    assert not filled.partial and filled.incidents is again.incidents
    assert filled.mark == again.mark
    fresh = read_model.incident_list(db, policy)
    assert same_list(filled, fresh)  # every running incident's breaches among them
    assert list(filled.clocks) == [i for i in _running(fresh)]  # in list order
    assert read_model.with_clocks(db, filled, kept) is filled  # whole: nothing to read

    # the ended ones added to a partial live list leave it partial (not whole by accident)
    ended = read_model.ended_list(db, policy)
    assert read_model.with_ended(again, ended).partial


def _board_of(snapshot: Snapshot, policy: Policy) -> DeadlineBoard:
    board = DeadlineBoard(policy)
    board.update(
        snapshot.incidents,
        snapshot.clocks,
        snapshot.breaches,
        snapshot.prepared,
        snapshot.board,
        pending=snapshot.board_pending,
    )
    return board


@pytest.mark.parametrize("first_read", ["the first page", "every listed row"])
def test_the_watchers_first_snapshot_says_working_out_where_it_read_no_history(
    db_path: Path,
    db: sqlite_utils.Database,
    clock: FrozenClock,
    policy: Policy,
    monkeypatch: pytest.MonkeyPatch,
    room: WarRoom,
    seeded: dict[str, int],
    first_read: str,
) -> None:
    monkeypatch.setattr(watcher_module, "FIRST_ROWS", 2)
    monkeypatch.setattr(watcher_module, "FIRST_PAGE", 2)
    room.sweep()  # breaches on record
    if first_read == "every listed row":
        # a time written by hand in another form than the stored one: SQLite could not
        # sort the list, so the first read reads every listed row (the same moment)
        resolved = read_model.incident_list(db, policy).incidents[-1]
        db.conn.execute(
            "UPDATE incidents SET declared_at = ? WHERE id = ?",
            (resolved.declared_at.isoformat(), resolved.id),
        )
        db.conn.commit()
    watcher = watcher_module.DatabaseWatcher(db_path, lambda _: None, policy)
    listed = read_model.incident_list(db, policy)
    whole = DeadlineBoard(policy)
    whole.update(list(listed.incidents), dict(listed.clocks), listed.breaches)
    now = clock.now()
    running = _running(listed)
    assert len(running) > 2

    first = watcher.read(db)
    assert first.board_pending and first.board is None
    first_rows = [i.id for i in first.incidents[:2]]
    if first_read == "the first page":  # and how many are live and resolved in all
        assert first.incidents == list(listed.incidents[:2]) and first.counts == (5, 1)
    else:
        assert first.incidents == list(listed.incidents) and first.counts is None
    assert set(first.clocks) == set(first_rows)  # histories read for these only
    shown = _board_of(first, policy)
    for incident_id in running:
        label = shown.due_label(incident_id, now)
        if incident_id in first_rows:
            assert label == whole.due_label(incident_id, now) and label != WORKING_OUT
        elif first_read == "every listed row":
            # not a deadline worked out without its history, nor a blank cell
            assert label == WORKING_OUT
    # the first incident's view (held for the screen) has its whole history
    held = watcher._held[first_rows[0]].selection  # noqa: SLF001
    assert held.incident.id == first_rows[0]

    second = watcher.read(db, changed=False)  # the board's snapshot
    assert not second.board_pending and second.board is not None
    if first_read == "the first page":  # every row now, the page's very rows first
        assert second.incidents == list(listed.incidents) and second.counts is None
        assert all(a is b for a, b in zip(first.incidents, second.incidents, strict=False))
    else:
        assert second.incidents is first.incidents  # the rows drawn are the same rows
    assert dict(second.clocks) == dict(listed.clocks)
    board = _board_of(second, policy)
    # the breaches on record beyond the first rows came with the board's snapshot: old
    # ones, not new (the bell rings for none of them)
    assert second.breaches == listed.breaches and first.breaches < second.breaches
    assert (
        shown.update(
            second.incidents,
            second.clocks,
            second.breaches,
            second.prepared,
            second.board,
            pending=second.board_pending,
        )
        == 0
    )
    for incident_id in running:
        assert board.due_label(incident_id, now) == whole.due_label(incident_id, now)
        assert board.ladder(incident_id, now) == whole.ladder(incident_id, now)
        assert board.timers(now)[incident_id] == whole.timers(now)[incident_id]
    assert board.read(now).unrecorded == whole.read(now).unrecorded
