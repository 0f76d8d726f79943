"""The business-hours clock: weekends, holidays, closing time and DST in a named zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from warroom.domain.business_hours import (
    BusinessHours,
    add_working_time,
    business_budget,
    clock_time_between,
    is_working,
    parse_days,
    run_clock,
    working_time_between,
)

BERLIN = ZoneInfo("Europe/Berlin")
SEC = dt.timedelta(seconds=1)
HOUR = dt.timedelta(hours=1)
# Monday to Friday, 09:00-17:00 in Berlin; Christmas Day and Boxing Day off.
OFFICE = BusinessHours(
    zone="Europe/Berlin",
    days=frozenset(range(5)),
    opens=dt.time(9),
    closes=dt.time(17),
    holidays=frozenset({dt.date(2026, 12, 25), dt.date(2026, 12, 28)}),
)
# A service desk open every day 08:00-20:00, to see DST Sundays.
DESK = BusinessHours(
    zone="Europe/Berlin", days=frozenset(range(7)), opens=dt.time(8), closes=dt.time(20)
)


def berlin(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """A Berlin wall time as an aware UTC datetime (as the store hands them over)."""
    at = dt.datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)
    return at.astimezone(dt.UTC)


def test_working_time_inside_one_day() -> None:
    assert add_working_time(OFFICE, berlin(2026, 11, 23, 10, 0), 2 * HOUR) == berlin(
        2026, 11, 23, 12, 0
    )


def test_a_deadline_may_fall_exactly_at_closing_time() -> None:
    assert add_working_time(OFFICE, berlin(2026, 11, 23, 16, 0), HOUR) == berlin(
        2026, 11, 23, 17, 0
    )
    # one second more spills into the next morning
    assert add_working_time(OFFICE, berlin(2026, 11, 23, 16, 0), HOUR + SEC) == berlin(
        2026, 11, 24, 9, 0, 1
    )


def test_friday_afternoon_runs_over_the_weekend_to_monday() -> None:
    friday = berlin(2026, 11, 27, 16, 0)
    assert add_working_time(OFFICE, friday, 2 * HOUR) == berlin(2026, 11, 30, 10, 0)


def test_a_clock_started_on_saturday_starts_at_monday_opening() -> None:
    saturday = berlin(2026, 11, 28, 3, 0)
    assert add_working_time(OFFICE, saturday, 30 * dt.timedelta(minutes=1)) == berlin(
        2026, 11, 30, 9, 30
    )
    # a zero budget comes due at the next working moment
    assert add_working_time(OFFICE, saturday, dt.timedelta(0)) == berlin(2026, 11, 30, 9, 0)
    assert add_working_time(OFFICE, berlin(2026, 11, 30, 11, 0), dt.timedelta(0)) == berlin(
        2026, 11, 30, 11, 0
    )


def test_holidays_are_skipped() -> None:
    # Thursday 24 Dec 16:00 + 4h: one hour on Thursday, Friday 25 is Christmas, the
    # weekend, Monday 28 is a holiday too: three hours into Tuesday 29.
    assert add_working_time(OFFICE, berlin(2026, 12, 24, 16, 0), 4 * HOUR) == berlin(
        2026, 12, 29, 12, 0
    )


def test_opening_counts_closing_does_not() -> None:
    assert is_working(OFFICE, berlin(2026, 11, 23, 9, 0))
    assert not is_working(OFFICE, berlin(2026, 11, 23, 8, 59, 59))
    assert is_working(OFFICE, berlin(2026, 11, 23, 16, 59, 59))
    assert not is_working(OFFICE, berlin(2026, 11, 23, 17, 0))
    assert not is_working(OFFICE, berlin(2026, 11, 28, 12, 0))  # Saturday
    assert not is_working(OFFICE, berlin(2026, 12, 25, 12, 0))  # Christmas


@pytest.mark.parametrize(
    ("written", "working"),
    [
        (dt.timedelta(days=1), 8 * HOUR),  # one business day
        (dt.timedelta(hours=24), 8 * HOUR),
        (dt.timedelta(hours=48), 16 * HOUR),
        (dt.timedelta(weeks=1), 40 * HOUR),  # a business week: five days
        (4 * HOUR, 4 * HOUR),
        (dt.timedelta(minutes=90), dt.timedelta(minutes=90)),
    ],
)
def test_days_and_weeks_read_as_business_days_and_weeks(
    written: dt.timedelta, working: dt.timedelta
) -> None:
    assert business_budget(OFFICE, written) == working


def test_next_business_day_from_friday_evening() -> None:
    # "Response: next business day": 1d declared after closing on Friday is due
    # at Monday's close.
    friday_evening = berlin(2026, 11, 27, 18, 30)
    assert run_clock(friday_evening, dt.timedelta(days=1), OFFICE) == berlin(2026, 11, 30, 17, 0)


def test_working_time_between_spans_weekends_and_is_signed() -> None:
    friday, monday = berlin(2026, 11, 27, 16, 0), berlin(2026, 11, 30, 10, 0)
    assert working_time_between(OFFICE, friday, monday) == 2 * HOUR
    assert working_time_between(OFFICE, monday, friday) == -2 * HOUR
    assert clock_time_between(friday, monday) == monday - friday  # 24/7 clock


def test_spring_forward_sunday_keeps_local_opening_hours() -> None:
    # Berlin moves 02:00 CET -> 03:00 CEST on Sunday 2026-03-29. The desk opens at
    # 08:00 local both days: 07:00 UTC on Saturday, 06:00 UTC on Sunday.
    saturday_1900 = berlin(2026, 3, 28, 19, 0)
    assert saturday_1900 == dt.datetime(2026, 3, 28, 18, 0, tzinfo=dt.UTC)
    due = add_working_time(DESK, saturday_1900, 2 * HOUR)
    assert due == dt.datetime(2026, 3, 29, 7, 0, tzinfo=dt.UTC)
    assert due.astimezone(BERLIN).strftime("%H:%M %Z") == "09:00 CEST"
    # and a day on the desk is still twelve hours of working time
    assert working_time_between(DESK, berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 30, 0, 0)) == (
        12 * HOUR
    )


def test_fall_back_sunday_keeps_local_opening_hours() -> None:
    # 03:00 CEST -> 02:00 CET on Sunday 2026-10-25.
    saturday_1900 = berlin(2026, 10, 24, 19, 0)
    due = add_working_time(DESK, saturday_1900, 2 * HOUR)
    assert due == dt.datetime(2026, 10, 25, 8, 0, tzinfo=dt.UTC)
    assert due.astimezone(BERLIN).strftime("%H:%M %Z") == "09:00 CET"


def test_a_24_7_clock_counts_real_seconds_across_dst() -> None:
    # 01:30 CET + 1h is 03:30 CEST: one real hour, whatever the wall clock says.
    start = berlin(2026, 3, 29, 1, 30)
    due = run_clock(start, HOUR)
    assert due - start == HOUR
    assert due.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"


def test_paused_spells_do_not_count() -> None:
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    paused = ((start + 50 * dt.timedelta(minutes=1), start + 3 * HOUR),)
    # 1h budget: 50 minutes ran before the pause, 10 are left after it
    assert run_clock(start, HOUR, None, paused) == start + 3 * HOUR + 10 * dt.timedelta(minutes=1)
    # a deadline before the pause is not moved by it
    assert run_clock(start, 30 * dt.timedelta(minutes=1), None, paused) == start + 30 * (
        dt.timedelta(minutes=1)
    )
    # a clock that starts inside a pause starts when it ends
    assert run_clock(
        start + HOUR, 5 * dt.timedelta(minutes=1), None, paused
    ) == start + 3 * HOUR + 5 * (dt.timedelta(minutes=1))


def test_paused_spells_on_a_business_clock() -> None:
    monday_0900 = berlin(2026, 11, 23, 9, 0)
    paused = ((berlin(2026, 11, 23, 10, 0), berlin(2026, 11, 24, 15, 0)),)
    # 4 working hours: 1 on Monday, paused until Tuesday 15:00, 2 more on Tuesday,
    # the last one on Wednesday morning
    assert run_clock(monday_0900, 4 * HOUR, OFFICE, paused) == berlin(2026, 11, 25, 10, 0)


def test_day_ranges() -> None:
    assert parse_days("mon-fri") == frozenset({0, 1, 2, 3, 4})
    assert parse_days("fri-mon") == frozenset({4, 5, 6, 0})
    assert parse_days("sun") == frozenset({6})
    with pytest.raises(ValueError, match="is not a weekday"):
        parse_days("mon-xyz")


def test_a_calendar_without_working_days_is_refused_not_searched_for_ever() -> None:
    every_day_off = BusinessHours(
        zone="UTC",
        days=frozenset({0}),
        opens=dt.time(9),
        closes=dt.time(17),
        holidays=frozenset(dt.date(2026, 1, 5) + dt.timedelta(weeks=w) for w in range(600)),
    )
    with pytest.raises(ValueError, match="no working day"):
        add_working_time(every_day_off, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), HOUR)
