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


def test_a_reader_rereads_only_from_where_the_timeline_changed() -> None:
    """`changed_from` a revision: everything before it reads as it did then, so a
    reader that keeps what it read re-reads from there (and an entry logged now,
    after the last one, changes nothing before it)."""
    rng = random.Random(7)
    rows: list[TimelineEntry] = []
    for entry_id in range(1, 400):
        roll = rng.random()
        earlier = [r.id for r in rows if r.kind != "pin"]
        if roll < 0.1 and earlier:
            target = rng.choice(earlier)
            rows.append(row(entry_id, 0, "pin", "pin", entry=target, pinned=rng.random() < 0.7))
        elif roll < 0.2 and earlier:
            picked = rng.choice(earlier)
            old = next(r for r in rows if r.id == picked)
            minutes = int((old.at - T0).total_seconds() // 60)
            rows.append(row(entry_id, minutes, f"fix {entry_id}", old.kind, supersedes=old.id))
        elif roll < 0.3:
            rows.append(row(entry_id, rng.randint(0, entry_id), f"backdated {entry_id}"))
        else:
            rows.append(row(entry_id, entry_id * 2, f"now {entry_id}"))
    state = TimelineState()
    seen: list = []
    revision = state.revision
    pending = rows[:]
    while pending:
        take = rng.choice([1, 1, 2, 5, 80])
        state.add(pending[:take])
        pending = pending[take:]
        if rng.random() < 0.3:
            continue  # not read after every add
        start = state.changed_from(revision)
        assert summary(seen[:start]) == summary(state.current()[:start])
        seen = seen[:start] + state.entries_from(start)
        revision = state.revision
        assert summary(seen) == summary(state.current())
    assert summary(state.current()) == summary(fold(rows))


def test_an_entry_logged_after_the_last_changes_nothing_before_it() -> None:
    state = TimelineState()
    state.add(ROWS)
    size, revision = state.size, state.revision
    assert state.changed_from(revision) == size
    state.add([row(11, 30, "newest")])
    assert state.changed_from(revision) == size
    assert summary(state.entries_from(size)) == [(11, "newest", False, False, [])]
    revision = state.revision
    state.add([row(12, 1, "pin", "pin", entry=1, pinned=True)])
    assert state.changed_from(revision) == 0  # entry 1 is the first: it now shows a pin


def test_a_correction_keeps_its_place_among_entries_of_the_same_time() -> None:
    """Entries of the same second keep their order when one is corrected or struck (they
    used to re-sort by the correction's id, so the corrected entry moved after the other)."""
    first, second, third = row(1, 5, "first"), row(2, 5, "second"), row(3, 5, "third")
    corrected = row(4, 5, "first, corrected", supersedes=1, corrects=1)
    struck = row(5, 5, "second", supersedes=2, struck=True)
    whole = [first, second, third, corrected, struck]
    assert [s.entry.id for s in fold(whole)] == [4, 5, 3]
    state = TimelineState()
    state.add([first, second, third])
    state.current()
    revision = state.revision
    state.add([corrected])
    assert [s.entry.id for s in state.current()] == [4, 2, 3]
    assert state.changed_from(revision) == 0
    state.add([struck])
    assert [(s.entry.id, s.struck) for s in state.current()] == [(4, False), (5, True), (3, False)]
    # an entry and its correction arriving together stand once, in the entry's place
    together = TimelineState()
    together.add([corrected, second, first])
    assert [s.entry.id for s in together.current()] == [4, 2]
