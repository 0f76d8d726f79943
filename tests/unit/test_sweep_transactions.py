"""The deadline sweep records each incident in a transaction of its own, so a backlog
(a month-old file of 1,000 incidents: ~1.2 s) never holds the write lock for long:
another console's entry commits between two incidents, and each breach is still
recorded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor, Incident
from warroom.errors import WriteFailed
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom, clocks
from warroom.store import queries


def test_a_sweep_is_one_transaction_per_incident_and_lets_writes_in_between(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    first = room.declare("Checkout errors", "P1")
    second = room.declare("Search down", "P2")
    clock.step(hours=30)  # both far past their acknowledgement and resolution targets
    other = WarRoom(store.connect(db_path), clock, Actor("Cy", "cy"), load_policy())
    logged: list[int] = []

    def between() -> None:  # the lock is free here: another console's entry commits
        logged.append(other.log(first, f"entry between, {len(logged) + 1}"))

    result = room.sweep(between=between)
    assert len(logged) == 2  # before each of the two incidents
    assert {incident for incident, _ in result.breaches} == {first, second}
    reader = store.connect(db_path)
    assert len(queries.recorded_breaches(reader, [first, second])) == len(result.breaches)
    assert room.sweep().breaches == []  # each recorded once
    assert [e.text for e in queries.timeline(reader, first)].count("entry between, 1") == 1


def test_a_sweep_stopped_part_way_returns_what_it_recorded_and_why(
    db_path: Path, clock: FrozenClock
) -> None:
    """Its breaches and rungs are committed, so the sweep hands them on (to be said and
    paged: the hook runs on what a sweep returns); the next sweep records the rest."""
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    first = room.declare("Checkout errors", "P1")
    second = room.declare("Search down", "P2")
    clock.step(hours=30)
    blocker = store.connect(db_path)
    blocker.conn.execute("PRAGMA busy_timeout = 10000")
    turns: list[int] = []

    def between() -> None:  # another process takes the write lock before the second
        turns.append(1)
        if len(turns) == 2:
            blocker.conn.execute("BEGIN IMMEDIATE")

    room.db.conn.execute("PRAGMA busy_timeout = 50")
    result = room.sweep(between=between)
    assert result.stopped is not None and "busy" in result.stopped.lower()
    assert {incident for incident, _ in result.breaches} == {first}
    reader = store.connect(db_path)
    assert len(queries.recorded_breaches(reader, [first, second])) == len(result.breaches)
    blocker.conn.execute("ROLLBACK")
    rest = room.sweep()
    assert rest.stopped is None
    assert {incident for incident, _ in rest.breaches} == {second}


def test_a_sweep_that_records_nothing_before_it_fails_says_so(
    db_path: Path, clock: FrozenClock
) -> None:
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    room.declare("Checkout errors", "P1")
    clock.step(hours=30)
    blocker = store.connect(db_path)
    blocker.conn.execute("BEGIN IMMEDIATE")
    room.db.conn.execute("PRAGMA busy_timeout = 50")
    with pytest.raises(WriteFailed):
        room.sweep()
    blocker.conn.execute("ROLLBACK")


def test_any_error_after_an_incident_committed_keeps_what_it_recorded(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only a refused write: whatever stops the second incident, the first one's
    rungs are returned (the next sweep sees them recorded, so they are paged now or
    never)."""
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    first = room.declare("Checkout errors", "P1")
    room.declare("Search down", "P2")
    clock.step(hours=30)
    advance = room._advance  # noqa: SLF001 - the step that engages rungs
    seen: list[int] = []

    def failing_second(uow: object, incident: Incident, history: object) -> object:
        seen.append(incident.id)
        if len(seen) == 2:
            raise ValueError("a stored value it cannot use")
        return advance(uow, incident, history)  # type: ignore[arg-type]

    monkeypatch.setattr(room, "_advance", failing_second)
    result = room.sweep()
    assert result.stopped is not None and "cannot use" in result.stopped
    assert {incident for incident, _ in result.breaches} == {first}
    assert result.engaged and {step.incident_id for step in result.engaged} == {first}


def test_a_sweep_reads_what_is_recorded_a_chunk_at_a_time_and_misses_none(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its memory does not grow with the file (a chunk's history, calls and breaches at
    a time): every incident of every chunk is recorded, once."""
    monkeypatch.setattr(clocks, "SWEEP_CHUNK", 2)
    room = WarRoom(store.connect(db_path), clock, Actor("Bo", "bo"), load_policy())
    declared = [room.declare(f"Outage {n}", "P1") for n in range(5)]  # chunks of 2, 2, 1
    clock.step(hours=30)
    first = room.sweep()
    assert {incident for incident, _ in first.breaches} == set(declared)
    assert {step.incident_id for step in first.engaged} == set(declared)
    again = room.sweep()
    assert again.breaches == [] and again.engaged == []  # each chunk read its own record
