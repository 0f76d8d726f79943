"""The deadline board keeps deadlines between snapshots and says, each second, what
`sla.timers` would: the list's next deadline and whether something fell due unrecorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlite_utils

from tests.conftest import T0
from tests.seeded import seed
from warroom.clock import FrozenClock
from warroom.domain import sla
from warroom.domain.models import Actor
from warroom.domain.policy import Policy
from warroom.domain.timefmt import to_iso
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
from warroom.store import read_model
from warroom.tui.deadline_board import LIST_LABELS, DeadlineBoard, list_countdown

SEV5 = Path(__file__).parents[1] / "fixtures" / "policies" / "sev5.yaml"


def _whole(board: DeadlineBoard, now: dt.datetime) -> tuple[dict[int, str], bool]:
    """What the board said before it kept anything: every timer, computed afresh."""
    next_due: dict[int, str] = {}
    unrecorded = False
    for incident_id, incident in board.incidents.items():
        inputs = board.inputs[incident_id]
        found = sla.timers(incident, board.policy, now, inputs.history, assigned=inputs.assigned)
        urgent = sla.most_urgent(found)
        if urgent is not None:
            label = LIST_LABELS.get(urgent.name, urgent.name)
            next_due[incident_id] = f"{label} {list_countdown(urgent.remaining)}"
        for timer in found:
            if timer.name == "escalation":
                unrecorded = unrecorded or timer.remaining <= dt.timedelta(0)
            elif timer.state == sla.OVERDUE:
                key = (incident_id, timer.name, to_iso(timer.deadline))
                unrecorded = unrecorded or key not in board.recorded
    return next_due, unrecorded


def _snapshot(db: sqlite_utils.Database, policy: Policy, board: DeadlineBoard) -> None:
    listed = read_model.incident_list(db, policy, show_ended=True)
    board.update(list(listed.incidents), dict(listed.clocks), listed.breaches)


@pytest.mark.parametrize("policy_file", [None, SEV5])
def test_every_second_the_board_says_what_the_timers_say(
    db: sqlite_utils.Database, clock: FrozenClock, policy_file: Path | None
) -> None:
    policy = load_policy(policy_file) if policy_file else load_policy()
    room = WarRoom(db, clock, Actor("Ana", "ana"), policy)
    if policy_file is None:
        ids = seed(room, clock)
        room.set_severity(ids["old P2"], "P1")
        room.set_status(ids["newer P1"], "resolved")
    else:
        first = room.declare("five levels", "SEV1", declared_at=T0 - dt.timedelta(minutes=50))
        room.declare("later", "SEV3", declared_at=T0 - dt.timedelta(minutes=5))
        room.acknowledge(first)
    board = DeadlineBoard(policy)
    _snapshot(db, policy, board)
    assert board.incidents
    start = clock.now()
    for step in [*range(0, 7200, 37), *range(7200, 40 * 86400, 3571)]:
        now = start + dt.timedelta(seconds=step)
        reading = board.read(now)
        assert (reading.next_due, reading.unrecorded) == _whole(board, now), step
        if step == 3700:  # a sweep records what fell due and escalates: a new snapshot
            clock.set(now)
            room.sweep()
            _snapshot(db, policy, board)
            assert board.read(now).unrecorded == _whole(board, now)[1]
    for incident_id, incident in board.incidents.items():
        inputs = board.inputs[incident_id]
        assert reading.timers[incident_id] == sla.timers(
            incident, policy, now, inputs.history, assigned=inputs.assigned
        )


def test_deadlines_are_kept_until_the_incident_changes(
    db: sqlite_utils.Database,
    room: WarRoom,
    clock: FrozenClock,
    policy: Policy,
    seeded: dict[str, int],
) -> None:
    board = DeadlineBoard(policy)
    _snapshot(db, policy, board)
    kept = dict(board._kept)  # noqa: SLF001 - what is kept is the point here
    room.acknowledge(seeded["old P2"])
    _snapshot(db, policy, board)
    changed = {i for i in kept if board._kept[i] is not kept[i]}  # noqa: SLF001
    assert changed == {seeded["old P2"]}
    now = clock.now()
    assert (board.read(now).next_due, board.read(now).unrecorded) == _whole(board, now)


def test_deadlines_worked_out_by_the_watcher_are_taken_for_the_same_rows_only(
    db: sqlite_utils.Database,
    room: WarRoom,
    clock: FrozenClock,
    policy: Policy,
    monkeypatch: pytest.MonkeyPatch,
    seeded: dict[str, int],
) -> None:
    """The watcher prepares each row's deadlines on its own thread; the board, on the
    console's, works nothing out for those rows, and works out afresh a row that was
    read again after the preparing (and reads the same either way)."""
    import warroom.tui.deadline_prep as board_module  # where the board works them out
    from warroom.tui.deadline_prep import prepare, prepare_all

    listed = read_model.incident_list(db, policy, show_ended=True)
    incidents, clocks = list(listed.incidents), dict(listed.clocks)
    prepared = prepare_all(incidents, clocks, policy, {})
    assert set(prepared) == set(clocks)
    again = prepare_all(incidents, clocks, policy, prepared)
    assert all(again[i] is prepared[i] for i in prepared)  # the same rows: nothing redone

    worked: list[int] = []

    def counted(incident, inputs, policy_):  # type: ignore[no-untyped-def]
        worked.append(incident.id)
        return prepare(incident, inputs, policy_)

    monkeypatch.setattr(board_module, "prepare", counted)
    board = DeadlineBoard(policy)
    board.update(incidents, clocks, listed.breaches, prepared)
    assert worked == []
    now = clock.now()
    assert (board.read(now).next_due, board.read(now).unrecorded) == _whole(board, now)

    room.acknowledge(seeded["old P2"])  # read again: a new row, prepared for the old one
    fresh = read_model.incident_list(db, policy, show_ended=True)
    board.update(list(fresh.incidents), dict(fresh.clocks), fresh.breaches, prepared)
    assert seeded["old P2"] in worked
    assert (board.read(now).next_due, board.read(now).unrecorded) == _whole(board, now)


@pytest.mark.parametrize("moved_in_place", [64, 0], ids=["moved in place", "sorted again"])
def test_the_boards_state_worked_out_again_from_the_last_is_what_a_fresh_one_says(
    db: sqlite_utils.Database,
    room: WarRoom,
    clock: FrozenClock,
    policy: Policy,
    seeded: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    moved_in_place: int,
) -> None:
    """The watcher works out the board's state for each list read, keeping what it
    found for rows whose deadlines and record of breaches did not change: after each
    change (a breach recorded by a sweep, an acknowledgement, a breach removed by hand,
    a new incident) it is what working it out afresh says, and the board that takes it
    reads as one that worked it out itself; whether the incidents whose next moment
    moved are moved in the last list of what can fall due, or it is sorted again."""
    from warroom.tui import deadline_prep
    from warroom.tui.deadline_prep import prepare_all, work_out

    monkeypatch.setattr(deadline_prep, "WATCH_MOVED", moved_in_place)

    kept = read_model.ClockHistories()
    listed = read_model.incident_list(db, policy, show_ended=True, kept=kept)
    prepared: dict[int, object] = {}
    work = None
    # boards that live through every step: the bell's count is the same either way
    following, counting = DeadlineBoard(policy), DeadlineBoard(policy)
    rang: list[tuple[int, int]] = []
    steps = [
        lambda: None,
        lambda: room.sweep(),
        lambda: room.acknowledge(seeded["old P2"]),
        lambda: clock.step(hours=5),
        lambda: room.sweep(),
        lambda: db.conn.execute(
            "DELETE FROM sla_breaches WHERE incident_id = ?", (seeded["new P0"],)
        ),
        lambda: room.declare("late arrival", "P0"),
        lambda: room.set_status(seeded["new P0"], "cancelled"),  # no clock runs now
    ]
    # the watcher's way: only the incidents each read read again are looked at
    looked_again = work_out(
        list(listed.incidents), dict(listed.clocks), listed.breaches, {}, policy
    )
    read_again = 0
    for number, step in enumerate(steps):
        step()
        last = listed
        listed = read_model.incident_list(db, policy, show_ended=True, kept=kept, previous=listed)
        incidents, clocks = list(listed.incidents), dict(listed.clocks)
        prepared = prepare_all(incidents, clocks, policy, prepared)  # type: ignore[arg-type]
        work = work_out(incidents, clocks, listed.breaches, prepared, policy, work)  # type: ignore[arg-type]
        fresh = work_out(incidents, clocks, listed.breaches, {}, policy)
        since = listed.since if listed is not last else None  # no change: the very list
        assert since is None or since[0] == last.serial
        if since is not None:
            read_again += 1
            changed = {i: listed.by_id.get(i) for i in since[1]}
            looked_again = work_out(
                incidents,
                clocks,
                listed.breaches,
                looked_again.kept,  # as the watcher hands on what it worked out
                policy,
                looked_again,
                changed=changed,
                recorded_of=listed.breaches_of,
            )
        for found in (work, looked_again):
            assert found.running == fresh.running, f"step {number}"
            assert found.unrecorded == fresh.unrecorded, f"step {number}"
            assert found.watch == fresh.watch, f"step {number}"
            assert found.earliest == fresh.earliest, f"step {number}"
            assert {i: p.deadlines for i, p in found.kept.items()} == {
                i: p.deadlines for i, p in fresh.kept.items()
            }, f"step {number}"
        assert looked_again.recorded_since == work.recorded_since, f"step {number}"
        rang.append(
            (
                following.update(incidents, clocks, listed.breaches, prepared, work),  # type: ignore[arg-type]
                counting.update(incidents, clocks, listed.breaches),
            )
        )
        assert rang[-1][0] == rang[-1][1], f"step {number}"
        taken, itself = DeadlineBoard(policy), DeadlineBoard(policy)
        taken.update(incidents, clocks, listed.breaches, prepared, work)  # type: ignore[arg-type]
        itself.update(incidents, clocks, listed.breaches)
        now = clock.now()
        assert taken._watch == itself._watch  # noqa: SLF001
        assert (taken.read(now).unrecorded, dict(taken.read(now).next_due)) == (
            itself.read(now).unrecorded,
            dict(itself.read(now).next_due),
        ), f"step {number}"
        assert _whole(taken, now) == (dict(taken.read(now).next_due), taken.read(now).unrecorded)
    assert sum(counted for counted, _ in rang) > 0  # the sweeps recorded breaches
    assert read_again == len(steps) - 2  # all but two steps (none, the clock) wrote the file
    # the record alone changes (the rows and their deadlines are the very same objects)
    assert work is not None
    for recorded in (frozenset(), listed.breaches, frozenset(list(listed.breaches)[::2])):
        work = work_out(incidents, clocks, recorded, prepared, policy, work)  # type: ignore[arg-type]
        fresh = work_out(incidents, clocks, recorded, {}, policy)
        assert (work.unrecorded, work.watch) == (fresh.unrecorded, fresh.watch)


def test_a_board_still_worked_out_says_so_and_then_what_a_whole_one_says(
    db: sqlite_utils.Database, clock: FrozenClock, policy: Policy, seeded: dict[str, int]
) -> None:
    """Start-up's first snapshot brings the deadlines of the first rows only: the other
    running rows read WORKING_OUT (never blank, never a stale count), any incident's
    timers are still right, nothing is said to have fallen due before it is judged, and
    the whole state that follows says exactly what a fresh board says."""
    from warroom.tui.deadline_board import WORKING_OUT
    from warroom.tui.deadline_prep import prepare_all, work_out

    listed = read_model.incident_list(db, policy, show_ended=True)
    incidents, clocks = list(listed.incidents), dict(listed.clocks)
    running = [i.id for i in incidents if i.id in clocks]
    assert len(running) > 2
    now = clock.now()
    whole = DeadlineBoard(policy)
    whole.update(incidents, clocks, listed.breaches)
    expected, unrecorded = _whole(whole, now)
    assert unrecorded  # the seeded file has something overdue and unrecorded

    board = DeadlineBoard(policy)
    first = prepare_all(incidents[:2], clocks, policy, {})
    assert board.update(incidents, clocks, listed.breaches, first, pending=True) == 0
    reading = board.read(now)
    assert board.pending and not reading.unrecorded  # not judged yet: no sweep, no bell
    for incident_id in running:
        said = reading.next_due.get(incident_id, "")
        assert said == (expected.get(incident_id, "") if incident_id in first else WORKING_OUT)
        assert reading.timers[incident_id] == whole.read(now).timers[incident_id]
        assert board.ladder(incident_id, now) == whole.ladder(incident_id, now)

    # the watcher's next snapshot: the same list with its board worked out whole
    every = prepare_all(incidents, clocks, policy, {})
    work = work_out(incidents, clocks, listed.breaches, every, policy)
    assert board.update(incidents, clocks, listed.breaches, first, work) == 0  # no new bell
    assert not board.pending
    assert (dict(board.read(now).next_due), board.read(now).unrecorded) == (expected, True)
