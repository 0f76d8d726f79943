"""How times and durations read on screen and in the CLI.

Stored times are UTC; people read local time with the zone shown, and the
date only when it is not today.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo


def to_iso(at: dt.datetime) -> str:
    """The stored form: UTC, second precision, `Z` suffix (sorts as text)."""
    if at.tzinfo is None:
        raise ValueError("refusing a naive datetime")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str) -> dt.datetime:
    """Parse a stored time back into an aware UTC datetime."""
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.utcoffset() == dt.timedelta(0) else parsed.astimezone(dt.UTC)


def local_zone(name: str | None = None) -> dt.tzinfo:
    """The zone to display in: an IANA name, else the machine's own zone.

    The machine's zone is found by name (TZ, /etc/timezone, or the target of
    /etc/localtime) so daylight-saving changes are followed; UTC if none is set.
    """
    if name:
        return ZoneInfo(name)
    for candidate in _machine_zone_names():
        try:
            return ZoneInfo(candidate)
        except (ValueError, OSError, KeyError):
            continue
    return dt.UTC


def _machine_zone_names() -> list[str]:
    names = []
    if os.environ.get("TZ"):
        names.append(os.environ["TZ"].lstrip(":"))
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        names.append(timezone_file.read_text().strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            names.append(target.split("zoneinfo/", 1)[1])
    return names


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


def check_moment(at: dt.datetime, what: str = "time") -> dt.datetime:
    """Return `at` if it is a time warroom can keep, else raise ValueError naming `what`."""
    if at.tzinfo is None:
        raise ValueError(f"{what} {at.isoformat()} has no time zone")
    try:
        inside = EARLIEST <= at < LATEST
    except OverflowError:
        inside = False
    if not inside:
        raise ValueError(
            f"{what} {at.isoformat()} is outside {EARLIEST:%Y}-{LATEST:%Y}; "
            "check the year"
        )
    return at


def parse_user_time(text: str, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A time a person typed: ISO 8601 (zone optional, local if absent) or `HH:MM`.

    `HH:MM` means the most recent such moment not after `now` in the local
    zone, so typing `23:50` just after midnight means last night. A time at
    most `CLOCK_SKEW` ahead of `now` is clock skew and means now.
    """
    text = text.strip()
    try:
        if len(text) in (4, 5) and ":" in text:
            hour, minute = (int(p) for p in text.split(":"))
            local_now = now.astimezone(tz)
            candidate = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if candidate > local_now:
                if candidate - local_now <= CLOCK_SKEW:
                    return now.astimezone(dt.UTC)
                candidate -= dt.timedelta(days=1)
            return candidate.astimezone(dt.UTC)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a time (use ISO 8601 or HH:MM)") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    try:
        utc = parsed.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError(f"{text!r} is outside {EARLIEST:%Y}-{LATEST:%Y}; check the year") from exc
    return check_moment(utc, repr(text))
