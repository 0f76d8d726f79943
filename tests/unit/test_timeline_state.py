"""Folding the timeline: corrections, strikes and pins, whether rows arrive at once or in bits."""

from __future__ import annotations

import datetime as dt
import random

from warroom.domain.models import TimelineEntry
from warroom.domain.timeline_state import TimelineState, fold

T0 = dt.datetime(2026, 11, 23, 23, 50, tzinfo=dt.UTC)


def row(
    entry_id: int,
    minutes: int,
    text: str,
    kind: str = "note",
    supersedes: int | None = None,
    **data: object,
) -> TimelineEntry:
    at = T0 + dt.timedelta(minutes=minutes)
    return TimelineEntry(entry_id, 1, at, at, "Ana", "ana", kind, text, dict(data), supersedes)


ROWS = [
    row(1, 0, "declared", "declared"),
    row(2, 15, "after midnight"),  # 00:05 the next day
    row(3, 5, "before midnight"),  # backdated: logged after #2, happened before it
    row(4, 15, "after midnight, corrected", supersedes=2, corrects=2),
    row(5, 1, "pin", "pin", entry=3, pinned=True),
    row(6, 5, "before midnight", supersedes=3, struck=True, reason="dup"),
    row(7, 20, "third"),
    row(8, 1, "pin", "pin", entry=4, pinned=True),
    row(9, 1, "unpin", "pin", entry=2, pinned=False),  # names the old version: same entry
    row(10, 15, "after midnight, again", supersedes=4, corrects=4),
]


def summary(state_rows: list) -> list[tuple[int, str, bool, bool, list[int]]]:
    return [
        (s.entry.id, s.entry.text, s.pinned, s.struck, [h.id for h in s.history])
        for s in state_rows
    ]


def test_fold_orders_by_when_it_happened_and_keeps_history() -> None:
    assert summary(fold(ROWS)) == [
        (1, "declared", False, False, []),
        (6, "before midnight", True, True, [3]),
        (10, "after midnight, again", False, False, [2, 4]),
        (7, "third", False, False, []),
    ]


def test_rows_arriving_in_any_batches_fold_the_same() -> None:
    """The console reads rows written since its last read: batches come in id order,
    each in timeline order (not id order)."""
    expected = summary(fold(ROWS))
    rng = random.Random(3)
    for _ in range(200):
        pending = ROWS[:]
        state = TimelineState()
        while pending:
            take = rng.randint(1, 3)
            batch = pending[:take]
            rng.shuffle(batch)
            state.add(batch)
            state.current()  # read between batches, as the console does
            pending = pending[take:]
        assert summary(state.current()) == expected


def test_adding_a_row_twice_changes_nothing() -> None:
    state = TimelineState()
    state.add(ROWS)
    assert state.add(ROWS[:3]) == set()
    assert summary(state.current()) == summary(fold(ROWS))
