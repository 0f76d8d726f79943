"""Times a person types: `HH:MM` ahead of the clock is skew, and corrections move entries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from warroom.clock import FrozenClock
from warroom.domain.entries import parse_typed_entry
from warroom.domain.timefmt import parse_user_time
from warroom.domain.timeline_state import fold
from warroom.errors import InvalidInput
from warroom.service import WarRoom
from warroom.store import queries

NOW = dt.datetime(2026, 12, 1, 6, 52, 39, tzinfo=dt.UTC)


def test_a_minute_ahead_of_the_clock_is_now_not_yesterday() -> None:
    typed = parse_typed_entry("06:53 f: alerts fired", NOW, dt.UTC)
    assert (typed.kind, typed.text, typed.at) == ("finding", "alerts fired", NOW)


def test_skew_is_a_few_minutes_and_further_ahead_is_still_yesterday() -> None:
    assert parse_user_time("06:57", NOW, dt.UTC) == NOW  # 4m 21s ahead: skew
    assert parse_user_time("06:58", NOW, dt.UTC) == dt.datetime(2026, 11, 30, 6, 58, tzinfo=dt.UTC)
    assert parse_user_time("06:52", NOW, dt.UTC) == dt.datetime(2026, 12, 1, 6, 52, tzinfo=dt.UTC)


def test_skew_across_midnight_in_a_local_zone() -> None:
    zone = ZoneInfo("America/New_York")
    now = dt.datetime(2026, 12, 1, 23, 58, 30, tzinfo=zone)
    assert parse_user_time("00:01", now, zone) == now.astimezone(dt.UTC)  # not tomorrow
    assert parse_user_time("23:50", now, zone) == dt.datetime(2026, 12, 1, 23, 50, tzinfo=zone)


def test_a_correction_can_move_an_entry_in_time(room: WarRoom, clock: FrozenClock) -> None:
    incident_id = room.declare("API down", "P1")
    clock.step(minutes=10)
    first = room.log(incident_id, "rollback started", "action")
    clock.step(minutes=1)
    later = room.log(incident_id, "errors back to normal", "finding")
    earlier = clock.now() - dt.timedelta(minutes=8, microseconds=5)
    assert earlier > queries.timeline(room.db, incident_id)[0].at  # still after declaring
    moved = room.correct(first, "rollback started", at=earlier)  # same text: the time changed
    rows = queries.timeline(room.db, incident_id)
    assert next(r for r in rows if r.id == moved).at == earlier.replace(microsecond=0)
    order = [s.entry.id for s in fold(rows) if s.entry.kind in ("action", "finding")]
    assert order == [moved, later]
    with pytest.raises(InvalidInput, match="already says that"):
        room.correct(moved, "rollback started", at=earlier)


def test_a_correction_cannot_move_an_entry_into_the_future_or_year_999(
    room: WarRoom, clock: FrozenClock
) -> None:
    incident_id = room.declare("API down", "P1")
    entry = room.log(incident_id, "rollback started", "action")
    with pytest.raises(InvalidInput, match="future"):
        room.correct(entry, "rollback started", at=clock.now() + dt.timedelta(hours=1))
    with pytest.raises(InvalidInput, match="check the year"):
        room.correct(entry, "rollback started", at=dt.datetime(999, 1, 1, tzinfo=dt.UTC))
    assert [r.id for r in queries.timeline(room.db, incident_id) if r.kind == "action"] == [entry]


def test_a_backdated_entry_in_the_repeated_hour_says_how_it_was_read() -> None:
    zone = ZoneInfo("America/New_York")
    now = dt.datetime(2026, 11, 1, 3, 0, tzinfo=zone)  # the clocks went back at 02:00 EDT
    typed = parse_typed_entry("01:30 f: pool exhausted", now, zone)
    assert typed.at == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)  # the first 01:30 (EDT)
    assert "happened twice" in typed.note and "America/New_York" in typed.note
    assert parse_typed_entry("02:45 f: later", now, zone).note == ""


def test_an_entry_with_an_unreadable_time_is_named_and_a_time_repairs_it(
    room: WarRoom, clock: FrozenClock
) -> None:
    incident_id = room.declare("API down", "P1")
    entry = room.log(incident_id, "rollback started", "action")
    with room.db.conn:
        room.db.conn.execute("UPDATE timeline SET at = 'garbage' WHERE id = ?", (entry,))
    with pytest.raises(InvalidInput, match=r"entry #\d+ has an unreadable time 'garbage'"):
        room.correct(entry, "rollback started at last")
    with pytest.raises(InvalidInput, match="unreadable time"):
        room.strike(entry, "wrong")
    fixed = room.correct(entry, "rollback started", at=clock.now())
    shown = [s.entry for s in fold(queries.timeline(room.db, incident_id))]
    assert [(e.id, e.at) for e in shown if e.kind == "action"] == [(fixed, clock.now())]
