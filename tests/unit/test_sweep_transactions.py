"""The deadline sweep records a backlog in short transactions: it adds incidents to one
until it has held the write lock for about 25 ms (one transaction an incident cost ~1 ms
of ~4.4 and made each console read the list again after it), so it never holds the lock
for long: another console's entry commits between two transactions, each breach is
still recorded once, and an incident that fails costs none of the others."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from tests.conftest import T0
from tests.unit.test_outbox import paging_policy
from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor, Incident
from warroom.domain.policy import Policy
from warroom.errors import WriteFailed
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom, clocks
from warroom.store import queries

BEGIN, COMMIT, ROLLBACK = "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"


class Ticks:
    """The sweep's monotonic clock: a second passes each time it is read, so with
    `hold=3` a transaction holds three incidents (read when it begins, then after each)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def backlog(
    path: Path, incidents: int, policy: Policy | None = None
) -> tuple[WarRoom, FrozenClock, list[int]]:
    """`incidents` declared on a new file, then 30 hours later: all far past their
    acknowledgement and resolution targets, their ladders due."""
    clock = FrozenClock(T0)
    room = WarRoom(store.connect(path), clock, Actor("Bo", "bo"), policy or load_policy())
    numbers = [room.declare(f"Outage {n}", ("P1", "P2", "P3")[n % 3]) for n in range(incidents)]
    clock.step(hours=30)
    return room, clock, numbers


def transactions(room: WarRoom, said: list[str] | None = None) -> list[str]:
    """The BEGIN, COMMIT and ROLLBACK the room's connection runs from now on (to `said`)."""
    said = [] if said is None else said
    room.db.conn.set_trace_callback(
        lambda sql: said.append(sql) if sql in (BEGIN, COMMIT, ROLLBACK) else None
    )
    return said


def recorded(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row the sweep writes, as stored."""
    reader = sqlite3.connect(path)
    tables = ("timeline", "sla_breaches", "escalations", "page_events", "outbox", "next_due")
    rows = {t: reader.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    reader.close()
    return rows


def fails_at(room: WarRoom, incident_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The room's sweep fails on `incident_id` (its rungs cannot be worked out: a
    stored value it cannot use), after recording its breaches in the transaction."""
    advance = room._advance  # noqa: SLF001 - the step that engages rungs

    def failing(uow: object, incident: Incident, history: object) -> object:
        if incident.id == incident_id:
            raise ValueError("a stored value it cannot use")
        return advance(uow, incident, history)  # type: ignore[arg-type]

    monkeypatch.setattr(room, "_advance", failing)


def turn_said(said: list[str]) -> Callable[[], AbstractContextManager[None]]:
    """A console's turn for the sweep's transactions that says when it is taken and
    left (to `said`, beside the transactions' BEGIN and COMMIT)."""

    @contextmanager
    def turn() -> Iterator[None]:
        said.append("turn")
        try:
            yield
        finally:
            said.append("turn over")

    return turn


def before_each(step: Callable[[], object]) -> Callable[[], AbstractContextManager[None]]:
    """A console's turn that does `step` as it is taken, before each transaction begins
    (where a console's person's writes go first)."""

    @contextmanager
    def turn() -> Iterator[None]:
        step()
        yield

    return turn


def swept(room: WarRoom, numbers: list[int]) -> set[int]:
    """Those of `numbers` with a breach on record."""
    return {number for number, _, _ in queries.recorded_breaches(room.db, numbers)}


def test_a_backlog_is_recorded_in_fewer_transactions_with_the_same_rows(
    tmp_path: Path,
) -> None:
    """The same rows, dated the same, as one transaction per incident (`hold=0`), in
    three transactions instead of seven; one incident alone is still one."""
    policy = paging_policy()  # pages queued too
    alone, _, numbers = backlog(tmp_path / "alone.db", 8, policy)
    batched, _, same = backlog(tmp_path / "batched.db", 8, policy)
    assert same == numbers
    said = transactions(batched)
    assert batched.sweep([numbers[0]], hold=3, monotonic=Ticks()).breaches
    assert said == [BEGIN, COMMIT]
    alone.sweep([numbers[0]], hold=0)

    said.clear()
    result = batched.sweep(hold=3, monotonic=Ticks())
    assert said == [BEGIN, COMMIT] * 3  # 3 + 3 + 1 incidents
    one_each = transactions(alone)
    expected = alone.sweep(hold=0)
    assert one_each == [BEGIN, COMMIT] * 7
    assert result == expected and {n for n, _ in result.breaches} == set(numbers[1:])
    rows = recorded(tmp_path / "batched.db")
    assert rows == recorded(tmp_path / "alone.db")
    assert rows["escalations"] and rows["outbox"]


def test_an_incident_that_fails_in_a_transaction_costs_none_of_the_others(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its transaction rolls back: the incidents recorded in it before are recorded again
    one per transaction, then the sweep stops and says why; the next sweep records the
    rest (each breach once)."""
    room, _, numbers = backlog(db_path, 7)
    fails_at(room, numbers[4], monkeypatch)
    said = transactions(room)
    result = room.sweep(hold=3, monotonic=Ticks())
    assert result.stopped is not None and "cannot use" in result.stopped
    # the first three; the fourth and the fifth (rolled back); the fourth again, alone
    assert said == [BEGIN, COMMIT, BEGIN, ROLLBACK, BEGIN, COMMIT]
    assert {n for n, _ in result.breaches} == set(numbers[:4]) == swept(room, numbers)
    assert {step.incident_id for step in result.engaged} == set(numbers[:4])

    monkeypatch.undo()
    rest = room.sweep()
    assert rest.stopped is None
    assert {n for n, _ in rest.breaches} == set(numbers[4:])
    assert len(queries.recorded_breaches(room.db, numbers)) == len(result.breaches) + len(
        rest.breaches
    )


def test_the_sweep_lets_writes_in_before_each_transaction_and_dates_its_rows_after(
    db_path: Path,
) -> None:
    """The console's turn (a console's person's writes go first there) is taken before
    each transaction, with the lock free; each transaction's rows are dated after it."""
    room, clock, numbers = backlog(db_path, 5)
    other = WarRoom(store.connect(db_path), clock, Actor("Cy", "cy"), load_policy())
    said: list[str] = []
    began: list[dt.datetime] = []

    def between() -> None:  # the lock is free here: another console's entry commits
        assert not room.db.conn.in_transaction
        said.append("between")
        other.log(numbers[0], f"entry between, {said.count('between')}")
        clock.step(minutes=1)
        began.append(clock.now())

    transactions(room, said)
    result = room.sweep(turn=before_each(between), hold=2, monotonic=Ticks())
    assert said == ["between", BEGIN, COMMIT] * 3  # 2 + 2 + 1 incidents
    assert {n for n, _ in result.breaches} == set(numbers)
    for number, logged_at in zip(
        numbers, [began[0]] * 2 + [began[1]] * 2 + [began[2]], strict=True
    ):
        rows = [e for e in queries.timeline(room.db, number) if e.kind == "sla_breach"]
        assert rows and {e.logged_at for e in rows} == {logged_at}
    texts = [e.text for e in queries.timeline(room.db, numbers[0])]
    assert [texts.count(f"entry between, {n}") for n in (1, 2, 3)] == [1, 1, 1]
    assert room.sweep().breaches == []  # each recorded once


def test_two_sweepers_record_each_breach_and_rung_once(db_path: Path) -> None:
    """Another console sweeps between two of this one's transactions: this one finds
    what it would have recorded next on record, read again under the lock."""
    room, clock, numbers = backlog(db_path, 7)
    other = WarRoom(store.connect(db_path), clock, Actor("Cy", "cy"), load_policy())
    theirs: list[clocks.SweepResult] = []

    def between() -> None:
        if not theirs and swept(room, numbers):  # after this one's first transaction
            theirs.append(other.sweep(hold=3, monotonic=Ticks()))

    ours = room.sweep(turn=before_each(between), hold=3, monotonic=Ticks())
    assert ours.stopped is None and theirs and theirs[0].stopped is None
    assert {n for n, _ in ours.breaches} == set(numbers[:3])
    assert {n for n, _ in theirs[0].breaches} == set(numbers[3:])
    assert {s.incident_id for s in ours.engaged} == set(numbers[:3])
    assert {s.incident_id for s in theirs[0].engaged} == set(numbers[3:])
    assert len(queries.recorded_breaches(room.db, numbers)) == len(ours.breaches) + len(
        theirs[0].breaches
    )
    calls = [(n, c.level) for n in numbers for c in queries.engagements(room.db, n)]
    assert len(calls) == len(set(calls)) == len(ours.engaged) + len(theirs[0].engaged)
    again = room.sweep()
    assert again.breaches == [] and again.engaged == []


def test_a_sweep_stopped_part_way_returns_what_it_recorded_and_why(
    db_path: Path,
) -> None:
    """Its breaches and rungs are committed, so the sweep hands them on (to be said and
    paged: the hook runs on what a sweep returns); the next sweep records the rest."""
    room, _, numbers = backlog(db_path, 3)
    blocker = store.connect(db_path)
    blocker.conn.execute("PRAGMA busy_timeout = 10000")
    turns: list[int] = []

    def between() -> None:  # another process takes the write lock before the second
        turns.append(1)
        if len(turns) == 2:
            blocker.conn.execute("BEGIN IMMEDIATE")

    room.db.conn.execute("PRAGMA busy_timeout = 50")
    result = room.sweep(turn=before_each(between), hold=2, monotonic=Ticks())
    assert result.stopped is not None and "busy" in result.stopped.lower()
    assert {incident for incident, _ in result.breaches} == set(numbers[:2])
    reader = store.connect(db_path)
    assert len(queries.recorded_breaches(reader, numbers)) == len(result.breaches)
    blocker.conn.execute("ROLLBACK")
    rest = room.sweep()
    assert rest.stopped is None
    assert {incident for incident, _ in rest.breaches} == {numbers[2]}


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


def test_a_transaction_is_dated_once_it_holds_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another console's commit lands while the sweep waits for the write lock (a P3
    upgraded to P1, a second later): the sweep reads it under the lock, and the rungs
    the upgrade made due are dated when it holds the lock, not before the upgrade."""
    from warroom.store import unit_of_work

    path = tmp_path / "w.db"
    clock = FrozenClock(T0)
    room = WarRoom(store.connect(path), clock, Actor("Bo", "bo"), load_policy())
    number = room.declare("Checkout slow", "P3")
    room.sweep([number])
    clock.step(days=1)  # its own targets long past: the sweep has work, and takes the lock
    other = WarRoom(store.connect(path), clock, Actor("Al", "al"), load_policy())
    began = unit_of_work.transaction
    waited: list[bool] = []

    def lock_taken_after_an_upgrade(db: object) -> object:
        if db is room.db and not waited:  # the sweep's: the clock was read already
            waited.append(True)
            clock.step(seconds=1)  # the wait for the lock
            other.set_severity(number, "P1")
        return began(db)  # type: ignore[arg-type]

    monkeypatch.setattr(unit_of_work, "transaction", lock_taken_after_an_upgrade)
    swept = room.sweep([number])
    assert waited and any(step.severity == "P1" for step in swept.engaged)
    upgraded = room.db.conn.execute(
        "SELECT max(at) FROM timeline WHERE incident_id = ? AND kind = 'severity'", (number,)
    ).fetchone()[0]
    calls = [
        at
        for (at,) in room.db.conn.execute(
            "SELECT at FROM timeline WHERE incident_id = ? AND kind = 'escalation'"
            " AND json_extract(data, '$.severity') = 'P1'",
            (number,),
        )
    ]
    assert calls and all(at >= upgraded for at in calls), (upgraded, calls)


def test_a_transaction_commits_after_the_incident_it_is_on_once_a_write_waits(
    db_path: Path,
) -> None:
    """`waiting` is asked after each incident: while no write waits, a transaction
    holds incidents up to `hold`; once one does, it commits there (and the next
    transaction holds one incident at least)."""
    room, _, numbers = backlog(db_path, 6)
    asked: list[int] = []

    def waiting() -> bool:  # a write waits after the second incident
        asked.append(len(asked))
        return len(asked) == 2

    said = transactions(room)
    result = room.sweep(waiting=waiting, hold=100, monotonic=Ticks())
    assert said == [BEGIN, COMMIT] * 2  # 2 incidents, then the other 4
    assert len(asked) == 6
    assert {n for n, _ in result.breaches} == set(numbers)

    room, _, numbers = backlog(db_path.with_name("always.db"), 3)
    said = transactions(room)
    room.sweep(waiting=lambda: True, hold=100, monotonic=Ticks())
    assert said == [BEGIN, COMMIT] * 3  # writes keep coming: one incident each


def test_each_transaction_runs_inside_the_consoles_turn(db_path: Path) -> None:
    """`turn()` is entered before each transaction begins and left after it commits
    (or rolls back): the console's own writes take the same turn, and wait for the
    sweep's transaction there rather than in SQLite's busy handler."""
    room, _, numbers = backlog(db_path, 5)
    said: list[str] = []
    turn = turn_said(said)

    transactions(room, said)
    result = room.sweep(turn=turn, hold=2, monotonic=Ticks())
    assert said == ["turn", BEGIN, COMMIT, "turn over"] * 3  # 2 + 2 + 1
    assert {n for n, _ in result.breaches} == set(numbers)


def test_a_failed_transaction_leaves_the_turn_and_its_replays_take_it_again(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The turn is left when a transaction rolls back (a console's writes are not
    locked out by a failed sweep), and the incidents replayed one per transaction
    take it again."""
    room, _, numbers = backlog(db_path, 4)
    fails_at(room, numbers[2], monkeypatch)
    said: list[str] = []
    turn = turn_said(said)

    transactions(room, said)
    result = room.sweep(turn=turn, hold=3, monotonic=Ticks())
    assert result.stopped is not None and "cannot use" in result.stopped
    # the first three (rolled back at the third); the first and second again, alone
    assert (
        said
        == ["turn", BEGIN, ROLLBACK, "turn over"]
        + [
            "turn",
            BEGIN,
            COMMIT,
            "turn over",
        ]
        * 2
    )
    assert {n for n, _ in result.breaches} == set(numbers[:2])
