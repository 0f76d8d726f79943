"""The business-hours clock: SLA time that only runs while the office is open.

A severity may count only working hours (the seeds' "business hours for
P2/P3" and "next business day"). Working time is the set of days, the daily
opening hours and the holidays of one IANA time zone; opening and closing are
local wall times, so a day keeps its hours across a DST change.

How policy durations read on a business clock:

- whole weeks (`1w`, `14d`) count business weeks: one week is as many
  working days as the week has (5 for Monday to Friday);
- other whole days (`1d`, `24h`, `48h`) count business days: one day is one
  day's opening hours (`09:00-17:00` -> 8 working hours);
- anything else (`30m`, `4h`) counts working hours and minutes as written.

A clock started outside working hours starts at the next opening; a zero
budget therefore comes due at the next working moment (now, if open). A
deadline may fall exactly on closing time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from warroom.domain.timefmt import EARLIEST, LATEST

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import yaml

    from warroom.domain.policy_reader import PolicyReader

Spell = tuple[dt.datetime, dt.datetime]
"""A stretch of time (start, end) during which a clock does not run."""

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_DAY = dt.timedelta(days=1)
_WEEK = dt.timedelta(weeks=1)
# Ten years without a single working day means the calendar is unusable.
_SEARCH_DAYS = 3660


@dataclass(frozen=True)
class BusinessHours:
    """When the office is open: weekdays (0 = Monday), daily hours, zone, holidays."""

    zone: str
    days: frozenset[int]
    opens: dt.time
    closes: dt.time
    holidays: frozenset[dt.date] = frozenset()

    @property
    def tz(self) -> ZoneInfo:
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.zone)

    @property
    def day_length(self) -> dt.timedelta:
        """Working time in one ordinary working day (wall-clock hours)."""
        today = dt.date(2000, 1, 3)
        return dt.datetime.combine(today, self.closes) - dt.datetime.combine(today, self.opens)

    def is_working_day(self, day: dt.date) -> bool:
        """A listed weekday that is not a holiday."""
        return day.weekday() in self.days and day not in self.holidays


def _window(hours: BusinessHours, day: dt.date) -> Spell | None:
    """The opening hours of a local `day` as UTC instants, or None when closed."""
    if not hours.is_working_day(day):
        return None
    tz = hours.tz
    opens = dt.datetime.combine(day, hours.opens, tzinfo=tz).astimezone(dt.UTC)
    closes = dt.datetime.combine(day, hours.closes, tzinfo=tz).astimezone(dt.UTC)
    return opens, closes


def working_windows(hours: BusinessHours, start: dt.datetime) -> Iterator[Spell]:
    """Working stretches from `start` on, in order; the first may begin at `start`.

    Raises ValueError when no working day comes within ten years (every day a
    holiday, say), rather than searching for ever.
    """
    day = start.astimezone(hours.tz).date() - _DAY
    idle = 0
    while idle < _SEARCH_DAYS:
        window = _window(hours, day)
        day += _DAY
        if window is None or window[1] <= start:
            idle += 1
            continue
        idle = 0
        yield max(window[0], start), window[1]
    raise ValueError("the business-hours calendar has no working day within ten years")


def is_working(hours: BusinessHours, at: dt.datetime) -> bool:
    """Whether the office is open at `at` (opening time counts, closing time does not)."""
    window = _window(hours, at.astimezone(hours.tz).date())
    return window is not None and window[0] <= at < window[1]


def business_budget(hours: BusinessHours, delta: dt.timedelta) -> dt.timedelta:
    """How much working time a policy duration means on this clock (see module doc)."""
    if delta > dt.timedelta(0) and delta % _WEEK == dt.timedelta(0):
        return hours.day_length * len(hours.days) * (delta // _WEEK)
    if delta > dt.timedelta(0) and delta % _DAY == dt.timedelta(0):
        return hours.day_length * (delta // _DAY)
    return delta


def add_working_time(hours: BusinessHours, start: dt.datetime, budget: dt.timedelta) -> dt.datetime:
    """The moment `budget` of working time has passed since `start` (budget as counted)."""
    for opens, closes in working_windows(hours, start):
        if budget <= closes - opens:
            return opens + max(budget, dt.timedelta(0))
        budget -= closes - opens
    raise AssertionError("unreachable: working_windows raises when it runs out")


def working_time_between(
    hours: BusinessHours, start: dt.datetime, end: dt.datetime
) -> dt.timedelta:
    """Working time from `start` to `end`; negative when `end` comes first."""
    if end < start:
        return -working_time_between(hours, end, start)
    total = dt.timedelta(0)
    for opens, closes in working_windows(hours, start):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total


def _advance(start: dt.datetime, budget: dt.timedelta, hours: BusinessHours | None) -> dt.datetime:
    return start + budget if hours is None else add_working_time(hours, start, budget)


def _between(start: dt.datetime, end: dt.datetime, hours: BusinessHours | None) -> dt.timedelta:
    return end - start if hours is None else working_time_between(hours, start, end)


def run_clock(
    start: dt.datetime,
    duration: dt.timedelta,
    hours: BusinessHours | None = None,
    pauses: Sequence[Spell] = (),
) -> dt.datetime:
    """When a clock started at `start` has counted the policy `duration`.

    With `hours` it counts working time only (the duration read as the module
    doc says); it never counts time inside `pauses` (e.g. while an incident
    was resolved before it was reopened).
    """
    budget = duration if hours is None else business_budget(hours, duration)
    at = start
    for paused_from, paused_until in sorted(pauses):
        if paused_until <= at:
            continue
        if paused_from > at:
            due = _advance(at, budget, hours)
            if due <= paused_from:
                return due
            budget -= _between(at, paused_from, hours)
        at = max(at, paused_until)
    return _advance(at, budget, hours)


def clock_time_between(
    start: dt.datetime, end: dt.datetime, hours: BusinessHours | None = None
) -> dt.timedelta:
    """Time a clock counts from `start` to `end` (working time with `hours`); signed."""
    return _between(start, end, hours)


# -- reading calendar values and the policy's business_hours section ----------


def parse_weekday(text: str) -> int:
    """`mon`, `Monday`, `MON` -> 0 ... `sun` -> 6; ValueError otherwise."""
    key = str(text).strip().lower()
    for number, name in enumerate(WEEKDAYS):
        if len(key) >= 3 and name.startswith(key):
            return number
    raise ValueError(f'"{text}" is not a weekday (mon, tue, wed, thu, fri, sat, sun)')


def parse_time_of_day(text: str) -> dt.time:
    """`09:00` -> time(9, 0) (24-hour `HH:MM`); ValueError otherwise."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(text).strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f'"{text}" is not a time of day (use HH:MM, e.g. 09:00)')
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_date(text: str) -> dt.date:
    """`2026-12-25` -> date; ValueError otherwise."""
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(f'"{text}" is not a date (use YYYY-MM-DD)') from None
    if not EARLIEST.date() <= day < LATEST.date():
        raise ValueError(f"{day} is outside {EARLIEST:%Y}-{LATEST:%Y}; check the year")
    return day


def parse_zone(text: str) -> str:
    """An IANA zone name such as `Europe/Berlin`, checked; ValueError otherwise."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(text).strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'"{text}" is not an IANA time zone (e.g. Europe/Berlin)') from None
    return str(text).strip()


def parse_days(text: str) -> frozenset[int]:
    """A weekday range such as `mon-fri` (or a single day); ValueError otherwise."""
    first, _, last = str(text).partition("-")
    start = parse_weekday(first)
    end = parse_weekday(last) if last else start
    return frozenset((start + i) % 7 for i in range((end - start) % 7 + 1))


def read_business_hours(reader: PolicyReader, node: yaml.Node) -> BusinessHours:
    """The `business_hours:` section: zone, days, hours (`09:00-17:00`), holidays."""
    where = "business_hours"
    fields = reader.mapping(node, where, allowed=("zone", "days", "hours", "holidays"))
    for required in ("zone", "days", "hours"):
        if required not in fields:
            raise reader.fail(node, f"{where}.{required}", "is required")
    days_node = fields["days"][1]
    if reader.is_sequence(days_node):
        days = frozenset(
            reader.convert(day, f"{where}.days[{i}]", parse_weekday)
            for i, day in enumerate(reader.sequence(days_node, f"{where}.days"))
        )
    else:
        days = reader.convert(days_node, f"{where}.days", parse_days)
    if not days:
        raise reader.fail(days_node, f"{where}.days", "needs at least one working day")
    hours_node = fields["hours"][1]
    opens_text, dash, closes_text = reader.scalar(hours_node, f"{where}.hours").partition("-")
    if not dash:
        raise reader.fail(
            hours_node, f"{where}.hours", "expected opening-closing, e.g. 09:00-17:00"
        )
    opens = reader.convert(hours_node, f"{where}.hours", lambda _: parse_time_of_day(opens_text))
    closes = reader.convert(hours_node, f"{where}.hours", lambda _: parse_time_of_day(closes_text))
    if closes <= opens:
        raise reader.fail(hours_node, f"{where}.hours", "closing time must come after opening time")
    holidays: set[dt.date] = set()
    if "holidays" in fields:
        for i, day in enumerate(reader.sequence(fields["holidays"][1], f"{where}.holidays")):
            holidays.add(reader.convert(day, f"{where}.holidays[{i}]", parse_date))
    return BusinessHours(
        zone=reader.convert(fields["zone"][1], f"{where}.zone", parse_zone),
        days=days,
        opens=opens,
        closes=closes,
        holidays=frozenset(holidays),
    )
