"""The deadline sweep records each incident in a transaction of its own, so a backlog
(a month-old file of 1,000 incidents: ~1.2 s) never holds the write lock for long:
another console's entry commits between two incidents, and each breach is still
recorded once."""

from __future__ import annotations

from pathlib import Path

from warroom import store
from warroom.clock import FrozenClock
from warroom.domain.models import Actor
from warroom.loaders.policy import load_policy
from warroom.service import WarRoom
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
