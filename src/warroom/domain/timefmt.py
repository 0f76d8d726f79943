"""How times and durations read on screen and in the CLI.

Stored times are UTC; people read local time with the zone shown, and the
date only when it is not today.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


def to_iso(at: dt.datetime) -> str:
    """The stored form: UTC, second precision, `Z` suffix (sorts as text)."""
    if at.tzinfo is None:
        raise ValueError("refusing a naive datetime")
    if at.tzinfo is dt.UTC and at.year >= 1000:  # its isoformat's first 19 characters
        return f"{at.isoformat(timespec='seconds')[:19]}Z"  # (strftime costs ~10x more)
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str) -> dt.datetime:
    """Parse a stored time back into an aware UTC datetime."""
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.utcoffset() == dt.timedelta(0) else parsed.astimezone(dt.UTC)


def format_when(at: dt.datetime, now: dt.datetime, tz: dt.tzinfo) -> str:
    """`14:02:10 CET` today, `2026-11-22 14:02 CET` on any other day."""
    local = at.astimezone(tz)
    zone = local.strftime("%Z") or "UTC"
    if local.date() == now.astimezone(tz).date():
        return f"{local:%H:%M:%S} {zone}"
    return f"{local:%Y-%m-%d %H:%M} {zone}"


def format_age(since: dt.datetime, now: dt.datetime) -> str:
    """A compact age: `45s`, `12m`, `1h 04m`, `2d 03h`."""
    return format_elapsed(now - since)


def format_elapsed(delta: dt.timedelta) -> str:
    """A span the way ages are shown: `45s`, `12m`, `1h 04m`, `2d 03h`."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours:02d}h"


# A typed `HH:MM` up to this far ahead of the clock is the typist's watch running
# ahead (or the minute turning while they type): it means now, not yesterday.
CLOCK_SKEW = dt.timedelta(minutes=5)

# Stored times must lie in this range: outside it, deadline arithmetic overflows
# (year 9999 plus a day) and the record means nothing (year 0999).
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


_EARLIEST_TEXT = EARLIEST.strftime("%Y-%m-%dT%H:%M:%SZ")
_LATEST_TEXT = LATEST.strftime("%Y-%m-%dT%H:%M:%SZ")


class OutOfRange(ValueError):
    """A time or date outside EARLIEST..LATEST (the message says which and why)."""


def check_moment(at: dt.datetime, what: str = "time") -> dt.datetime:
    """Return `at` if it is a time warroom can keep, else raise ValueError naming `what`."""
    if at.tzinfo is None:
        raise ValueError(f"{what} {at.isoformat()} has no time zone")
    try:
        inside = EARLIEST <= at < LATEST
    except OverflowError:
        inside = False
    if not inside:
        raise OutOfRange(
            f"{what} {at.isoformat()} is outside {EARLIEST:%Y}-{LATEST:%Y}; check the year"
        )
    return at


def stored_time(text: str) -> dt.datetime:
    """A stored time read back for use: ValueError when it is not a time or lies
    outside the range warroom keeps (a file written by hand, or by an old version)."""
    if len(text) == 20 and _EARLIEST_TEXT <= text < _LATEST_TEXT and text[-1] == "Z":
        # the stored form (`to_iso`) sorts as time: in range as text is in range as time
        return dt.datetime.fromisoformat(text)
    try:
        return check_moment(from_iso(text), "stored time")
    except (OverflowError, TypeError, AttributeError) as exc:
        raise ValueError(f"{text!r} is not a stored time") from exc


_STORED_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z").fullmatch


def in_stored_form(text: object) -> dt.datetime | None:
    """The time `text` holds when it is exactly the stored form (`to_iso` of a time in
    range, ASCII digits only: `to_iso(in_stored_form(text)) == text`), else None."""
    if type(text) is not str or _STORED_FORM(text) is None:
        return None
    if not _EARLIEST_TEXT <= text < _LATEST_TEXT:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:  # 2026-02-30
        return None


def check_day(day: dt.date, what: str = "date") -> dt.date:
    """Return `day` if it lies in the range warroom keeps, else raise ValueError naming `what`."""
    if not EARLIEST.date() <= day < LATEST.date():
        raise OutOfRange(
            f"{what} {day.isoformat()} is outside {EARLIEST:%Y}-{LATEST:%Y}; check the year"
        )
    return day


@dataclass(frozen=True)
class UserTime:
    """A typed time read as a moment, and what to tell the typist about it (or "")."""

    at: dt.datetime
    note: str = ""


def _wall_clock(naive: dt.datetime, tz: dt.tzinfo) -> tuple[dt.datetime, str]:
    """A local wall-clock time as a moment, by one rule at daylight-saving changes.

    In a spring-forward gap (02:30 that never happened) the time is read with the
    offset from before the gap: the clocks jumped, so it is 03:30 new time. In a
    fall-back overlap (01:30 happened twice) it is the first occurrence. Either
    way the note says so; otherwise the note is empty.
    """
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first, ""
    # zoneinfo (PEP 495): fold=0 takes the offset from before the change, in both cases
    read = first.astimezone(dt.UTC).astimezone(tz)
    shown = f"{naive:%Y-%m-%d %H:%M}"
    if read.replace(tzinfo=None) != naive:
        return first, (
            f"{shown} does not exist in {_zone_name(tz)} (the clocks went forward); "
            f"read as {read:%H:%M %Z} ({to_iso(first)})"
        )
    return first, (
        f"{shown} happened twice in {_zone_name(tz)} (the clocks went back); "
        f"read as the first, {read:%H:%M %Z} ({to_iso(first)})"
    )


def _zone_name(tz: dt.tzinfo) -> str:
    return str(getattr(tz, "key", None) or tz)


def read_user_time(text: str, now: dt.datetime, tz: dt.tzinfo) -> UserTime:
    """A time a person typed: ISO 8601 (zone optional, local if absent) or `HH:MM`.

    `HH:MM` means the most recent such moment not after `now` in the local
    zone, so typing `23:50` just after midnight means last night. A time at
    most `CLOCK_SKEW` ahead of `now` is clock skew and means now. A local time
    at a daylight-saving change follows `_wall_clock`'s rule, and the note says
    how it was read. ValueError names what was typed.
    """
    text = text.strip()
    try:
        if len(text) in (4, 5) and ":" in text:
            hour, minute = (int(p) for p in text.split(":"))
            return _recent_wall_clock(dt.time(hour, minute), now, tz)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a time (use ISO 8601 or HH:MM)") from exc
    note = ""
    try:
        if parsed.tzinfo is None:
            parsed, note = _wall_clock(parsed, tz)
        utc = check_moment(parsed.astimezone(dt.UTC))
    except (OverflowError, OutOfRange) as exc:
        raise OutOfRange(f"{text!r} is outside {EARLIEST:%Y}-{LATEST:%Y}; check the year") from exc
    return UserTime(utc, note)


def _recent_wall_clock(time: dt.time, now: dt.datetime, tz: dt.tzinfo) -> UserTime:
    """`HH:MM` today, or yesterday when today's is still ahead (beyond the skew).

    Compared in UTC: aware datetimes in one zone compare by wall clock, fold ignored.
    """
    today = now.astimezone(tz).date()
    tomorrow, _ = _wall_clock(dt.datetime.combine(today + dt.timedelta(days=1), time), tz)
    if dt.timedelta(0) < tomorrow.astimezone(dt.UTC) - now <= CLOCK_SKEW:
        return UserTime(now.astimezone(dt.UTC))  # `00:01` typed at 23:58 is skew too
    for day in (today, today - dt.timedelta(days=1)):
        moment, note = _wall_clock(dt.datetime.combine(day, time), tz)
        at = moment.astimezone(dt.UTC)
        if at <= now:
            return UserTime(at, note)
        if at - now <= CLOCK_SKEW:
            return UserTime(now.astimezone(dt.UTC))
    raise ValueError(f"{time:%H:%M} is ahead of the clock")  # yesterday's never is


def parse_user_time(text: str, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """`read_user_time` without the note (see there)."""
    return read_user_time(text, now, tz).at
