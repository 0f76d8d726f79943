"""The one place warroom reads the wall clock.

Everything else takes a `Clock` (or a `now` argument), so tests can freeze and
step time and timers stay right across restarts, days and time zones.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._at

    def step(self, **delta: float) -> dt.datetime:
        """Move forward by a timedelta given as keywords (`seconds=5`)."""
        self._at = self._at + dt.timedelta(**delta)
        return self._at

    def set(self, at: dt.datetime) -> None:
        self._at = at.astimezone(dt.UTC)
